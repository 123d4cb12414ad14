"""The status engine: hand-computed 序时进度, lights, early warning, flags, roll-ups."""

from datetime import date

import numpy as np
import pytest

from guatu.core.calendar import CalendarAxis, WorkCalendar
from guatu.core.status import (
    LIGHT_NAMES,
    NO_DAY,
    Flag,
    Light,
    Reason,
    StatusRules,
    group_light,
    group_on_track_share,
    item_status,
)


def status(items, reports, as_of, window=20, rules=None):
    """items: (es, duration, lf); reports: (item, day, percent) in order."""
    es, duration, lf = (np.array(column) for column in zip(*items, strict=True))
    n = len(es)
    report_item, report_day, report_percent = (
        (np.array(column) for column in zip(*reports, strict=True))
        if reports
        else (np.array([], dtype=int), np.array([], dtype=int), np.array([], dtype=float))
    )
    return item_status(
        es=es,
        duration=duration,
        lf=lf,
        as_of=np.full(n, as_of),
        window_start=np.full(n, as_of - window),
        report_item=report_item,
        report_day=report_day,
        report_percent=report_percent,
        rules=rules,
    )


def names(result):
    return [LIGHT_NAMES[code] for code in result.light]


def test_hand_computed_lights():
    # Every item planned over days 0..100 (late finish 120), seen at day 50: 序时 50 %.
    plan = (0, 100, 120)
    result = status(
        [plan] * 5 + [(60, 10, 80), (0, 40, 45)],
        [
            (0, 50, 45.0),  # lag 5 → green
            (1, 50, 35.0),  # lag 15 → yellow
            (2, 50, 15.0),  # lag 35 → red
            (3, 40, 100.0),  # done
            # item 4: nothing reported though planned to be half done → red
            # item 5: starts at 60, nothing yet → not started
            (6, 30, 90.0),  # planned 100 % by day 40, late finish 45, at day 50 → overdue
        ],
        as_of=50,
    )
    assert result.planned.tolist()[:3] == [50.0, 50.0, 50.0]
    assert names(result) == ["green", "yellow", "red", "done", "red", "not_started", "red"]
    assert result.reason[6] == Reason.OVERDUE and result.slip[6] == 5
    assert np.isnan(result.actual[4]) and result.lag[4] == 50.0


def test_early_warning_flags_a_green_item_whose_forecast_misses_the_late_finish():
    # Planned over 0..100, late finish 100. At day 50: 45 % (lag 5, green by lag),
    # but only 5 points in the last 20 days: 0.25 %/day → 55 % left takes 220 days.
    result = status([(0, 100, 100)], [(0, 30, 40.0), (0, 50, 45.0)], as_of=50)
    assert result.light[0] == Light.YELLOW and result.reason[0] == Reason.FORECAST
    assert bool(result.warning[0])
    assert result.forecast[0] == 50 + 220 and result.slip[0] == 170


def test_no_progress_in_the_window_means_no_forecast():
    result = status([(0, 100, 100)], [(0, 10, 48.0)], as_of=50)
    assert result.forecast[0] == NO_DAY and result.light[0] == Light.GREEN


def test_milestone_flags():
    # Milestones due by the end of working day 10 (late finish 10): reached by offset 9,
    # late at 13, never, not yet due, and exactly on its node (offset 10: on time).
    result = status(
        [(10, 0, 10)] * 3 + [(30, 0, 30), (10, 0, 10)],
        [(0, 9, 100.0), (1, 13, 100.0), (4, 10, 100.0)],
        as_of=20,
    )
    assert result.flag.tolist() == [
        Flag.DONE_ON_TIME,
        Flag.DONE_LATE,
        Flag.OVERDUE,
        Flag.PENDING,
        Flag.DONE_ON_TIME,
    ]
    assert names(result)[:3] == ["done", "done", "red"]


def test_planned_percent_counts_working_days_across_a_holiday():
    # An item of 10 working days from Friday 2019-09-27: 9-27, 9-29 (调休), 9-30,
    # then 国庆 until 10-7. On 10-8 it has had 4 working days: 序时 40 %.
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 9, 27))
    as_of = axis.offset_of_finish([date(2019, 10, 8)])
    assert as_of[0] == 4
    result = item_status(
        es=np.array([0]),
        duration=np.array([10]),
        lf=np.array([20]),
        as_of=as_of,
        window_start=axis.offset_of_finish([date(2019, 9, 27)]),
        report_item=np.array([0]),
        report_day=axis.offset_of_finish([date(2019, 10, 8)]),
        report_percent=np.array([25.0]),
    )
    assert result.planned[0] == 40.0 and result.lag[0] == 15.0
    assert result.light[0] == Light.YELLOW
    # A week of holiday is not counted as a week behind: on 10-7 the plan was still 30 %.
    still = item_status(
        es=np.array([0]),
        duration=np.array([10]),
        lf=np.array([20]),
        as_of=axis.offset_of_finish([date(2019, 10, 7)]),
        window_start=np.array([0]),
        report_item=np.array([0]),
        report_day=np.array([3]),
        report_percent=np.array([25.0]),
    )
    assert still.planned[0] == 30.0 and still.light[0] == Light.GREEN


def test_thresholds_decide_the_light():
    reports = [(0, 50, 30.0)]  # lag 20
    assert status([(0, 100, 120)], reports, 50).light[0] == Light.YELLOW
    strict = StatusRules(yellow_lag=5, red_lag=15)
    assert status([(0, 100, 120)], reports, 50, rules=strict).light[0] == Light.RED


def test_s_curve_plans_a_slow_start():
    linear = status([(0, 100, 120)], [(0, 20, 10.0)], 20)
    curve = status([(0, 100, 120)], [(0, 20, 10.0)], 20, rules=StatusRules(s_curve=True))
    assert linear.planned[0] == 20.0
    assert curve.planned[0] == pytest.approx(10.4)  # 0.2² × (3 − 0.4)


def test_reports_after_the_date_are_ignored():
    result = status([(0, 100, 120)], [(0, 10, 10.0), (0, 60, 80.0)], as_of=50)
    assert result.actual[0] == 10.0


def test_project_and_town_roll_ups():
    light = np.array(
        [Light.GREEN, Light.RED, Light.DONE, Light.YELLOW, Light.NOT_STARTED], dtype=np.int8
    )
    group = np.array([0, 0, 1, 1, 2])
    critical = np.array([True, False, True, False, False])
    # Project 0 counts its critical item (green), though a non-critical one is red;
    # project 1's critical item is done but another is still under way: not 完成.
    assert group_light(group, light, 3, counted=critical).tolist() == [
        Light.GREEN,
        Light.GREEN,
        Light.NOT_STARTED,
    ]
    assert group_light(group, light, 3).tolist() == [Light.RED, Light.YELLOW, Light.NOT_STARTED]
    # 象珠镇小微企业园: five items done, two not yet due — under way, not 未开工.
    park = np.array([Light.DONE] * 5 + [Light.NOT_STARTED] * 2, dtype=np.int8)
    assert group_light(np.zeros(7, dtype=np.int64), park, 1).tolist() == [Light.GREEN]
    everything = np.array([Light.DONE] * 3, dtype=np.int8)
    assert group_light(np.zeros(3, dtype=np.int64), everything, 1).tolist() == [Light.DONE]
    share = group_on_track_share(group, light, np.array([1.0, 3.0, 2.0, 2.0, 1.0]), 3)
    assert share[0] == 0.25 and share[1] == 0.5 and np.isnan(share[2])
