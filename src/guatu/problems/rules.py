"""The 问题清单 rules in force on a day: the city's version, or the defaults."""

from datetime import date

from guatu.core import problems as core
from guatu.problems.models import ProblemRuleSet


def version_on(city, day: date) -> ProblemRuleSet | None:
    return (
        ProblemRuleSet.objects.filter(city=city, valid_from__lte=day)
        .order_by("-valid_from", "-version")
        .first()
    )


def as_core(row: ProblemRuleSet | None) -> core.ProblemRules:
    if row is None:
        return core.ProblemRules()
    return core.ProblemRules(
        categories=tuple((str(code), str(name)) for code, name in row.categories),
        level_names=tuple(str(name) for name in row.level_names),
        level_days=tuple(int(days) for days in row.level_days),
        blue_days=row.blue_days,
    )


def rules_on(city, day: date) -> core.ProblemRules:
    """The rules valid on *day* (a problem is judged by the rules of the day it is read)."""
    return as_core(version_on(city, day))
