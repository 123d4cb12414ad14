"""A rung's notice is a real 公文 (issue 30): number, 主送, text, deadline, 落款, page
numbers; Word and an inline PDF named as the office files it; the office's own text."""

import io
import re
from datetime import date
from urllib.parse import unquote

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.supervision.models import EscalationEvent
from guatu.supervision.notices import notices_issue, number_text
from guatu.supervision.render_notice import notice_docx, notice_pdf
from guatu.supervision.services import (
    bulletin_draft,
    bulletin_publish,
    bulletin_rung_decide,
    notice_template_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return User.objects.get(username="supervisor")


def _week(city, day):
    City.objects.filter(pk=city.pk).update(status_date=day)
    return City.objects.get(pk=city.pk)


def _publish(office, city, period, decide=()):
    draft = bulletin_draft(actor=office, city=city, period_text=period)
    for work_item, values in decide:
        bulletin_rung_decide(actor=office, bulletin=draft, work_item_id=work_item, **values)
    return bulletin_publish(actor=office, bulletin=draft)


def _text(docx: bytes) -> tuple[list[str], str]:
    document = Document(io.BytesIO(docx))
    lines = [p.text for p in document.paragraphs if p.text]
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    footer = document.sections[0].footer._element.xml
    return lines, cells + "\n" + footer


def test_a_published_rung_s_notice_carries_what_a_gongwen_carries(office):
    city = City.objects.get()
    _publish(office, city, "2019-W46")
    event = (
        EscalationEvent.objects.filter(period="2019-W46", level="reminder", town__name="石柱镇")
        .select_related("work_item__project", "town", "department", "city")
        .first()
    )
    # 文号: the city's series for the year and the rung.
    assert re.fullmatch(r"永重点办提〔2019〕\d+号", number_text(event))
    assert event.reply_by is not None and event.reply_by > date(2019, 11, 15)
    lines, rest = _text(notice_docx(event))
    assert lines[0] == "永康市重点项目建设管理办公室"  # 发文机关标志
    assert lines[1] == number_text(event)
    assert lines[2] == "提醒函"
    assert lines[3] == "石柱镇人民政府、" + str(event.department) + "："  # 主送
    body = lines[4]
    assert event.work_item.name in body and event.work_item.project.name in body
    deadline = f"{event.reply_by.year}年{event.reply_by.month}月{event.reply_by.day}日"
    assert deadline in body and deadline in rest  # the absolute date, in the text and the table
    assert lines[-2] == "永康市重点项目建设管理办公室" and lines[-1] == "2019年11月15日"
    assert "PAGE" in rest  # "— 1 —" in the footer
    # The reason agrees with its own table: as many red periods as the table lists.
    reds = event.evidence["lights"].count("red")
    assert f"连续{event.evidence['red_periods']}期亮红灯" in body
    assert event.evidence["red_periods"] <= reds
    with pdfplumber.open(io.BytesIO(notice_pdf(event))) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for needed in (number_text(event), "石柱镇人民政府", deadline, "— 1 —", "2019年11月15日"):
        assert needed in text, needed


def test_numbers_continue_per_rung_and_year_and_never_repeat(office):
    city = City.objects.get()
    _publish(office, city, "2019-W46")
    _publish(office, _week(city, date(2019, 11, 22)), "2019-W47")
    numbered = EscalationEvent.objects.filter(number__isnull=False)
    for level in ("reminder", "notice"):
        numbers = sorted(numbered.filter(level=level).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), level
    assert numbered.filter(level="notice").exists()


def test_an_interview_is_not_announced_without_its_time_and_place(office):
    city = City.objects.get()
    _publish(office, city, "2019-W46")
    _publish(office, _week(city, date(2019, 11, 22)), "2019-W47")
    city = _week(city, date(2019, 11, 29))
    draft = bulletin_draft(actor=office, city=city, period_text="2019-W48")
    interviews = [r for r in draft.content["escalations"] if r["level_code"] == "interview"]
    assert interviews
    with pytest.raises(ValidationError, match=re.escape(interviews[0]["item"])):
        bulletin_publish(actor=office, bulletin=draft)
    with pytest.raises(ValidationError):
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=interviews[0]["work_item"],
            level="interview", reason="", interview_at="明天上午", interview_place="会议室",
        )  # fmt: skip
    for row in interviews:
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=row["work_item"], level="interview",
            reason="", interview_at="2019-12-02 09:30", interview_place="市政府3号楼305室",
        )  # fmt: skip
    bulletin_publish(actor=office, bulletin=draft)
    event = EscalationEvent.objects.filter(period="2019-W48", level="interview").first()
    lines, _rest = _text(notice_docx(event))
    assert lines[2] == "约谈通知"
    assert "2019年12月2日09:30" in lines[4] and "市政府3号楼305室" in lines[4]


