"""Evidence files on a 节点调整, and no path around the approval once a plan is approved."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfWriter

from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.baselines.models import Adjustment, AdjustmentFile
from guatu.baselines.services import adjustment_propose, baseline_freeze
from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.projects.models import Dependency
from guatu.projects.services import Link, dependencies_add, work_item_update

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    """A real one-page PDF (evidence must open as a PDF, not only start like one)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def approved(project, make_item, users):
    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    works = make_item("kg", name="开工", duration_days=10)
    dependencies_add(project=project, links=[Link(land, works, "FS", 0)], actor=users["supervisor"])
    baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    land.refresh_from_db()
    works.refresh_from_db()
    return land, works


def test_the_page_takes_a_pdf_and_a_photo_and_refuses_a_renamed_file(approved, users):
    land, _works = approved
    c = Client()
    c.force_login(users["town"])
    fake = SimpleUploadedFile("会议纪要.pdf", b"PK\x03\x04 not a pdf", "application/pdf")
    page = c.post(
        f"/items/{land.pk}/adjust/",
        {"new_deadline": "2016-08-31", "reason": "迁改滞后", "files": [fake]},
    )
    assert page.status_code == 200 and "会议纪要.pdf" in page.content.decode()
    assert Adjustment.objects.count() == 0 and AdjustmentFile.objects.count() == 0
    files = [
        SimpleUploadedFile("会议纪要.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("现场.jpg", photo(), "image/jpeg"),
    ]
    response = c.post(
        f"/items/{land.pk}/adjust/",
        {"new_deadline": "2016-08-31", "reason": "迁改滞后", "files": files},
    )
    assert response.status_code == 302
    request = Adjustment.objects.get()
    assert [(f.name, f.content_type) for f in request.files.all()] == [
        ("会议纪要.pdf", "application/pdf"),
        ("现场.jpg", "image/jpeg"),
    ]
    listing = c.get("/projects/railway/adjustments/").content.decode()
    first = request.files.first()
    assert f"/adjustment-files/{first.pk}" in listing
    download = c.get(f"/adjustment-files/{first.pk}")
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    audit = AuditEntry.objects.get(action="adjustment_propose")
    assert audit.detail["files"] == ["会议纪要.pdf", "现场.jpg"]


def test_only_the_proposer_adds_evidence_and_at_most_five(approved, users, towns):
    land, _works = approved
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改滞后"
    )
    c = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['town'])}"}
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(2)]
    body = c.post(f"/api/v1/adjustments/{request.pk}/files", {"files": files}, **auth)
    assert body.status_code == 201
    assert [f["name"] for f in body.json()["files"]] == ["0.pdf", "1.pdf"]
    too_many = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(4)]
    refused = c.post(f"/api/v1/adjustments/{request.pk}/files", {"files": too_many}, **auth)
    assert refused.status_code == 400 and AdjustmentFile.objects.count() == 2
    assert "5" in str(refused.json())
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['supervisor'])}"}
    one = [SimpleUploadedFile("x.pdf", PDF, "application/pdf")]
    url = f"/api/v1/adjustments/{request.pk}/files"
    assert c.post(url, {"files": one}, **other).status_code == 403


def test_the_office_proposes_too_and_its_request_waits_for_a_leader(approved, users):
    land, _works = approved
    request = adjustment_propose(
        actor=users["supervisor"], work_item=land, new_duration_days=25, reason="设计变更"
    )
    assert request.status == Adjustment.Status.REVIEWED and request.review_note == "设计变更"
    land.refresh_from_db()
    assert land.duration_days == 20  # nothing moves before a leader decides


def test_an_approved_node_cannot_be_edited_directly(approved, users):
    land, works = approved
    with pytest.raises(ValidationError) as error:
        work_item_update(item=land, actor=users["supervisor"], deadline=date(2016, 9, 30))
    assert "基线 #1" in str(error.value) and "deadline" in error.value.message_dict
    land.refresh_from_db()
    assert land.deadline == date(2016, 8, 10)
    work_item_update(item=land, actor=users["supervisor"], name="外迁征地（一期）")  # allowed
    with pytest.raises(ValidationError):
        dependencies_add(
            project=land.project, links=[Link(works, land, "FS", 0)], actor=users["supervisor"]
        )


def test_a_ledger_import_cannot_move_an_approved_node(approved, users, city):
    land, _works = approved
    book = load_workbook(io.BytesIO(ledger_workbook(city=city)))
    sheet = next(s for s in book.worksheets if s.title == "工作事项")
    headers = [cell.value for cell in sheet[2]]
    node, code = headers.index("时间节点") + 1, headers.index("事项编码") + 1
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, code).value == "zd")
    sheet.cell(row, node).value = date(2016, 9, 30)
    links = headers.index("前置事项") + 1
    works_row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, code).value == "kg")
    sheet.cell(works_row, links).value = None  # drop the approved link
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = ledger_import(source=buffer, name="台账.xlsx", actor=users["supervisor"])
    assert not result.ok
    texts = [str(problem) for problem in result.problems]
    where = ("工作事项", f"第 {row} 行", "时间节点", "基线 #1")
    assert any(all(part in t for part in where) for t in texts), texts
    assert any(f"第 {works_row} 行" in t and "前置事项" in t and "基线 #1" in t for t in texts)
    land.refresh_from_db()
    assert land.deadline == date(2016, 8, 10) and Dependency.objects.count() == 1


