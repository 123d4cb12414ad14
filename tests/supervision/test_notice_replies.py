"""整改反馈 (issue 30): a unit answers its notice with text and files by the due date; the
office hears of every answer; a missing answer is shown to the office; closing a rung
tells the unit. Through the service, the pages as each role, and the API."""

import io
import json
import re
import zipfile
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.notify.models import Notice
from guatu.org.models import City
from guatu.progress.photos import MAX_BYTES
from guatu.supervision.models import EscalationEvent, NoticeReply, NoticeReplyFile
from guatu.supervision.replies import OLE, check_reply_files, notice_reply
from guatu.supervision.selectors import answer_state, answers_overdue
from guatu.supervision.services import escalation_resolve

pytestmark = pytest.mark.django_db

#: The demo's "today" (永康's status date).
TODAY = date(2019, 11, 15)


# --- files ----------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph("整改报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "整改台账"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_macros(data: bytes) -> bytes:
    """*data*, an Office package, with a macro project added (as a .docm carries one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"macro")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rung(demo) -> EscalationEvent:
    """The demo's 提醒 to 石柱镇 (and 自然资源局) on 金温铁路外迁征迁, due in a week."""
    event = EscalationEvent.objects.get(
        work_item__project__code="jintai-railway", work_item__code="wq-zc-1", period="2019-W46"
    )
    EscalationEvent.objects.filter(pk=event.pk).update(reply_by=date(2019, 11, 22))
    event.refresh_from_db()
    assert event.town.name == "石柱镇" and event.resolved_at is None
    return event


def user(name: str) -> User:
    return User.objects.get(username=name)


def client_of(name: str, *, english: bool = False) -> Client:
    client = Client()
    client.force_login(user(name))
    if english:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# --- the service ----------------------------------------------------------------------


def test_the_unit_answers_with_files_and_the_office_hears_of_it(rung, media):
    office = user("supervisor")
    before = Notice.objects.filter(recipient=office).count()
    reply = notice_reply(
        actor=user("town_shizhu"),
        escalation=rung,
        text="  已完成外迁征迁协议签订 12 户，剩余 3 户本周内完成。  ",
        files=[upload("协议.pdf", pdf_bytes()), upload("现场.jpg", jpeg_bytes())],
    )
    assert reply.text == "已完成外迁征迁协议签订 12 户，剩余 3 户本周内完成。"
    files = list(reply.files.all())
    assert [f.name for f in files] == ["协议.pdf", "现场.jpg"]
    with files[0].file.open("rb") as stored:
        assert stored.read() == pdf_bytes() and files[0].size == len(pdf_bytes())
    assert files[0].file.name.endswith(".pdf") and files[1].file.name.endswith(".jpeg")
    entry = AuditEntry.objects.filter(action="notice_reply", allowed=True).latest("pk")
    assert entry.target_id == str(rung.pk) and entry.detail["files"] == ["协议.pdf", "现场.jpg"]
    # The next actor hears of it: the city's office, in its inbox, with a link to the rung.
    notices = Notice.objects.filter(recipient=office)
    assert notices.count() == before + 1
    notice = notices.latest("pk")
    assert notice.url == f"/escalations/{rung.pk}/" and "石柱镇" in notice.title
    assert "12 户" in notice.body
    # The unit is not told of its own answer; nor is another town.
    assert not Notice.objects.filter(event=f"answer:{reply.pk}", recipient__role="town").exists()
    # The rung's department answers too (the rung is addressed to both).
    notice_reply(actor=user("dept_zrzy"), escalation=rung, text="用地报批已上报省厅。")
    assert rung.replies.count() == 2


@pytest.mark.parametrize("who", ["town_qiancang", "dept_jiaotong", "supervisor", "leader"])
def test_only_the_rungs_own_unit_answers(rung, media, who):
    with pytest.raises(PermissionDenied):
        notice_reply(actor=user(who), escalation=rung, text="x", files=[upload("a.pdf", b"x")])
    assert not NoticeReply.objects.filter(escalation=rung).exists()
    assert AuditEntry.objects.filter(action="notice_reply", allowed=False, user__username=who)
    assert stored_files(media) == []