def test_the_office_writes_its_own_text_and_issued_notices_keep_theirs(office):
    city = City.objects.get()
    before = EscalationEvent.objects.filter(level="reminder").first()
    issued = before.notice_body
    assert issued  # the demo's notices were issued with text
    with pytest.raises(ValidationError, match="负责人"):
        notice_template_save(actor=office, city=city, level="reminder", body="请{负责人}整改")
    town = User.objects.get(username="town_shizhu")
    with pytest.raises(PermissionDenied):
        notice_template_save(actor=town, city=city, level="reminder", body="{事项}")
    notice_template_save(
        actor=office, city=city, level="reminder",
        body="{单位}：你单位{事项}进度滞后，请于{反馈期限}前书面反馈。",
    )  # fmt: skip
    _publish(office, city, "2019-W46")
    fresh = EscalationEvent.objects.filter(period="2019-W46", level="reminder").first()
    assert fresh.notice_body.startswith(fresh.addressee + "：你单位" + fresh.work_item.name)
    before.refresh_from_db()
    assert before.notice_body == issued
    client = Client()
    client.force_login(office)
    page = client.get("/escalations/templates/")
    assert page.status_code == 200 and "{反馈期限}" in page.text
    refused = Client()
    refused.force_login(town)
    assert (
        refused.post("/escalations/templates/", {"level": "reminder", "body": "{事项}"}).status_code
        == 403
    )


def test_the_files_are_named_as_the_office_files_them_and_the_pdf_opens_inline(office):
    event = (
        EscalationEvent.objects.select_related("work_item", "town").filter(level="notice").first()
    )
    client = Client()
    client.force_login(User.objects.filter(town=event.town).first())
    other = Client()
    other.force_login(User.objects.exclude(town=event.town).filter(town__isnull=False).first())
    for kind in ("docx", "pdf"):  # another town's notice is not theirs to read
        assert other.get(f"/escalations/{event.pk}/notice.{kind}").status_code == 404
    word = client.get(f"/escalations/{event.pk}/notice.docx")
    disposition = unquote(word["Content-Disposition"])
    assert disposition.startswith("attachment")
    assert f"督办单-{event.town.name}-{event.work_item.name}.docx" in disposition
    pdf = client.get(f"/escalations/{event.pk}/notice.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    disposition = unquote(pdf["Content-Disposition"])
    assert disposition.startswith("inline") and disposition.endswith(".pdf")


def test_a_rung_recorded_before_notices_had_numbers_still_prints(office):
    """Rungs recorded before this change have no number or text: they print the default
    text and no number line, and get numbered only if issued again."""
    event = EscalationEvent.objects.filter(level="reminder").first()
    EscalationEvent.objects.filter(pk=event.pk).update(
        number=None, year=None, notice_body="", addressee="", city=None
    )
    event.refresh_from_db()
    lines, _rest = _text(notice_docx(event))
    assert lines[1] == "提醒函" and event.work_item.name in lines[2]
    notices_issue([event], city=City.objects.get(), on=date(2019, 11, 15))
    assert number_text(event)


def test_a_notice_is_dated_and_given_its_answer_date_from_the_day_it_goes_out(office):
    """The seen risk: W46 (data date 11-15) published on Wednesday 11-20 gave the unit
    five working days from the data date, two of them already gone."""
    city = _week(City.objects.get(), date(2019, 11, 20))
    _publish(office, city, "2019-W46")
    event = EscalationEvent.objects.filter(period="2019-W46", number__isnull=False).first()
    assert event.evidence["as_of"] == "2019-11-17"  # W46 judged at its end
    assert event.issued_on == date(2019, 11, 20) and event.reply_by == date(2019, 11, 27)
    lines, _rest = _text(notice_docx(event))
    assert lines[-1] == "2019年11月20日"  # 成文日期: the day it was issued


def test_a_lowered_interview_calls_no_interview(office):
    city = City.objects.get()
    _publish(office, city, "2019-W46")
    _publish(office, _week(city, date(2019, 11, 22)), "2019-W47")
    draft = bulletin_draft(
        actor=office, city=_week(city, date(2019, 11, 29)), period_text="2019-W48"
    )
    row = next(r for r in draft.content["escalations"] if r["level_code"] == "interview")
    values = {"interview_at": "2019-12-02 09:30", "interview_place": "305室"}
    bulletin_rung_decide(
        actor=office, bulletin=draft, work_item_id=row["work_item"], level="interview",
        reason="", **values,
    )  # fmt: skip
    bulletin_rung_decide(
        actor=office, bulletin=draft, work_item_id=row["work_item"], level="notice",
        reason="已约谈过分管领导",
    )  # fmt: skip
    draft.refresh_from_db()
    rest = [r for r in draft.content["escalations"] if r["level_code"] == "interview"]
    for other in rest:
        bulletin_rung_decide(
            actor=office, bulletin=draft, work_item_id=other["work_item"], level="interview",
            reason="", **values,
        )  # fmt: skip
    bulletin_publish(actor=office, bulletin=draft)
    lowered = EscalationEvent.objects.get(period="2019-W48", work_item_id=row["work_item"])
    assert lowered.level == "notice" and lowered.interview_at is None
    assert lowered.interview_place == ""
    # The record names the rungs as people read them, not by their codes.
    page = Client()
    page.force_login(office)
    text = page.get(f"/bulletins/{draft.pk}/").text
    assert "约谈 → 督办单（已约谈过分管领导）" in text and "interview" not in text


def test_an_earlier_period_is_not_published_after_a_later_one(office):
    city = _week(City.objects.get(), date(2019, 11, 22))
    _publish(office, city, "2019-W47")
    draft = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    assert any(not row["recorded"] for row in draft.content["escalations"])
    with pytest.raises(ValidationError, match="2019年第47周"):
        bulletin_publish(actor=office, bulletin=draft)