def test_the_admin_form_refuses_moving_an_approved_node_at_the_field(approved):
    from django.forms.models import model_to_dict

    from guatu.projects.admin import WorkItemAdminForm

    land, _works = approved
    data = {k: v for k, v in model_to_dict(land).items() if v is not None}
    data["villages"] = []
    data["deadline"] = "2016-09-30"
    form = WorkItemAdminForm(data=data, instance=land)
    assert not form.is_valid()
    assert "基线 #1" in form.errors["deadline"][0]
    data["deadline"] = "2016-08-10"
    data["name"] = "外迁征地（一期）"
    form = WorkItemAdminForm(data=data, instance=land)
    assert "deadline" not in form.errors


def test_the_proposer_adds_evidence_on_the_page_and_a_bad_file_is_named(approved, users):
    land, _works = approved
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改滞后"
    )
    c = Client()
    c.force_login(users["town"])
    bad = SimpleUploadedFile("协议.pdf", b"not a pdf at all", "application/pdf")
    page = c.post(f"/adjustments/{request.pk}/files/", {"files": [bad]}, follow=True)
    assert "协议.pdf" in page.content.decode() and AdjustmentFile.objects.count() == 0
    good = SimpleUploadedFile("协议.pdf", PDF, "application/pdf")
    c.post(f"/adjustments/{request.pk}/files/", {"files": [good]})
    assert [f.name for f in request.files.all()] == ["协议.pdf"]
    c.force_login(users["department"])  # not the proposer
    other = SimpleUploadedFile("x.pdf", PDF, "application/pdf")
    assert c.post(f"/adjustments/{request.pk}/files/", {"files": [other]}).status_code == 403


def test_a_file_that_only_starts_like_a_pdf_is_refused(approved, users):
    """An HTML page or a ZIP beginning with %PDF- used to be stored and served as a PDF."""
    land, _works = approved
    fakes = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"),
        SimpleUploadedFile("b.pdf", b"%PDF-1.7\nPK\x03\x04" + b"\x00" * 64 + b"\n%%EOF\n"),
    ]
    with pytest.raises(ValidationError) as error:
        adjustment_propose(
            actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31),
            reason="迁改滞后", files=fakes,
        )  # fmt: skip
    assert "files" in error.value.message_dict and not AdjustmentFile.objects.exists()


def test_an_evidence_photo_keeps_its_place_for_the_office_only(approved, users, departments):
    from guatu.progress.photos import exif_facts
    from tests.progress.test_photos import camera_jpeg

    land, _works = approved
    picture = camera_jpeg(
        "2016:08:01 10:00:00", gps=(((28, 53, 0), "N"), ((120, 3, 0), "E")), size=(64, 48)
    )
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31),
        reason="迁改滞后", files=[picture],
    )  # fmt: skip
    record = request.files.get()
    url = f"/adjustment-files/{record.pk}"
    seen = {}
    for role in ("supervisor", "leader", "department", "town"):
        client = Client()
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, (role, response.status_code)
        seen[role] = exif_facts(b"".join(response.streaming_content))[1:]
    assert seen["supervisor"] == seen["leader"] != (None, None)
    assert seen["department"] == seen["town"] == (None, None)


def _ledger_with(city, sheet_title: str, code_header: str, code: str, header: str, value):
    book = load_workbook(io.BytesIO(ledger_workbook(city=city)))
    sheet = next(s for s in book.worksheets if s.title == sheet_title)
    headers = [cell.value for cell in sheet[2]]
    column, key = headers.index(header) + 1, headers.index(code_header) + 1
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, key).value == code)
    sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer, row


def test_an_approved_plans_target_moves_by_adjustment_only_on_every_path(
    approved, users, city, project
):
    office = Client()
    office.force_login(users["supervisor"])
    moved = office.patch(
        f"/api/v1/projects/{project.code}",
        {"deadline": "2020-12-31"},
        content_type="application/json",
    )
    assert moved.status_code == 400 and "基线 #1" in moved.json()["errors"]["deadline"][0]
    cleared = office.patch(
        f"/api/v1/projects/{project.code}", {"deadline": None}, content_type="application/json"
    )
    assert cleared.status_code == 400
    buffer, row = _ledger_with(
        city, "项目", "项目编码", project.code, "目标日期", date(2020, 12, 31)
    )
    result = ledger_import(source=buffer, name="台账.xlsx", actor=users["supervisor"])
    texts = [str(problem) for problem in result.problems]
    assert not result.ok and any(f"第 {row} 行" in t and "基线 #1" in t for t in texts), texts
    project.refresh_from_db()
    assert project.deadline == date(2020, 6, 30)
    renamed = office.patch(
        f"/api/v1/projects/{project.code}",
        {"name": "金台铁路（改名）"},
        content_type="application/json",
    )
    assert renamed.status_code == 200  # what is not the plan still changes


def test_a_ledger_node_past_the_projects_target_is_refused_at_its_cell(
    project, make_item, users, city
):
    make_item("zz", name="收尾", duration_days=5)
    buffer, row = _ledger_with(city, "工作事项", "事项编码", "zz", "时间节点", date(2020, 9, 30))
    result = ledger_import(source=buffer, name="台账.xlsx", actor=users["supervisor"])
    texts = [str(problem) for problem in result.problems]
    assert not result.ok
    assert any(f"第 {row} 行" in t and "时间节点" in t and "2020-06-30" in t for t in texts), texts
