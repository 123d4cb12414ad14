"""Bulletin periods: an ISO week (2019-W46), a month (2019-11) or a range.

>>> p = parse_period("2019-W46")
>>> str(p.start), str(p.end), p.key
('2019-11-11', '2019-11-17', '2019-W46')
>>> str(p.previous().start)
'2019-11-04'
>>> parse_period("2019-11").end.isoformat()
'2019-11-30'
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop

__all__ = ["Period", "PeriodError", "PeriodKind", "parse_period", "period_label"]


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
            iso = self.start.isocalendar()
            return f"{iso.year}年第{iso.week}周"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y年%m月%d日}—{self.end:%Y年%m月%d日}"


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(PeriodKind.MONTH, start, following - timedelta(days=1))


def parse_period(text: str) -> Period:
    """Read ``2019-W46``, ``2019-11`` or ``2019-11-01..2019-11-15``."""
    value = text.strip()
    try:
        if match := re.fullmatch(r"(\d{4})-W(\d{1,2})", value):
            start = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return Period(PeriodKind.WEEK, start, start + timedelta(days=6))
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return _month(int(match[1]), int(match[2]))
        if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
            start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            if end >= start:
                return Period(PeriodKind.RANGE, start, end)
    except ValueError:
        pass
    raise PeriodError(
        gettext_noop(
            "“%(value)s” is not a period: write 2019-W46, 2019-11 or 2019-11-01..2019-11-15."
        ),
        value=text,
    )


def period_label(key: str) -> str:
    """A period's key (2019-W46) as a bulletin names it (2019年第46周); the key if unreadable."""
    try:
        return parse_period(key).label()
    except CoreError:
        return key
