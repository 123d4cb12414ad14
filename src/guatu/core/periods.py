"""Bulletin periods: an ISO week (2019-W46), a month (2019-11) or a range.

>>> p = parse_period("2019-W46")
>>> str(p.start), str(p.end), p.key
('2019-11-11', '2019-11-17', '2019-W46')
>>> str(p.previous().start)
'2019-11-04'
>>> parse_period("2019-11").end.isoformat()
'2019-11-30'

The office may also write a period as a bulletin names it, or a week by any
date inside it; every form reads back as the same period:

>>> [parse_period(text).key for text in ("2019年第46周", "2019-11-13", "2019年11月17日")]
['2019-W46', '2019-W46', '2019-W46']
>>> parse_period("2019-12-30").key  # ISO weeks: the Monday of 2020's first week
'2020-W01'
>>> parse_period("2019年11月").key, parse_period("2019年11月1日—2019年11月15日").key
('2019-11', '2019-11-01..2019-11-15')
>>> all(parse_period(p.label()) == p for p in (p, p.previous(), parse_period("2019-11")))
True
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = [
    "Period",
    "PeriodError",
    "PeriodKind",
    "chinese_date",
    "month_label",
    "parse_period",
    "period_label",
    "quarter_label",
    "week_label",
    "year_label",
]


class PeriodError(CoreError):
    """A period is written in a form guatu does not read."""


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @property
    def key(self) -> str:
        """The stable name of the period (escalations are kept once per key)."""
        if self.kind is PeriodKind.WEEK:
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.kind is PeriodKind.MONTH:
            last = self.start - timedelta(days=1)
            return _month(last.year, last.month)
        length = timedelta(days=self.days)
        return Period(self.kind, self.start - length, self.end - length)

    def label(self) -> str:
        """How a Chinese bulletin names the period."""
        if self.kind is PeriodKind.WEEK:
            return week_label(self.start)
        if self.kind is PeriodKind.MONTH:
            return month_label(self.start)
        return f"{chinese_date(self.start)}—{chinese_date(self.end)}"


def chinese_date(day: date) -> str:
    """2019年11月1日: a date as a 公文 writes it, month and day without a leading zero."""
    return f"{day.year}年{day.month}月{day.day}日"


# How a bulletin, a 公文 and the wall chart's date header name a week, a month, a
# quarter and a year. ``year=False`` leaves the year out, for a label read under
# a band that already names it (the wall chart's header when the cells are narrow).


def week_label(day: date, *, year: bool = True) -> str:
    """The ISO week holding *day*: 2019年第41周, or 第41周 without the year.

    >>> week_label(date(2019, 10, 9)), week_label(date(2019, 12, 30), year=False)
    ('2019年第41周', '第1周')
    """
    iso = day.isocalendar()
    return f"{iso.year}年第{iso.week}周" if year else f"第{iso.week}周"


def month_label(day: date, *, year: bool = True) -> str:
    """The month holding *day*: 2019年11月, or 11月.

    >>> month_label(date(2019, 11, 15)), month_label(date(2019, 11, 15), year=False)
    ('2019年11月', '11月')
    """
    return f"{day.year}年{day.month}月" if year else f"{day.month}月"


_QUARTERS = "一二三四"


def quarter_label(day: date, *, year: bool = True) -> str:
    """The quarter holding *day*: 2017年二季度, or 二季度.

    >>> quarter_label(date(2017, 5, 1)), quarter_label(date(2017, 12, 31), year=False)
    ('2017年二季度', '四季度')
    """
    quarter = f"{_QUARTERS[(day.month - 1) // 3]}季度"
    return f"{day.year}年{quarter}" if year else quarter


def year_label(year: int) -> str:
    """A year: 2019年.

    >>> year_label(2019)
    '2019年'
    """
    return f"{year}年"


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(PeriodKind.MONTH, start, following - timedelta(days=1))


#: The forms guatu reads, after ``_normalised``: a week, a month, a range, a day.
_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})|(\d{4})年第(\d{1,2})周")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{4})年(\d{1,2})月")
_DAY = r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日"
_RANGE = re.compile(rf"({_DAY})(?:\.\.|—|–|--|-|~|至|到)({_DAY})")
_DAY_ALONE = re.compile(_DAY)


def _normalised(text: str) -> str:
    """Full-width digits and signs as ASCII (NFKC), ``/`` and ``.`` between the parts of a
    date as ``-``, no spaces, and the week's W in capitals."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("w", "W")
    value = re.sub(r"(?<=\d)[./](?=\d)", "-", value.replace("..", "\0"))
    return value.replace("\0", "..").replace("―", "—")


def _day(text: str) -> date:
    year, month, day = (int(part) for part in re.findall(r"\d+", text))
    return date(year, month, day)


def parse_period(text: str) -> Period:
    """Read a period: a week, a month or a range of days.

    A week is written ``2019-W46``, ``2019年第46周`` (as a bulletin names it) or as
    any date inside it (``2019-11-13``, ``2019/11/13``, ``2019年11月13日``); a month
    ``2019-11`` or ``2019年11月``; a range ``2019-11-01..2019-11-15`` or
    ``2019年11月1日—2019年11月15日``. Full-width digits and spaces do not matter.
    Raise ``PeriodError`` for anything else, with its own message when *text* is empty.
    """
    value = _normalised(text or "")
    if not value:
        raise PeriodError(gettext_noop("Write the period, e.g. 2019-W46 or 2019年第46周."))
    period = _read(value)
    if period is not None and not (FIRST_YEAR <= period.start.year <= period.end.year <= LAST_YEAR):
        raise PeriodError(
            gettext_noop("A period between %(first)d and %(last)d, please."),
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    if period is not None:
        return period
    raise PeriodError(
        gettext_noop(
            "“%(value)s” is not a period: write a week (2019-W46, 2019年第46周 or any date "
            "in it), a month (2019-11) or a range (2019-11-01..2019-11-15)."
        ),
        value=text.strip()[:40],
    )


#: The years a bulletin's period may lie in (year 9999 or 1 is a typing slip, not a week).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _read(value: str) -> "Period | None":
    """The period *value* names, or None (dates out of the calendar's range included)."""
    try:
        if match := _WEEK.fullmatch(value):
            year, week = (int(n) for n in (match[1] or match[3], match[2] or match[4]))
            start = date.fromisocalendar(year, week, 1)
            return Period(PeriodKind.WEEK, start, start + timedelta(days=6))
        if match := _MONTH.fullmatch(value):
            return _month(int(match[1] or match[3]), int(match[2] or match[4]))
        if match := _RANGE.fullmatch(value):
            start, end = _day(match[1]), _day(match[2])
            if end >= start:
                return Period(PeriodKind.RANGE, start, end)
        elif _DAY_ALONE.fullmatch(value):
            day = _day(value)
            start = day - timedelta(days=day.weekday())
            return Period(PeriodKind.WEEK, start, start + timedelta(days=6))
    except (ValueError, OverflowError):
        return None
    return None


def period_label(key: str) -> str:
    """A period's key (2019-W46) as a bulletin names it (2019年第46周); the key if unreadable."""
    try:
        return parse_period(key).label()
    except CoreError:
        return key
