"""Working calendars: 日历天 (every day works) and China's official working days.

The official calendar is the State Council's: Monday to Friday, except public
holidays (春节, 国庆 …), plus the make-up working days (调休) that fall on a
weekend. Holiday data come from the maintained ``chinese_calendar`` package;
a city adds its own exceptions on top. A year the package does not cover yet
is never guessed silently: ``uncovered_years`` names it, and its dates assume
a plain Monday–Friday week.

Schedules count days as integer offsets from the project start (see
``guatu.core.schedule``). A ``CalendarAxis`` lays a calendar out from a start
date so offsets and dates convert with numpy indexing and ``searchsorted``,
for a million items at once, never item by item.

>>> from datetime import date
>>> axis = CalendarAxis(WorkCalendar.official(), date(2019, 9, 27))
>>> [str(d) for d in axis.start_dates([0, 1, 2, 3])]  # Sunday 9-29 is 调休, then 国庆
['2019-09-27', '2019-09-29', '2019-09-30', '2019-10-08']
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache

import numpy as np

from guatu.core.errors import CalendarError
from guatu.core.i18n import gettext_noop

__all__ = ["CalendarAxis", "CalendarKind", "WorkCalendar", "official_data_years"]

DAY = np.timedelta64(1, "D")


class CalendarKind(StrEnum):
    CALENDAR_DAY = "calendar_day"
    WORKING_DAY = "working_day"
    #: A plain weekly pattern (``weekdays``), as Microsoft Project's base calendars.
    WEEKLY = "weekly"


@cache
def _official_data() -> tuple[frozenset[int], np.ndarray, np.ndarray]:
    """Return (years covered, holiday dates, make-up working dates) of the package."""
    import chinese_calendar

    holidays = np.array(sorted(chinese_calendar.holidays), dtype="datetime64[D]")
    workdays = np.array(sorted(chinese_calendar.workdays), dtype="datetime64[D]")
    years = frozenset(day.year for day in chinese_calendar.holidays)
    return years, holidays, workdays


def official_data_years() -> frozenset[int]:
    """Return the years for which official holiday data are installed."""
    return _official_data()[0]


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked.

    ``exceptions`` maps a date to True (worked) or False (not worked); it
    overrides everything else, for a city's own days off or extra days.
    """

    kind: CalendarKind = CalendarKind.CALENDAR_DAY
    exceptions: Mapping[date, bool] = field(default_factory=dict)
    #: Worked weekdays, Monday first; only for ``CalendarKind.WEEKLY``.
    weekdays: tuple[bool, ...] = (True, True, True, True, True, False, False)

    @classmethod
    def official(cls, exceptions: Mapping[date, bool] | None = None) -> "WorkCalendar":
        """Return China's official working-day calendar with a city's *exceptions*."""
        return cls(CalendarKind.WORKING_DAY, dict(exceptions or {}))

    def working_mask(self, first: np.datetime64, last: np.datetime64) -> np.ndarray:
        """Return a bool per day from *first* to *last* inclusive: is it worked?"""
        days = np.arange(first, last + DAY, dtype="datetime64[D]")
        # 1970-01-01 was a Thursday: (days since epoch + 3) % 7 is 0 on Mondays.
        weekday = (days.astype(np.int64) + 3) % 7
        if self.kind is CalendarKind.CALENDAR_DAY:
            mask = np.ones(len(days), dtype=bool)
        elif self.kind is CalendarKind.WEEKLY:
            mask = np.array(self.weekdays, dtype=bool)[weekday]
        else:
            mask = weekday < 5
            _years, holidays, workdays = _official_data()
            mask[np.isin(days, holidays)] = False
            mask[np.isin(days, workdays)] = True
        if self.exceptions:
            dates = np.array(list(self.exceptions), dtype="datetime64[D]")
            worked = np.array(list(self.exceptions.values()), dtype=bool)
            inside = (dates >= first) & (dates <= last)
            mask[(dates[inside] - first).astype(np.int64)] = worked[inside]
        return mask

    def working_days_after(self, start: date, days: int) -> date:
        """The *days*-th working day after *start* (a deadline "within 5 working days").

        Across the 2019 National Day holiday, with its make-up Sunday 09-29:

        >>> WorkCalendar.official().working_days_after(date(2019, 9, 27), 5)
        datetime.date(2019, 10, 10)
        >>> WorkCalendar().working_days_after(date(2019, 9, 27), 5)
        datetime.date(2019, 10, 2)
        """
        if days <= 0:
            return start
        first = np.datetime64(start, "D") + DAY
        span = days * 2 + 30  # a month and more of holidays is room enough; grow if not
        while True:
            mask = self.working_mask(first, first + np.timedelta64(span - 1, "D"))
            worked = np.flatnonzero(mask)
            if len(worked) >= days:
                return (first + np.timedelta64(int(worked[days - 1]), "D")).astype(date)
            span *= 2

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Return the years between *first* and *last* that have no official data.

        Dates in those years assume a plain Monday–Friday week; the user must be
        told. A calendar-day schedule has no such years.
        """
        if self.kind is not CalendarKind.WORKING_DAY:
            return []
        covered = official_data_years()
        return [year for year in range(first.year, last.year + 1) if year not in covered]


class CalendarAxis:
    """A calendar laid out from a project start: working day *k* ↔ a date.

    Offset 0 is the first worked day on or after ``start``. An item with
    early start ``es`` and early finish ``ef`` (exclusive, ``ef = es + d``)
    starts on working day ``es`` and finishes at the end of working day
    ``ef - 1``; a milestone (``ef == es``) falls at the end of working day
    ``es - 1``, i.e. when its predecessors finish, as planning tools show it.
    """

    def __init__(self, calendar: WorkCalendar, start: date, horizon: int = 0) -> None:
        self.calendar = calendar
        self.start = np.datetime64(start, "D")
        self._days = np.empty(0, dtype="datetime64[D]")
        self._last = self.start - DAY
        self._extend(max(horizon, 1))

    def _extend(self, count: int) -> None:
        """Make sure working days 0 … count - 1 are laid out."""
        while len(self._days) < count:
            missing = count - len(self._days)
            # About 5 days in 7 are worked, fewer around long holidays: ask for more.
            span = int(missing * 1.6) + 30
            first, last = self._last + DAY, self._last + span * DAY
            mask = self.calendar.working_mask(first, last)
            if not mask.any() and span > 3660:
                raise CalendarError(gettext_noop("The calendar has no working days."))
            self._days = np.concatenate([self._days, np.arange(first, last + DAY)[mask]])
            self._last = last

    @property
    def days(self) -> np.ndarray:
        """The dates of the working days laid out so far."""
        return self._days

    def dates(self, offsets: Iterable[int] | np.ndarray) -> np.ndarray:
        """Return the date of each working-day offset (negative offsets count back)."""
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.size == 0:
            return np.empty(0, dtype="datetime64[D]")
        low = int(offsets.min())
        if low < 0:
            return self._dates_with_negative(offsets)
        self._extend(int(offsets.max()) + 1)
        return self._days[offsets]

    def _dates_with_negative(self, offsets: np.ndarray) -> np.ndarray:
        """Dates before the start: count working days backwards from it."""
        result = np.empty(offsets.shape, dtype="datetime64[D]")
        ahead = offsets >= 0
        result[ahead] = self.dates(offsets[ahead])
        back = -offsets[~ahead]
        span = int(back.max() * 1.6) + 30
        mask = self.calendar.working_mask(self.start - span * DAY, self.start - DAY)
        before = np.arange(self.start - span * DAY, self.start)[mask][::-1]
        result[~ahead] = before[back - 1]
        return result

    def start_dates(self, es: Iterable[int] | np.ndarray) -> np.ndarray:
        """Return the calendar start date of items starting at working day *es*."""
        return self.dates(es)

    def finish_dates(
        self, ef: Iterable[int] | np.ndarray, durations: Iterable[int] | np.ndarray | None = None
    ) -> np.ndarray:
        """Return the calendar finish date (inclusive) of items finishing at *ef*.

        A milestone finishes with its predecessors, at the end of day ``ef - 1``;
        the *durations* argument is accepted for symmetry and not needed.
        """
        del durations
        return self.dates(np.asarray(ef, dtype=np.int64) - 1)

    def milestone_dates(self, es: Iterable[int] | np.ndarray) -> np.ndarray:
        """Return the date of milestones at *es* (end of working day ``es - 1``)."""
        es = np.asarray(es, dtype=np.int64)
        return np.where(es > 0, self.dates(np.maximum(es - 1, 0)), self.dates(es))

    def offset_of_start(self, dates: Iterable[date] | np.ndarray) -> np.ndarray:
        """Return the offset of the first working day on or after each date.

        A date before the project start gives 0: nothing starts earlier.
        """
        days = np.maximum(np.asarray(dates, dtype="datetime64[D]"), self.start)
        self._cover(days)
        return np.searchsorted(self._days, days, side="left").astype(np.int64)

    def offset_of_finish(self, dates: Iterable[date] | np.ndarray) -> np.ndarray:
        """Return the exclusive finish offset of work done by the end of each date.

        That is the number of working days from the start through the date, so
        an item due on a date gets ``LF`` = this value. A date before the start
        gives zero or less: minus the working days still to come before the
        start, so a time node that was already past when the project started
        shows as negative float rather than an error.
        """
        days = np.asarray(dates, dtype="datetime64[D]")
        result = np.empty(days.shape, dtype=np.int64)
        ahead = days >= self.start
        if ahead.any():
            self._cover(days[ahead])
            result[ahead] = np.searchsorted(self._days, days[ahead], side="right")
        if not ahead.all():
            earlier = days[~ahead]
            first = earlier.min() + DAY
            worked = np.arange(first, self.start)[
                self.calendar.working_mask(first, self.start - DAY)
            ]
            after = len(worked) - np.searchsorted(worked, earlier, side="right")
            result[~ahead] = -after
        return result

    def _cover(self, days: np.ndarray) -> None:
        if days.size == 0:
            return
        latest = days.max()
        while self._last < latest:
            self._extend(len(self._days) + int((latest - self._last) / DAY) + 1)
