from datetime import date

import numpy as np
import pytest

from guatu.core.escalation import consecutive_from_last, ladder_level
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


def test_the_ladder_climbs_with_consecutive_red_periods():
    red = np.array(
        [
            [True, True, True, True, True],  # 5 in a row → criticism
            [False, True, True, True, True],  # 4 → criticism
            [True, True, False, True, True],  # 2 → notice
            [True, True, True, True, False],  # not red now → nothing
        ]
    )
    runs = consecutive_from_last(red)
    assert runs.tolist() == [5, 4, 2, 0]
    assert ladder_level(runs) == ["criticism", "criticism", "notice", None]
    assert ladder_level(runs, [(2, "reminder"), (5, "criticism")]) == [
        "criticism",
        "reminder",
        "reminder",
        None,
    ]
