"""The standard lines of 投资调度, worded as key-project offices publish them.

Every place that states the city's month — the investment page, the dashboard, the 大屏,
the bulletin, the API — calls these functions on one ``selectors.CityStanding``, so the
sentence is the same wherever it is read and no caller rounds a figure its own way:

- ``headline``: "1–10月，全市重点项目完成投资 X 亿元，完成年度计划的 Y%，超（欠）序时进度
  Z 个百分点" (X: 万元 ÷ 10000 to two decimals; Y and Z to one decimal; 超 or 欠 read from
  Z as rounded, so a gap that rounds to 0.0 is 持平, never "欠 0.0");
- ``start_line``: 新开工 projects, how many have started, 开工率 and the target in force;
- ``behind_line``: the projects 未达序时 with their reason (开工滞后 / 投资滞后).

Rounding is half up, as a ledger rounds (and as the pages' ``floatformat`` does), on the
figure as written (``repr``), so 0.125 亿元 reads 0.13, not 0.12.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guatu.core import investment as core

__all__ = ["behind_line", "headline", "months_span", "percent", "points", "start_line", "yi"]

#: What a target month is called in a target's sentence (一季度目标 30%).
_PERIODS = {3: "first quarter", 6: "first half", 9: "first three quarters", 12: "whole year"}


def _rounded(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yi(wan: float) -> str:
    """万元 as 亿元 to two decimals: 123456.0 → "12.35"."""
    return f"{_rounded(wan / 10000, 2):f}"


def percent(value: float) -> str:
    """A percentage (or percentage points) to one decimal, half up: 33.35 → "33.4"."""
    text = f"{_rounded(value, 1):f}"
    return "0.0" if text == "-0.0" else text


def points(gap: float) -> Decimal:
    """超/欠序时 as the lines state it: one decimal, half up (its sign says 超 or 欠) — the
    core's one rounding (``round_points``), which also decides who is behind."""
    return Decimal(repr(core.round_points(gap))).quantize(Decimal("0.1"))


def _share(value: float) -> str:
    """A target share as people write it: 30, 62.5 (no trailing zeros)."""
    text = f"{_rounded(value, 1):f}"
    return text[:-2] if text.endswith(".0") else text


def months_span(month: int) -> str:
    """January to *month* as the lines name it: 1月, 1–10月."""
    if month <= 1:
        return pgettext("investment months", "January")
    return pgettext("investment months", "January–month %(month)d") % {"month": month}


def headline(standing) -> str:
    """The month's headline: investment done, its share of the year's plan, 超/欠序时.

    A city (or a year) with no annual plan yet has no figures to state: the sentence says
    so rather than "0.00 亿元 … 0.0%".
    """
    months = months_span(standing.month)
    if not standing.has_figures:
        return _(
            "%(months)s: no key project has an annual investment plan for %(year)d yet, "
            "so there are no investment figures"
        ) % {"months": months, "year": standing.year}
    total = standing.total
    figures = {"months": months, "amount": yi(total.done), "rate": percent(total.rate)}
    gap = points(total.gap)
    if gap > 0:
        return _(
            "%(months)s, the city's key projects invested %(amount)s 亿元, %(rate)s%% of the "
            "annual plan, %(gap)s percentage points ahead of 序时进度"
        ) % {**figures, "gap": f"{gap:f}"}
    if gap < 0:
        return _(
            "%(months)s, the city's key projects invested %(amount)s 亿元, %(rate)s%% of the "
            "annual plan, %(gap)s percentage points behind 序时进度"
        ) % {**figures, "gap": f"{-gap:f}"}
    return (
        _(
            "%(months)s, the city's key projects invested %(amount)s 亿元, %(rate)s%% of the "
            "annual plan, level with 序时进度"
        )
        % figures
    )


def _target_period(month: int) -> str:
    if month in _PERIODS:
        return {
            "first quarter": _("first quarter"),
            "first half": _("first half"),
            "first three quarters": _("first three quarters"),
            "whole year": _("whole year"),
        }[_PERIODS[month]]
    return _("end of month %(month)d") % {"month": month}


def start_line(standing) -> str:
    """新开工 projects: how many, how many started, 开工率 and the target in force.

    The target is named by the period it falls due in (一季度, 上半年 …) when the standing
    says which month it is for (``StartRate.target_month``), else simply as 目标.
    """
    start = standing.start
    if start is None or start.total == 0:
        return _("No 新开工 projects in %(year)d") % {"year": standing.year}
    line = _("新开工 projects: %(total)d, started: %(started)d, start rate %(rate)s%%") % {
        "total": start.total,
        "started": start.started,
        "rate": percent(start.rate),
    }
    if start.target is None:
        return line
    target_month = getattr(start, "target_month", None)
    if target_month:
        target = _("(%(period)s target %(target)s%%)") % {
            "period": _target_period(target_month),
            "target": _share(start.target),
        }
    else:
        target = _("(target %(target)s%%)") % {"target": _share(start.target)}
    return line + target


def behind_line(standing) -> str:
    """The projects 未达序时, furthest behind first, each with its reason."""
    if not standing.has_figures:
        return _("No investment figures yet: no key project has an annual plan for %(year)d") % {
            "year": standing.year
        }
    behind = standing.behind
    if not behind:
        return _("Every key project with a plan has reached its 序时进度")
    names = pgettext("list of names", ", ").join(
        _("%(name)s (%(reason)s)") % {"name": row.project.name, "reason": row.reason}
        for row in behind
    )
    return _("Projects short of 序时进度: %(count)d: %(names)s") % {
        "count": len(behind),
        "names": names,
    }


def red_black_line(lists) -> str:
    """红榜：镇街区 甲（+3.2）、乙；部门 丙。黑榜：…  (``rankings.red_black_lists``; empty when
    no unit is on either list). Units a leader exempted are named after, with "豁免"."""
    series_words = {"town": _("镇街区"), "department": _("部门")}

    def names(places, sign: str) -> str:
        return pgettext("list of names", "、").join(
            f"{place.name}（{sign}{points(abs(place.gap))}）" for place in places
        )

    parts = []
    for colour, attribute, sign in ((_("红榜"), "red", "+"), (_("黑榜"), "black", "−")):
        found = [
            f"{series_words[item.series]} {names(getattr(item, attribute), sign)}"
            for item in lists
            if getattr(item, attribute)
        ]
        if found:
            parts.append(_("%(list)s：%(units)s") % {"list": colour, "units": "；".join(found)})
    exempt = [str(e.town or e.department) for item in lists for e in item.exempt]
    if not parts and not exempt:
        return ""
    text = "。".join(parts) + ("。" if parts else "")
    if exempt:
        text += _("豁免：%(units)s。") % {"units": pgettext("list of names", "、").join(exempt)}
    return text
