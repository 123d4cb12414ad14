"""The investment rules in force for a month: the city's version, or the defaults."""

import calendar
from datetime import date

from guatu.core import investment as core
from guatu.investment.models import InvestmentRuleSet

#: The defaults a city starts with (a new city has no version yet).
DEFAULT_DUE_DAY = 5


def version_for(city, year: int, month: int) -> InvestmentRuleSet | None:
    """The version valid on the last day of *month* (a month is judged as it ended)."""
    return version_on(city, month_end(year, month))


def version_on(city, day: date) -> InvestmentRuleSet | None:
    """The version in force on *day*."""
    return (
        InvestmentRuleSet.objects.filter(city=city, valid_from__lte=day)
        .order_by("-valid_from", "-version")
        .first()
    )


def as_core(row: InvestmentRuleSet | None) -> core.InvestmentRules:
    """The core's rules from a stored version (None: the defaults)."""
    if row is None:
        return core.InvestmentRules()
    targets = tuple(
        sorted((int(month), float(share)) for month, share in (row.start_targets or {}).items())
    )
    return core.InvestmentRules(
        yellow_gap=float(row.yellow_gap),
        red_gap=float(row.red_gap),
        curve=tuple(float(v) / 100 for v in row.curve) if row.curve else core.even_curve(),
        overrun_ratio=float(row.overrun_ratio),
        idle_months=row.idle_months,
        confirmation_above=float(row.confirmation_above),
        month_share=float(row.month_share) / 100,
        start_targets=targets or core.InvestmentRules().start_targets,
    )


def rules_for(city, year: int, month: int) -> tuple[int | None, core.InvestmentRules]:
    """The version number and the core's rules for *city*'s *month*."""
    row = version_for(city, year, month)
    return (row.version if row else None), as_core(row)


def due_day(city, year: int, month: int) -> int:
    row = version_for(city, year, month)
    return row.due_day if row else DEFAULT_DUE_DAY


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def reporting_month(today: date) -> tuple[int, int]:
    """The last month that has ended on *today*: what a report or a bulletin covers."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def figures_month(city, today: date) -> tuple[int, int]:
    """The last month whose reports were due by *today* (the due day passed): the month a
    bulletin, the dashboard, the 大屏 and the score publish. Before the due day the month
    before is still the one shown, so a month half reported never reads as behind."""
    year, month = reporting_month(today)
    if today.day > due_day(city, year, month):
        return year, month
    return reporting_month(date(year, month, 1))
