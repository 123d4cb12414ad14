"""Working time to the minute, for plans made in Microsoft Project.

guatu's own projects count whole working days (``guatu.core.calendar``). A
plan from Microsoft Project counts working minutes: a day may be 7.5 hours,
a duration 3 hours, a lag 90 minutes, and a finish at 12:00 is not a finish
at 17:00. ``WorkingTime`` is such a calendar (working periods of each weekday
plus dated exceptions with their own periods); ``MinuteAxis`` numbers its
working minutes from a first day, so that the CPM engine, which only adds
and compares integers, can schedule in minutes exactly as it does in days.

Where a count of minutes falls on the boundary between two periods (12:00
and 13:00, or 17:00 and 08:00 the next working day) the moment depends on
what it is: a start is the later one (work begins at 13:00), a finish the
earlier one (work ends at 12:00) — Microsoft Project's convention.

>>> from datetime import date, datetime
>>> week = WorkingTime.standard()
>>> axis = MinuteAxis(week, date(2024, 1, 5), date(2024, 1, 10))  # a Friday
>>> t = axis.offset(datetime(2024, 1, 5, 12))
>>> t, axis.start_moment(t), axis.finish_moment(t)
(240, datetime.datetime(2024, 1, 5, 13, 0), datetime.datetime(2024, 1, 5, 12, 0))
>>> axis.start_moment(480), axis.finish_moment(480)
(datetime.datetime(2024, 1, 8, 8, 0), datetime.datetime(2024, 1, 5, 17, 0))
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

__all__ = ["MinuteAxis", "Period", "WorkingTime"]

#: A working period within a day, in minutes from midnight: (from, to), to ≤ 1440.
Period = tuple[int, int]
STANDARD_DAY: tuple[Period, ...] = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class WorkingTime:
    """Working periods of each weekday (Monday first) and of dated exceptions."""

    week: tuple[tuple[Period, ...], ...]
    exceptions: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)

    @classmethod
    def standard(cls) -> "WorkingTime":
        """Microsoft Project's Standard calendar: Mon–Fri 08:00–12:00, 13:00–17:00."""
        return cls((STANDARD_DAY,) * 5 + ((), ()))

    def periods(self, day: date) -> tuple[Period, ...]:
        found = self.exceptions.get(day)
        return found if found is not None else self.week[day.weekday()]

    def minutes_on(self, day: date) -> int:
        return sum(end - begin for begin, end in self.periods(day))

    def has_work(self) -> bool:
        return any(self.week) or any(self.exceptions.values())

    def same_work(self, other: "WorkingTime", first: date, last: date) -> bool:
        """Whether both calendars have the same working periods on every day first…last."""
        if self.week == other.week and self.exceptions == other.exceptions:
            return True
        day = first
        while day <= last:
            if self.periods(day) != other.periods(day):
                return False
            day += timedelta(days=1)
        return True


class MinuteAxis:
    """The working minutes of a calendar from *first* to *last* (inclusive), numbered from 0.

    Built as two arrays over the working periods (their first minute since
    1970 and the working minutes before them), so every conversion is a
    binary search.
    """

    def __init__(self, calendar: WorkingTime, first: date, last: date) -> None:
        begins: list[int] = []
        lengths: list[int] = []
        day = first
        base = (datetime.combine(first, datetime.min.time()) - EPOCH) // timedelta(minutes=1)
        while day <= last:
            for begin, end in calendar.periods(day):
                if end > begin:
                    begins.append(base + begin)
                    lengths.append(end - begin)
            day += timedelta(days=1)
            base += 1440
        self.first = first
        self.last = last
        self.begin = np.asarray(begins, dtype=np.int64)
        self.length = np.asarray(lengths, dtype=np.int64)
        self.before = np.concatenate(([0], np.cumsum(self.length)[:-1])).astype(np.int64)
        self.after = self.before + self.length
        self.total = int(self.after[-1]) if len(self.after) else 0

    @staticmethod
    def _minute(moment: datetime) -> int:
        return (moment - EPOCH) // timedelta(minutes=1)

    @staticmethod
    def _moment(minute: int) -> datetime:
        return EPOCH + timedelta(minutes=int(minute))

    def covers(self, moment: datetime) -> bool:
        return self.first <= moment.date() <= self.last

    def offset(self, moment: datetime) -> int:
        """Working minutes from the axis's first day to *moment*."""
        minute = self._minute(moment)
        k = int(np.searchsorted(self.begin, minute, side="right")) - 1
        if k < 0:
            return 0
        return int(self.before[k] + min(minute - self.begin[k], self.length[k]))

    def start_moment(self, offset: int) -> datetime:
        """When work that has *offset* minutes behind it begins (the next period's start)."""
        k = int(np.searchsorted(self.after, offset, side="right"))
        if k >= len(self.begin):
            raise OverflowError(offset)
        return self._moment(self.begin[k] + offset - self.before[k])

    def finish_moment(self, offset: int) -> datetime:
        """When work that ends *offset* minutes in finishes (the earlier period's end)."""
        k = int(np.searchsorted(self.after, offset, side="left"))
        if k >= len(self.begin):
            raise OverflowError(offset)
        return self._moment(self.begin[k] + offset - self.before[k])