def test_the_text_is_required_and_bounded(rung, media):
    town = user("town_shizhu")
    for text, problem in [("  ", "Write what"), ("长" * 5001, "5000"), ("a\x00b", "NUL")]:
        with pytest.raises(ValidationError) as refused:
            notice_reply(actor=town, escalation=rung, text=text)
        assert "text" in refused.value.message_dict
        with_english = " ".join(refused.value.message_dict["text"])
        assert problem in with_english or problem == "Write what"
    assert not NoticeReply.objects.exists()


def test_a_bad_or_oversized_file_is_refused_by_name_and_nothing_is_written(rung, media):
    big = upload("大扫描件.pdf", pdf_bytes())
    big.size = MAX_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        notice_reply(
            actor=user("town_shizhu"),
            escalation=rung,
            text="见附件",
            files=[
                upload("协议.pdf", pdf_bytes()),  # fine, but not written either
                upload("假的.pdf", b"%PDF-1.4 not really"),
                big,
            ],
        )
    problems = " ".join(refused.value.message_dict["files"])
    assert "假的.pdf" in problems and "大扫描件.pdf" in problems and "协议.pdf" not in problems
    assert not NoticeReply.objects.exists() and not NoticeReplyFile.objects.exists()
    assert stored_files(media) == []


def test_office_documents_are_checked_by_what_they_are():
    ok, problems = check_reply_files(
        [
            upload("报告.docx", docx_bytes()),
            upload("台账.xlsx", xlsx_bytes()),
            upload("旧报告.doc", OLE + b"\x00" * 600),
            upload("旧台账.xls", OLE + b"\x00" * 600),
            upload("扫描.png", _png()),
        ]
    )
    assert problems == []
    assert [f.suffix for f in ok] == ["docx", "xlsx", "doc", "xls", "png"]
    ok, problems = check_reply_files(
        [
            upload("宏.docx", with_macros(docx_bytes())),
            upload("程序.exe", OLE + b"\x00" * 600),
            upload("压缩包.zip", _zip()),
            upload("网页.pdf", b"<html><script>alert(1)</script></html>"),
        ]
    )
    assert ok == [] and len(problems) == 4
    for name in ["宏.docx", "程序.exe", "压缩包.zip", "网页.pdf"]:
        assert any(name in problem for problem in problems), name
    too_many = [upload(f"{n}.pdf", pdf_bytes()) for n in range(7)]
    assert check_reply_files(too_many)[1]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "x")
    return out.getvalue()


def test_a_closed_rung_takes_no_answer_and_closing_tells_the_unit(rung, media):
    town = user("town_shizhu")
    office = user("supervisor")
    escalation_resolve(actor=office, event=rung, note="已约谈镇长，征迁协议全部签订")
    # The unit learns the outcome: its officials (town and department) in their inbox.
    told = Notice.objects.filter(event=f"resolved:{rung.pk}")
    assert set(told.values_list("recipient__username", flat=True)) >= {"town_shizhu", "dept_zrzy"}
    assert not told.filter(recipient__username="town_qiancang").exists()
    assert "已约谈镇长" in told.get(recipient=town).body
    assert told.get(recipient=town).url == f"/escalations/{rung.pk}/"
    with pytest.raises(ValidationError):
        notice_reply(actor=town, escalation=rung, text="补充材料")
    assert not NoticeReply.objects.exists()
    with pytest.raises(ValidationError):  # closed once: a second close changes nothing
        escalation_resolve(actor=office, event=rung, note="again")


