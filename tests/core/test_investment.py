"""序时 arithmetic, lights, checks and 开工率 on figures worked by hand."""

from datetime import date

import numpy as np
import pytest

from guatu.core.investment import (
    LIGHTS,
    Check,
    InvestmentRules,
    MonthFigures,
    even_curve,
    light_of,
    month_checks,
    quarter_target,
    rollup,
    schedule_share,
    standing,
    start_rate,
)


def test_even_schedule():
    assert schedule_share(0) == 0
    assert schedule_share(10) == pytest.approx(10 / 12)
    assert schedule_share(12) == 1
    assert schedule_share(13) == 1


def test_own_curve():
    curve = (0.02, 0.05, 0.12, 0.2, 0.3, 0.42, 0.52, 0.62, 0.72, 0.82, 0.92, 1.0)
    assert schedule_share(3, curve) == 0.12


def test_position_by_hand():
    # 1–10月: 4,500 of a 6,000 plan = 75 %; 序时 10/12 = 83.33 %; 欠 8.33 points.
    s = standing(done=4500, plan=6000, share=10 / 12)
    assert s.rate == pytest.approx(75.0)
    assert s.schedule == pytest.approx(83.3333, abs=1e-3)
    assert s.gap == pytest.approx(-8.3333, abs=1e-3)
    # Ahead: 5,400 of 6,000 at October = 90 %, 超 6.67 points.
    assert standing(done=5400, plan=6000, share=10 / 12).gap == pytest.approx(6.6667, abs=1e-3)
    assert standing(done=10, plan=0, share=0.5).rate == 0


@pytest.mark.parametrize(
    ("gap", "light"),
    [(3.0, "green"), (-5.0, "green"), (-5.01, "yellow"), (-10.0, "yellow"), (-10.01, "red")],
)
def test_lights_at_the_thresholds(gap, light):
    assert LIGHTS[light_of(gap, InvestmentRules())] == light
    assert LIGHTS[light_of(gap, InvestmentRules(), has_plan=False)] == "none"


def test_groups_are_summed_not_averaged():
    # Two projects: 100 of 1,200 (small, far behind) and 9,000 of 12,000 (big, ahead).
    sums = rollup(
        np.array([0, 0, 1]),
        2,
        done=np.array([100.0, 9000.0, 50.0]),
        plan=np.array([1200.0, 12000.0, 0.0]),
        share=np.array([0.5, 0.5, 0.5]),
    )
    assert sums.rate[0] == pytest.approx(9100 / 13200 * 100)
    assert sums.schedule[0] == pytest.approx(50.0)
    assert list(sums.count) == [2, 1]
    assert sums.rate[1] == 0  # no plan: no rate, no light
    assert list(sums.lights(InvestmentRules())) == [1, 0]


def test_a_project_left_out():
    sums = rollup(
        np.array([-1, 0]),
        1,
        done=np.array([5.0, 1.0]),
        plan=np.array([5.0, 2.0]),
        share=np.array([1.0, 1.0]),
    )
    assert float(sums.done[0]) == 1.0


def month(**changes) -> MonthFigures:
    values = dict(
        amount=100.0,
        year_total=500.0,
        cumulative=2000.0,
        annual_plan=1200.0,
        total_investment=10000.0,
        in_operation=False,
        under_construction=True,
        months_idle=0,
        confirmation=False,
        in_library=True,
    )
    return MonthFigures(**{**values, **changes})


def test_a_plain_month_raises_nothing():
    assert month_checks(month(), InvestmentRules()) == {}


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"cumulative": 12000.01}, Check.OVERRUN),
        ({"amount": 0.0, "months_idle": 3}, Check.IDLE),
        ({"year_total": 1000.01}, Check.NO_CONFIRMATION),
        ({"amount": -5.0}, Check.NEGATIVE),
        ({"amount": 600.01}, Check.MONTH_SHARE),
        ({"in_library": False}, Check.NOT_IN_LIBRARY),
    ],
)
def test_each_check_fires_and_clears(changes, check):
    rules = InvestmentRules()
    assert check in month_checks(month(**changes), rules)
    # The same month just inside the rule raises nothing.
    inside = {
        Check.OVERRUN: {"cumulative": 12000.0},
        Check.IDLE: {"amount": 0.0, "months_idle": 2},
        Check.NO_CONFIRMATION: {"year_total": 1000.01, "confirmation": True},
        Check.NEGATIVE: {"amount": 0.0},
        Check.MONTH_SHARE: {"amount": 600.0},
        Check.NOT_IN_LIBRARY: {"in_library": False, "cumulative": 0.0},
    }[check]
    assert check not in month_checks(month(**inside), rules)


def test_checks_follow_the_rules_version():
    rules = InvestmentRules(overrun_ratio=1.5, idle_months=6, month_share=0.8)
    assert month_checks(month(cumulative=14000.0, amount=0.0, months_idle=5), rules) == {}
    assert Check.OVERRUN not in month_checks(month(cumulative=20000.0, in_operation=True), rules)


def test_the_check_names_its_figures():
    params = month_checks(month(amount=-5.5), InvestmentRules())[Check.NEGATIVE]
    assert params == {"amount": "-5.5"}


def test_start_rate_by_quarter():
    rules = InvestmentRules()
    assert quarter_target(2, rules) is None
    assert [quarter_target(m, rules) for m in (3, 5, 6, 9, 10, 12)] == [30, 30, 60, 85, 100, 100]
    started = [date(2019, 2, 1), date(2019, 5, 20), None, date(2019, 8, 1)]
    assert start_rate(started, date(2019, 3, 31)) == (1, 4, 25.0)
    assert start_rate(started, date(2019, 6, 30)) == (2, 4, 50.0)
    assert start_rate(started, date(2019, 9, 30)) == (3, 4, 75.0)
    assert start_rate([], date(2019, 9, 30)) == (0, 0, 0.0)


def test_rules_refuse_a_bad_curve():
    with pytest.raises(ValueError):
        InvestmentRules(curve=(0.5,) * 11)
    with pytest.raises(ValueError):
        InvestmentRules(curve=(0.5, 0.4, *even_curve()[2:]))


def test_red_and_black_lists():
    from guatu.core.investment import red_black

    units = [("甲", 5.0), ("乙", -2.0), ("丙", 1.0), ("丁", -9.0), ("戊", 0.0)]
    red, black = red_black(units, 2)
    assert [r.name for r in red] == ["甲", "丙"]
    assert [b.name for b in black] == ["丁", "乙"]
    # Only units ahead are red, only units behind are black, whatever the size.
    red, black = red_black([("甲", -1.0), ("乙", -3.0)], 1)
    assert red == [] and [b.name for b in black] == ["乙"]
    red, black = red_black([("甲", 1.0), ("乙", 3.0)], 5)
    assert [r.name for r in red] == ["乙", "甲"] and black == []
    # An exempt unit is on neither list and takes nobody's place.
    red, black = red_black(units, 1, frozenset({"甲", "丁"}))
    assert [r.name for r in red] == ["丙"] and [b.name for b in black] == ["乙"]
    assert red_black([], 3) == ([], [])
