from datetime import date

import numpy as np
import pytest

from guatu.core.escalation import DEFAULT_LADDER, ladder_steps, red_run, rung_levels
from guatu.core.periods import PeriodError, PeriodKind, parse_period


def test_periods():
    week = parse_period("2019-W46")
    assert (week.start, week.end, week.kind) == (
        date(2019, 11, 11),
        date(2019, 11, 17),
        PeriodKind.WEEK,
    )
    assert week.previous().key == "2019-W45" and week.label().startswith("2019年第46周")
    month = parse_period("2020-02")
    assert month.end == date(2020, 2, 29) and month.previous().key == "2020-01"
    assert parse_period("2020-01").previous().key == "2019-12"
    span = parse_period("2019-11-01..2019-11-15")
    assert span.days == 15 and span.previous().end == date(2019, 10, 31)


@pytest.mark.parametrize("text", ["2019-W60", "2019-13", "W46", "2019-11-15..2019-11-01", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


R, g = True, False

#: (case, red periods oldest → newest, supervised, last rung, its column, reset_after, rung now)
LADDER_CASES = [
    ("first bulletin, red for 4 periods", [R, R, R, R], None, 0, -1, 1, 1),
    ("climbs: 提醒 last week → 督办单", [R, R, R, R], None, 1, 2, 1, 2),
    ("climbs: 督办单 → 约谈", [R, R, R, R], None, 2, 2, 1, 3),
    ("climbs: 约谈 → 通报批评", [R, R, R, R], None, 3, 2, 1, 4),
    ("the top rung stays while red", [R, R, R, R, R], None, 4, 3, 1, 4),
    ("a skipped week: still the next rung", [R, R, R, R], None, 1, 1, 1, 2),
    ("a green week in between: again from 提醒", [R, R, g, R], None, 2, 1, 1, 1),
    ("a green week, the city resets after 2", [R, R, g, R, R], None, 2, 1, 2, 2),
    ("not red now: nothing", [R, R, R, g], None, 3, 2, 1, 0),
    ("a new city with a long red history", [R, R, R, R], [g, g, g, R], 0, -1, 1, 1),
    ("a bulletin before the city was set up", [R, R, R, R], [g, g, g, g], 0, -1, 1, 0),
    ("a project imported mid-year, 2 periods ago", [R, R, R, R], [g, g, R, R], 1, 2, 1, 2),
    ("an old rung before the window: again from 提醒", [R, R, R, R, R], None, 2, -1, 1, 1),
    ("an old rung before the window, a green week since", [R, g, R, R, R], None, 2, -1, 1, 1),
]


@pytest.mark.parametrize(
    ("red", "supervised", "last", "last_at", "reset_after", "rung"),
    [case[1:] for case in LADDER_CASES],
    ids=[case[0] for case in LADDER_CASES],
)
def test_the_ladder_climbs_one_rung_a_bulletin(red, supervised, last, last_at, reset_after, rung):
    got = ladder_steps(
        np.array([red]),
        np.array([supervised or [True] * len(red)]),
        np.array([last]),
        np.array([last_at]),
        reset_after=reset_after,
    )
    assert got.tolist() == [rung]


def test_the_ladder_is_one_array_pass_for_every_item():
    """The same cases side by side give the same rungs: one call for a whole city."""
    width = max(len(case[1]) for case in LADDER_CASES)
    rows = [case for case in LADDER_CASES if case[5] == 1]

    def pad(values, fill):
        return [fill] * (width - len(values)) + list(values)

    red = np.array([pad(case[1], False) for case in rows])
    supervised = np.array([pad(case[2] or [True] * len(case[1]), False) for case in rows])
    shift = [width - len(case[1]) for case in rows]
    last_at = np.array(
        [case[4] + k if case[4] >= 0 else -1 for case, k in zip(rows, shift, strict=True)]
    )
    got = ladder_steps(red, supervised, np.array([case[3] for case in rows]), last_at)
    assert got.tolist() == [case[6] for case in rows]
    assert rung_levels(got, DEFAULT_LADDER)[:4] == ["reminder", "notice", "interview", "criticism"]


def test_the_red_run_counts_supervised_periods_only():
    red = np.array([[R, R, R, R], [R, g, R, R]])
    assert red_run(red, np.ones_like(red)).tolist() == [4, 2]
    assert red_run(red, np.array([[g, g, R, R], [g, g, g, R]])).tolist() == [2, 1]