def test_where_each_rung_stands(rung, media):
    city = City.objects.get()
    assert answer_state(rung, TODAY).state == "awaiting"
    assert answer_state(rung, TODAY).day == date(2019, 11, 22)
    EscalationEvent.objects.filter(pk=rung.pk).update(reply_by=date(2019, 11, 14))
    rung.refresh_from_db()
    assert answer_state(rung, TODAY).state == "overdue"
    assert answer_state(rung, date(2019, 11, 14)).state == "awaiting"  # due today: not late
    assert rung in answers_overdue(city=city, today=TODAY)
    notice_reply(actor=user("town_shizhu"), escalation=rung, text="已整改")
    state = answer_state(rung, TODAY)
    assert state.state == "answered" and state.late and state.count == 1
    assert rung not in answers_overdue(city=city, today=TODAY)
    # Closed without an answer: not overdue either.
    other = EscalationEvent.objects.exclude(pk=rung.pk).filter(resolved_at__isnull=True).first()
    EscalationEvent.objects.filter(pk=other.pk).update(reply_by=date(2019, 11, 1))
    assert other in answers_overdue(city=city, today=TODAY)
    escalation_resolve(actor=user("supervisor"), event=other, note="已办结")
    other.refresh_from_db()
    assert answer_state(other, TODAY).state == "closed"
    assert other not in answers_overdue(city=city, today=TODAY)


# --- the pages ------------------------------------------------------------------------


def test_the_unit_answers_on_the_rungs_page_and_the_office_reads_it(rung, media):
    town = client_of("town_shizhu")
    page = town.get(f"/escalations/{rung.pk}/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="files"' in page.text
    assert "金台铁路" in page.text and "2019-11-22" in page.text
    answered = town.post(
        f"/escalations/{rung.pk}/",
        {"text": "已完成 12 户协议签订", "files": [upload("协议.pdf", pdf_bytes())]},
    )
    assert answered.status_code == 302 and answered["Location"] == f"/escalations/{rung.pk}/"
    record = NoticeReplyFile.objects.get(reply__escalation=rung)
    assert Notice.objects.filter(
        recipient=user("supervisor"), url=f"/escalations/{rung.pk}/"
    ).exists()
    # The answer and its file: the unit, the office and leaders read them.
    for name in ["town_shizhu", "supervisor", "leader", "dept_zrzy"]:
        client = client_of(name)
        assert "已完成 12 户协议签订" in client.get(f"/escalations/{rung.pk}/").text, name
        got = client.get(f"/reply-files/{record.pk}")
        assert got.status_code == 200, name
        assert b"".join(got.streaming_content) == pdf_bytes()
        assert (
            got["Content-Type"] == "application/pdf" and "attachment" in got["Content-Disposition"]
        )
    # Nobody else: another town, another department.
    for name in ["town_qiancang", "town_gushan", "dept_jiaotong"]:
        assert client_of(name).get(f"/reply-files/{record.pk}").status_code == 403, name
        assert client_of(name).get(f"/escalations/{rung.pk}/").status_code == 403, name


def test_another_town_is_refused_and_nothing_is_written(rung, media):
    other = client_of("town_qiancang")
    assert other.get(f"/escalations/{rung.pk}/").status_code == 403
    refused = other.post(
        f"/escalations/{rung.pk}/", {"text": "冒名反馈", "files": [upload("a.pdf", pdf_bytes())]}
    )
    assert refused.status_code == 403
    assert not NoticeReply.objects.exists() and stored_files(media) == []
    # The office sees the rung's page but no form to answer it.
    office = client_of("supervisor").get(f"/escalations/{rung.pk}/")
    assert office.status_code == 200 and 'name="files"' not in office.text
    answered = client_of("supervisor").post(f"/escalations/{rung.pk}/", {"text": "x"})
    assert answered.status_code == 403
    assert not NoticeReply.objects.exists()


def test_a_refused_file_on_the_page_is_named_at_the_field(rung, media):
    answered = client_of("town_shizhu", english=True).post(
        f"/escalations/{rung.pk}/", {"text": "见附件", "files": [upload("假的.pdf", b"nope")]}
    )
    assert answered.status_code == 400 and "假的.pdf" in answered.text
    assert not NoticeReply.objects.exists() and stored_files(media) == []


def test_the_list_shows_each_answer_and_the_overdue_ones_to_the_office(rung, media):
    EscalationEvent.objects.filter(pk=rung.pk).update(reply_by=date(2019, 11, 10))
    office = client_of("supervisor", english=True)
    page = office.get("/escalations/").text
    row = _row(page, rung.pk)
    assert "no answer by the due date" in row and "answer-overdue" in row
    assert 'class="overdue"' in row
    overdue = office.get("/escalations/?overdue=1").text
    assert f"/escalations/{rung.pk}/" in overdue
    listed = {e.pk for e in EscalationEvent.objects.all() if f"/escalations/{e.pk}/" in overdue}
    expected = set(answers_overdue(city=City.objects.get()).values_list("pk", flat=True))
    assert listed == expected and rung.pk in expected
    # Answered (late): shown with its date, out of the overdue filter.
    notice_reply(actor=user("town_shizhu"), escalation=rung, text="已整改")
    row = _row(office.get("/escalations/").text, rung.pk)
    assert re.search(r"answered \d{4}-\d{2}-\d{2}", row) and "after the due date" in row
    assert f"/escalations/{rung.pk}/" not in office.get("/escalations/?overdue=1").text
    # Not yet due: awaiting, with its date.
    other = EscalationEvent.objects.exclude(pk=rung.pk).filter(resolved_at__isnull=True).first()
    EscalationEvent.objects.filter(pk=other.pk).update(reply_by=date(2019, 11, 29))
    row = _row(office.get("/escalations/").text, other.pk)
    assert "answer due by 2019-11-29" in row


def _row(page: str, pk: int) -> str:
    """The table row that links to rung *pk*."""
    at = page.index(f'href="/escalations/{pk}/"')
    return page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]


