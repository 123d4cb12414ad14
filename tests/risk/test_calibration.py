"""Calibration on a hand-made history: what took how long, grouped town × phase → phase → city."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from guatu.progress.services import report_submit
from guatu.projects.models import Phase, WorkItem
from guatu.risk.calibration import MIN_ITEMS, calibrate

pytestmark = pytest.mark.django_db


def finish(item, users, days_late: int):
    """Report the item done *days_late* days after its planned finish."""
    item.refresh_from_db()
    done = item.plan_finish + timedelta(days=days_late)
    report_submit(
        work_item=item, reported_by=users["town"], reported_on=done, percent=Decimal(100),
        today=done,
    )  # fmt: skip
    span = (item.plan_finish - item.plan_start).days + 1
    return (span + days_late) / span


def test_the_fit_comes_from_the_town_and_phase_then_the_phase_then_the_city(
    project, make_item, users, towns
):
    land = Phase.objects.get_or_create(name="征地", defaults={"code": "land-t"})[0]
    build = Phase.objects.get_or_create(name="建设", defaults={"code": "build-t"})[0]
    ratios = []
    for k in range(MIN_ITEMS):
        item = make_item(f"z{k}", name=f"征地{k}", duration_days=10, phase=land)
        ratios.append(finish(item, users, days_late=2 * k))
    for k in range(2):  # too few for their own group: they fall back to the city
        item = make_item(f"b{k}", name=f"建设{k}", duration_days=10, phase=build)
        ratios.append(finish(item, users, days_late=0))
    calibration = calibrate(project.city, date(2030, 1, 1))
    shizhu = towns["石柱镇"]
    own = calibration.for_item(WorkItem(town_id=shizhu.pk, phase_id=land.pk))
    logs = [math.log(r) for r in ratios[:MIN_ITEMS]]
    assert own.count == MIN_ITEMS and "石柱镇·征地" in own.source and "5" in own.source
    assert own.mu == pytest.approx(sum(logs) / len(logs))
    other_town = calibration.for_item(WorkItem(town_id=towns["前仓镇"].pk, phase_id=land.pk))
    assert other_town.source.startswith("征地")  # the phase, all towns
    city = calibration.for_item(WorkItem(town_id=shizhu.pk, phase_id=build.pk))
    assert city.count == MIN_ITEMS + 2 and "全市" in city.source
    assert city.mu == pytest.approx(sum(math.log(r) for r in ratios) / len(ratios))


def test_without_history_a_labelled_prior(project, make_item):
    calibration = calibrate(project.city, date(2030, 1, 1))
    fit = calibration.for_item(WorkItem(town_id=None, phase_id=None))
    assert fit.count == 0 and fit.median_ratio == pytest.approx(1.1) and "历史" in fit.source


def test_progress_reads_the_latest_figure_the_day_it_was_done_and_the_recent_pace(
    project, make_item, users
):
    """Worked by hand: reports outside the last 28 days leave the pace alone."""
    going = make_item("g", name="路基", duration_days=100)
    done = make_item("d", name="拆迁", duration_days=10)
    going.refresh_from_db()
    done.refresh_from_db()
    start = going.early_start
    for days, percent in ((1, 5), (41, 10), (48, 20), (55, 30)):
        day = start + timedelta(days=days)
        report_submit(
            work_item=going, reported_by=users["town"], reported_on=day,
            percent=Decimal(percent), today=day,
        )  # fmt: skip
    for days, percent in ((5, 60), (12, 100), (19, 100)):
        day = done.early_start + timedelta(days=days)
        report_submit(
            work_item=done, reported_by=users["town"], reported_on=day,
            percent=Decimal(percent), today=day,
        )  # fmt: skip
    today = start + timedelta(days=60)
    progress = calibrate(project.city, today).progress
    span = (going.early_finish - going.early_start).days + 1
    # The window is days 41–55 (the report of day 1 is older than 28 days): 20 points in
    # 14 days; 70 % left takes 49 days against the plan's 70 % of the span.
    assert progress[going.pk].percent == 30.0 and progress[going.pk].done_on is None
    assert progress[going.pk].pace_ratio == pytest.approx((70 / (20 / 14)) / (span * 0.7))
    assert progress[done.pk].done_on == done.early_start + timedelta(days=12)
    assert progress[done.pk].pace_ratio is None
    # Only reports dated by the calibration's day count.
    earlier = calibrate(project.city, start + timedelta(days=50)).progress
    assert earlier[going.pk].percent == 20.0
    assert earlier[going.pk].pace_ratio == pytest.approx((80 / (10 / 7)) / (span * 0.8))


def test_a_review_that_makes_a_report_count_renews_the_cached_figures(project, make_item, users):
    """The seen bug: confirming a report above target (超目标) changed what counts, but the
    cached risk kept the figures from before the review until it expired."""
    from django.core.cache import cache

    from guatu.progress.services import report_review
    from guatu.risk.services import city_calibration

    cache.clear()
    land = make_item("zd", name="外迁征地", quantity_target=Decimal(126), unit="mu")
    land.refresh_from_db()
    day = land.early_start + timedelta(days=3)
    flagged = report_submit(
        work_item=land, reported_by=users["town"], reported_on=day, quantity=Decimal(130),
        above_target=True, note="变更", today=day,
    )  # fmt: skip
    today = day + timedelta(days=1)
    assert land.pk not in city_calibration(project.city, today).progress  # not counted yet
    report_review(actor=users["supervisor"], report=flagged, confirm=True)
    assert city_calibration(project.city, today).progress[land.pk].done_on == day


def test_reports_of_a_city_with_no_item_to_calibrate_give_no_progress():
    """Reports only on items the calibration does not read (time nodes, no duration): no
    figure, rather than an index error that took the city's whole risk down."""
    import numpy as np

    from guatu.risk.calibration import _Items, item_progress

    nothing = _Items(
        pk=np.empty(0, dtype=np.int64), start=np.empty(0, dtype="datetime64[D]"),
        finish=np.empty(0, dtype="datetime64[D]"), town=[], phase=[],
    )  # fmt: skip
    reports = [(7, date(2019, 11, 1), Decimal(100))]
    assert item_progress(nothing, reports, date(2019, 11, 15)) == {}
