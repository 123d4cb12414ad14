"""投资调度: investment against its 序时, the lights, the statistics checks and 开工率.

Every figure is in 万元. For one project and one year, month ``m`` (1–12):

- 完成率 = investment done from January to ``m`` ÷ the year's plan;
- 序时进度 = the share of the plan due by the end of ``m``: the project's own curve if it has
  one, else the city's, else even (``m / 12``);
- 超/欠序时 = (完成率 − 序时进度) in percentage points (negative: behind);
- the light: red when behind by more than the red threshold, yellow when behind by more
  than the yellow one, else green; no plan: no light.

A group (a category, a level, a town, a department, the city) is summed, not averaged:
its 完成率 is Σ done ÷ Σ plan and its 序时 is Σ(plan × share) ÷ Σ plan, so a big project
weighs what its money weighs, as the offices' own tables do.

>>> s = standing(done=300.0, plan=1200.0, share=4 / 12)
>>> round(s.rate, 2), round(s.schedule, 2), round(s.gap, 2)
(25.0, 33.33, -8.33)
>>> LIGHTS[light_of(s.gap, InvestmentRules())]
'yellow'
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

import numpy as np

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = [
    "CHECKS",
    "LIGHTS",
    "Check",
    "CheckMessage",
    "InvestmentRules",
    "MonthFigures",
    "Rollup",
    "Standing",
    "even_curve",
    "is_behind",
    "light_of",
    "month_checks",
    "quarter_target",
    "red_black",
    "rollup",
    "round_points",
    "schedule_share",
    "standing",
    "start_rate",
]

MONTHS = 12
LIGHTS = ("none", "green", "yellow", "red")


def even_curve() -> tuple[float, ...]:
    """The even 序时: a twelfth of the plan a month, cumulative at each month's end."""
    return tuple(month / MONTHS for month in range(1, MONTHS + 1))


@dataclass(frozen=True)
class InvestmentRules:
    """One version of a city's investment rules (the defaults are the common practice).

    ``curve`` is the share of the annual plan due by the end of each month (twelve
    numbers rising to 1); ``start_targets`` the share of 新开工 projects that must have
    started by the end of a month (Zhejiang's 30/60/85/100 % by March, June, September
    and October).
    """

    yellow_gap: float = 5.0
    red_gap: float = 10.0
    curve: tuple[float, ...] = field(default_factory=even_curve)
    overrun_ratio: float = 1.2
    idle_months: int = 3
    confirmation_above: float = 1000.0
    month_share: float = 0.5
    start_targets: tuple[tuple[int, float], ...] = ((3, 30.0), (6, 60.0), (9, 85.0), (10, 100.0))

    def __post_init__(self) -> None:
        if len(self.curve) != MONTHS:
            raise ValueError("a plan curve has twelve months")
        if any(b < a for a, b in zip(self.curve, self.curve[1:], strict=False)):
            raise ValueError("a plan curve never falls")
        if not 0 <= self.yellow_gap <= self.red_gap:
            raise ValueError("0 ≤ yellow ≤ red")


def schedule_share(month: int, curve: Sequence[float] | None = None) -> float:
    """The share of the year's plan due by the end of *month* (0 before January)."""
    if month <= 0:
        return 0.0
    month = min(month, MONTHS)
    return float((curve or even_curve())[month - 1])


@dataclass(frozen=True)
class Standing:
    """A project's or a group's position: percentages and percentage points."""

    done: float
    plan: float
    rate: float  # 完成率, %
    schedule: float  # 序时进度, %
    gap: float  # 超(+)/欠(−)序时, percentage points


def standing(*, done: float, plan: float, share: float) -> Standing:
    """The position of *done* against *plan* when *share* of it is due (no plan: zeros)."""
    if plan <= 0:
        return Standing(done, plan, 0.0, 0.0, 0.0)
    rate = done / plan * 100
    schedule = share * 100
    return Standing(done, plan, rate, schedule, rate - schedule)