def test_a_town_lists_only_its_own_units_rungs(rung):
    mine = client_of("town_shizhu").get("/escalations/").text
    assert f"/escalations/{rung.pk}/" in mine
    gushan = EscalationEvent.objects.filter(town__name="古山镇")
    assert gushan and not any(f"/escalations/{e.pk}/" in mine for e in gushan)
    other = client_of("town_qiancang").get("/escalations/").text
    assert not any(f"/escalations/{e.pk}/" in other for e in EscalationEvent.objects.all())
    department = client_of("dept_zrzy").get("/escalations/").text
    assert f"/escalations/{rung.pk}/" in department
    office = client_of("supervisor").get("/escalations/").text
    assert all(f"/escalations/{e.pk}/" in office for e in EscalationEvent.objects.all())


def test_closing_on_the_page_tells_the_unit(rung):
    office = client_of("supervisor")
    assert 'name="note"' in office.get(f"/escalations/{rung.pk}/").text
    office.post("/escalations/", {"event": rung.pk, "note": "已办结"})
    assert Notice.objects.filter(recipient=user("town_shizhu"), event=f"resolved:{rung.pk}")
    page = client_of("town_shizhu").get(f"/escalations/{rung.pk}/").text
    assert "已办结" in page and 'name="files"' not in page


# --- the API --------------------------------------------------------------------------


def api(name: str, method: str, path: str, body=None):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user(name))}"}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_api_answers_and_lists(rung, media):
    path = f"/api/v1/escalations/{rung.pk}/replies"
    made = api("town_shizhu", "post", path, {"text": "已签订协议 12 户"})
    assert made.status_code == 201, made.text
    assert made.json()["text"] == "已签订协议 12 户" and made.json()["files"] == []
    assert Notice.objects.filter(recipient=user("supervisor"), event=f"answer:{made.json()['id']}")
    listed = api("supervisor", "get", path)
    assert listed.status_code == 200
    assert listed.json()["state"] == "answered" and len(listed.json()["replies"]) == 1
    assert listed.json()["reply_by"] == "2019-11-22"
    # Refused: another town (403, audited), an empty text (400 at the field), no text (422).
    assert api("town_qiancang", "post", path, {"text": "冒名"}).status_code == 403
    assert api("town_qiancang", "get", path).status_code == 403
    assert api("supervisor", "post", path, {"text": "x"}).status_code == 403
    empty = api("town_shizhu", "post", path, {"text": "  "})
    assert empty.status_code == 400 and empty.json()["field"] == "text"
    assert api("town_shizhu", "post", path, {}).status_code == 422
    assert api("town_shizhu", "get", "/api/v1/escalations/987654321/replies").status_code == 404
    assert NoticeReply.objects.filter(escalation=rung).count() == 1
