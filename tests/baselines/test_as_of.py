"""As of a past date: what the plan and the figures were then, replayed after later changes."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from guatu.baselines.asof import project_as_of
from guatu.baselines.models import Baseline
from guatu.baselines.services import (
    adjustment_decide,
    adjustment_propose,
    adjustment_review,
    baseline_freeze,
)
from guatu.progress.models import ProgressReport
from guatu.progress.services import report_submit

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def seen(project, day):
    """What a page of that day shows, reduced to its figures."""
    result = project_as_of(project, day)
    return (
        result.baseline.number if result.baseline else None,
        [(r.code, r.then.deadline if r.then else None, r.percent_then) for r in result.rows],
    )


def test_a_past_date_shows_what_was_known_then_whatever_happened_since(project, make_item, users):
    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    Baseline.objects.filter(pk=first.pk).update(created_at=at(date(2016, 7, 15)))
    day1 = date(2016, 7, 20)
    report = report_submit(
        work_item=land, reported_by=users["town"], reported_on=day1, percent=Decimal(20),
        today=day1, submitted_at=at(day1),
    )  # fmt: skip
    recorded = seen(project, day1)
    assert recorded == (1, [("zd", date(2016, 8, 10), Decimal("20.00"))])

    # Later: a correction of that report, a new report, an approved node adjustment.
    day2 = date(2016, 7, 27)
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=day1, percent=Decimal(15),
        supersedes=report, correction_reason="统计口径更正", today=day2, submitted_at=at(day2),
    )  # fmt: skip
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=day2, percent=Decimal(40),
        today=day2, submitted_at=at(day2, 11),
    )  # fmt: skip
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改滞后"
    )
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    done = adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    Baseline.objects.filter(pk=done.baseline.pk).update(created_at=at(day2, 16))

    assert seen(project, day1) == recorded  # the past replays unchanged
    assert seen(project, day2) == (2, [("zd", date(2016, 8, 31), Decimal("40.00"))])
    # Before any baseline: no plan of record yet.
    assert seen(project, date(2016, 7, 1))[0] is None
    assert ProgressReport.objects.count() == 3  # history append-only


def test_the_page_and_the_api_show_a_date_beside_today(project, make_item, users):
    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    Baseline.objects.filter(pk=first.pk).update(created_at=at(date(2016, 7, 15)))
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=date(2016, 7, 20),
        percent=Decimal(20), today=date(2016, 7, 20), submitted_at=at(date(2016, 7, 20)),
    )  # fmt: skip
    c = Client()
    c.force_login(users["leader"])
    page = c.get("/projects/railway/as-of/?date=2016-07-20").content.decode()
    assert "外迁征地" in page and "20.00%" in page and "2016-08-10" in page
    assert c.get("/projects/railway/as-of/?date=2016-13-40").status_code == 200  # named error
    from guatu.accounts.tokens import token_create

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['town'])}"}
    body = c.get("/api/v1/projects/railway/as-of?date=2016-07-20", **auth).json()
    assert body["baseline"] == 1
    assert (
        body["rows"][0]["percent_then"] == "20.00"
        and body["rows"][0]["deadline_then"] == "2016-08-10"
    )
    assert c.get("/api/v1/projects/railway/as-of?date=nonsense", **auth).status_code == 422


def test_the_lights_of_a_past_day_replay_what_the_project_page_showed(project, make_item, users):
    """Record the lights the project page judged on a day; replay them after the plan moved."""
    from guatu.progress.status import items_status

    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    Baseline.objects.filter(pk=first.pk).update(created_at=at(date(2016, 7, 15)))
    land.refresh_from_db()
    day1 = land.plan_start + (land.plan_finish - land.plan_start) * 3 // 4
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=day1, percent=Decimal(5),
        today=day1, submitted_at=at(day1),
    )  # fmt: skip
    shown = items_status(items=[land], as_of=day1)[land.pk].light  # the page of day1
    assert shown in ("yellow", "red")
    assert project_as_of(project, day1).rows[0].light_then == shown

    # The node moves later (approved) and the town catches up: day1 still judged as then.
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_duration_days=60, reason="迁改滞后"
    )
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    later = day1 + (day1 - land.plan_start)
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=later, percent=Decimal(100),
        today=later, submitted_at=at(later),
    )  # fmt: skip
    assert items_status(items=[land], as_of=day1)[land.pk].light != shown  # today's plan differs
    row = project_as_of(project, day1).rows[0]
    assert row.light_then == shown and row.light_now == "done"


def test_the_as_of_workbook_holds_the_day_the_baselines_and_the_adjustments(
    project, make_item, users
):
    import io

    from openpyxl import load_workbook

    name = '=HYPERLINK("x")外迁'
    land = make_item("zd", name=name, duration_days=20, deadline=date(2016, 8, 10))
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    Baseline.objects.filter(pk=first.pk).update(created_at=at(date(2016, 7, 15)))
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=date(2016, 7, 20),
        percent=Decimal(20), today=date(2016, 7, 20), submitted_at=at(date(2016, 7, 20)),
    )  # fmt: skip
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="+迁改滞后"
    )
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    adjustment_decide(actor=users["leader"], adjustment=request, approve=True)

    c = Client()
    c.force_login(users["town"])
    response = c.get("/projects/railway/as-of.xlsx?date=2016-07-20")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    day, baselines, requests = book.worksheets
    assert day.title == "截至2016-07-20" and baselines.title == "基线"
    row = [cell.value for cell in day[3]]
    assert row[0] == "zd" and row[1] == '=HYPERLINK("x")外迁' and day.cell(3, 2).data_type == "s"
    assert row[2].date() == date(2016, 8, 10) and row[3].date() == date(2016, 8, 31)
    assert row[8] == 20.0
    numbers = [r[0] for r in baselines.iter_rows(min_row=3, values_only=True)]
    assert numbers == [1, 2]
    adjustment = [cell.value for cell in requests[3]]
    assert adjustment[4] == 21 and adjustment[7] == "+迁改滞后" and adjustment[14] == 2
    assert requests.cell(3, 8).data_type == "s"
    assert c.get("/projects/railway/as-of.xlsx?date=2016-02-30").status_code == 400

    from guatu.accounts.tokens import token_create

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['leader'])}"}
    api = c.get("/api/v1/projects/railway/as-of.xlsx?date=2016-07-20", **auth)
    assert api.status_code == 200 and load_workbook(io.BytesIO(api.content)).sheetnames[1] == "基线"