def is_behind(gap: float) -> bool:
    """Behind its 序时 as it is published: the gap, rounded half up to the tenth of a point
    the lines and tables print, is below zero (−0.04 reads 0.0, 持平: not behind)."""
    return round_points(gap) < 0


def round_points(gap: float) -> float:
    """A gap in points as it is printed: half up, to one decimal."""
    return float(Decimal(repr(gap)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def light_of(gap: float, rules: InvestmentRules, *, has_plan: bool = True) -> int:
    """The light of a position *gap* points from its 序时 (index into ``LIGHTS``)."""
    if not has_plan:
        return 0
    if gap < -rules.red_gap:
        return 3
    if gap < -rules.yellow_gap:
        return 2
    return 1


@dataclass(frozen=True)
class Rollup:
    """Sums by group: done, plan, plan due; and the percentages from them."""

    done: np.ndarray
    plan: np.ndarray
    due: np.ndarray
    count: np.ndarray

    @property
    def rate(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.plan > 0, self.done / self.plan * 100, 0.0)

    @property
    def schedule(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.plan > 0, self.due / self.plan * 100, 0.0)

    @property
    def gap(self) -> np.ndarray:
        return self.rate - self.schedule

    def lights(self, rules: InvestmentRules) -> np.ndarray:
        gap = self.gap
        out = np.where(gap < -rules.red_gap, 3, np.where(gap < -rules.yellow_gap, 2, 1))
        return np.where(self.plan > 0, out, 0)


def rollup(
    group: np.ndarray, groups: int, *, done: np.ndarray, plan: np.ndarray, share: np.ndarray
) -> Rollup:
    """Sum each project's *done* (to date), *plan* and plan due (*plan* × *share*) into
    *groups* groups (``group[i]`` is project i's group; −1 leaves it out): one ``bincount``
    each, so a city's thousands of projects take microseconds."""
    keep = group >= 0
    group = group[keep]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values[keep], minlength=groups)[:groups]

    return Rollup(
        done=total(done),
        plan=total(plan),
        due=total(plan * share),
        count=np.bincount(group, minlength=groups)[:groups],
    )


class Check(IntEnum):
    """The statistics checks (统计核查): each raised flag waits for the office to clear it."""

    OVERRUN = 1  # cumulative above overrun_ratio × 总投资 before 投产
    IDLE = 2  # 在建 with nothing invested for idle_months months in a row
    NO_CONFIRMATION = 3  # this year above confirmation_above without a 形象进度确认单
    NEGATIVE = 4  # a month below zero
    MONTH_SHARE = 5  # a month above month_share of the annual plan
    NOT_IN_LIBRARY = 6  # investment without 入库


class CheckMessage(CoreError):
    """A raised check's sentence (not an error: a flag), translated like one."""


#: What each check says, as the office reads it (message ids; the web layer translates).
CHECKS: dict[Check, str] = {
    Check.OVERRUN: gettext_noop(
        "Cumulative investment %(cumulative)s 万元 is above %(ratio)s × the total "
        "investment (%(total)s 万元) before the project is in operation."
    ),
    Check.IDLE: gettext_noop(
        "Under construction with no investment for %(months)s months in a row."
    ),
    Check.NO_CONFIRMATION: gettext_noop(
        "This year's investment %(year_total)s 万元 is above %(limit)s 万元 without a "
        "形象进度确认单 attached."
    ),
    Check.NEGATIVE: gettext_noop("The month's investment %(amount)s 万元 is below zero."),
    Check.MONTH_SHARE: gettext_noop(
        "The month's investment %(amount)s 万元 is above %(share)s%% of the annual plan "
        "(%(plan)s 万元)."
    ),
    Check.NOT_IN_LIBRARY: gettext_noop(
        "The project has investment but is not 入库 (in the statistics library)."
    ),
}


@dataclass(frozen=True)
class MonthFigures:
    """What the checks read of one project's month (figures in 万元)."""

    amount: float
    year_total: float  # January to this month
    cumulative: float  # every year to this month
    annual_plan: float
    total_investment: float
    in_operation: bool  # stage 投产
    under_construction: bool  # stage 建设 (or 开工)
    months_idle: int  # months in a row, this one included, with nothing invested
    confirmation: bool  # a 形象进度确认单 is attached this year
    in_library: bool


def month_checks(month: MonthFigures, rules: InvestmentRules) -> dict[Check, dict]:
    """Return each check *month* raises, with the figures its sentence names."""
    raised: dict[Check, dict] = {}
    if (
        month.total_investment > 0
        and not month.in_operation
        and month.cumulative > rules.overrun_ratio * month.total_investment
    ):
        raised[Check.OVERRUN] = {
            "cumulative": _figure(month.cumulative),
            "ratio": _figure(rules.overrun_ratio),
            "total": _figure(month.total_investment),
        }
    if month.under_construction and month.months_idle >= rules.idle_months:
        raised[Check.IDLE] = {"months": month.months_idle}
    if month.year_total > rules.confirmation_above and not month.confirmation:
        raised[Check.NO_CONFIRMATION] = {
            "year_total": _figure(month.year_total),
            "limit": _figure(rules.confirmation_above),
        }
    if month.amount < 0:
        raised[Check.NEGATIVE] = {"amount": _figure(month.amount)}
    if month.annual_plan > 0 and month.amount > rules.month_share * month.annual_plan:
        raised[Check.MONTH_SHARE] = {
            "amount": _figure(month.amount),
            "share": _figure(rules.month_share * 100),
            "plan": _figure(month.annual_plan),
        }
    if month.cumulative > 0 and not month.in_library:
        raised[Check.NOT_IN_LIBRARY] = {}
    return raised


def _figure(value: float) -> str:
    """A figure as a ledger writes it: up to two decimals, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def quarter_target(month: int, rules: InvestmentRules) -> float | None:
    """The 开工率 target in force at the end of *month*: the last target whose month has
    come (None before the first)."""
    reached = [share for target_month, share in rules.start_targets if target_month <= month]
    return reached[-1] if reached else None


def start_rate(started: Sequence[date | None], by: date) -> tuple[int, int, float]:
    """Of the 新开工 projects whose actual start dates are *started* (None: not started),
    how many had started by *by*, out of how many, and the share in %."""
    total = len(started)
    done = sum(1 for day in started if day is not None and day <= by)
    return done, total, (done / total * 100 if total else 0.0)


@dataclass(frozen=True)
class Ranked:
    """A unit's place on the 红黑榜 of its 序列 (towns, or departments)."""

    name: str
    gap: float
    rank: int  # 1: furthest ahead of its 序时


def red_black(
    units: Sequence[tuple[str, float]], size: int, exempt: frozenset[str] = frozenset()
) -> tuple[list[Ranked], list[Ranked]]:
    """The 红榜 and 黑榜 of one 序列: *units* are (name, 超欠序时 in points) of units with a
    plan. Red: ahead of (or on) its 序时 and among the *size* best; black: behind it and
    among the *size* worst. An *exempt* unit (an exemption with its reason and approver)
    is on neither list and takes no one's place; ties keep the order given (by name).

    >>> red, black = red_black([("甲", 5.0), ("乙", -2.0), ("丙", 1.0), ("丁", -9.0)], 1)
    >>> [r.name for r in red], [b.name for b in black]
    (['甲'], ['丁'])
    """
    ranked = sorted((unit for unit in units if unit[0] not in exempt), key=lambda unit: -unit[1])
    places = [Ranked(name, gap, rank) for rank, (name, gap) in enumerate(ranked, start=1)]
    red = [place for place in places[:size] if not is_behind(place.gap)]
    black = [place for place in places[::-1][:size] if is_behind(place.gap)]
    return red, black
