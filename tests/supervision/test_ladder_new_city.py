"""A city set up today starts the ladder with a clean slate (issue 30): its red record
from before it came into guatu never counts. Its own module: no demo city beside it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from guatu.core.periods import parse_period
from guatu.demo.build import demo_build
from guatu.ledger.exporting import ledger_workbook, organisation_workbook
from guatu.org.models import City
from guatu.supervision.models import Bulletin, EscalationEvent, Score

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_ledger(django_db_setup, django_db_blocker):
    """The demo city's ledger (its 2019 red record included), made and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_build()
        city = City.objects.get()
        exported = {
            "ledger": ledger_workbook(city=city),
            "organisation": organisation_workbook(city=city),
        }
        transaction.set_rollback(True)
    return exported


def test_a_city_set_up_today_starts_with_a_clean_slate(demo_ledger, tmp_path, settings):
    """The seen bug: a new city's first bulletin recorded 74 通报批评 from red periods
    before it existed in guatu. Through the commands an IT officer runs."""
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation, source = tmp_path / "org.xlsx", tmp_path / "city.xlsx"
    organisation.write_bytes(_judging_today(demo_ledger["organisation"]))
    source.write_bytes(_judging_today(demo_ledger["ledger"]))
    call_command(
        "city", "init", str(organisation), "--passwords", str(tmp_path / "pw.csv"),
        stdout=io.StringIO(),
    )  # fmt: skip
    call_command("ledger", "import", str(source), stdout=io.StringIO())
    city = City.objects.get()
    assert city.status_date is None  # it judges the real today
    week = parse_period(_this_week())
    call_command(
        "bulletin", "--period", week.key, "--out", str(tmp_path / "out"), "--publish",
        stdout=io.StringIO(),
    )  # fmt: skip
    bulletin = Bulletin.objects.get(status=Bulletin.Status.PUBLISHED, period=week.key)
    levels = set(EscalationEvent.objects.filter(period=week.key).values_list("level", flat=True))
    assert levels == {"reminder"}, levels
    for row in bulletin.content["escalations"]:
        # Only the periods it has been supervised count: one, this week's.
        assert row["evidence"]["red_periods"] == 1 and len(row["evidence"]["lights"]) == 1
    assert all(score.score >= 0 for score in Score.objects.filter(period=week.key))


def _this_week() -> str:
    year, week, _day = date.today().isocalendar()
    return f"{year}-W{week:02d}"


def _judging_today(ledger: bytes) -> bytes:
    """The ledger with its 数据日期 left empty: a city set up today judges today."""
    book = load_workbook(io.BytesIO(ledger))
    sheet = book["城市"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "数据日期":
                for below in sheet.iter_rows(
                    min_row=cell.row + 1, min_col=cell.column, max_col=cell.column
                ):
                    below[0].value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
