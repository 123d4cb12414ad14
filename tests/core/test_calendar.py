"""The official working calendar: 春节 and 国庆 with their 调休 days, city exceptions,
years without data, and vectorized conversion between offsets and dates."""

from datetime import date

import numpy as np

from guatu.core.calendar import CalendarAxis, CalendarKind, WorkCalendar, official_data_years


def days(*values: str) -> list[str]:
    return list(values)


def as_str(array: np.ndarray) -> list[str]:
    return [str(d) for d in array]


def test_national_day_2019_with_its_make_up_days():
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 9, 26))
    # Thu 9-26, Fri 9-27, Sun 9-29 (调休), Mon 9-30, then 国庆 10-1…10-7, Tue 10-8 …
    # Sat 10-12 is worked (调休).
    assert as_str(axis.dates(range(8))) == days(
        "2019-09-26",
        "2019-09-27",
        "2019-09-29",
        "2019-09-30",
        "2019-10-08",
        "2019-10-09",
        "2019-10-10",
        "2019-10-11",
    )
    assert str(axis.dates([8])[0]) == "2019-10-12"


def test_spring_festival_2020_including_the_extension():
    axis = CalendarAxis(WorkCalendar.official(), date(2020, 1, 17))
    # Fri 1-17, Sun 1-19 (调休), Mon 1-20 … Thu 1-23, then the holiday (extended
    # to 2-2 that year), Mon 2-3.
    assert as_str(axis.dates(range(7))) == days(
        "2020-01-17",
        "2020-01-19",
        "2020-01-20",
        "2020-01-21",
        "2020-01-22",
        "2020-01-23",
        "2020-02-03",
    )


def test_calendar_days_count_every_day():
    axis = CalendarAxis(WorkCalendar(CalendarKind.CALENDAR_DAY), date(2016, 7, 1))
    assert str(axis.dates([1460])[0]) == "2020-06-30"
    assert axis.offset_of_finish([date(2020, 6, 30)])[0] == 1461


def test_start_and_finish_dates_of_items_and_milestones():
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 9, 26))
    # A 3-day item starting at 0 works 9-26, 9-27, 9-29 and finishes on 9-29.
    assert str(axis.finish_dates([3])[0]) == "2019-09-29"
    # A milestone after it (ES = EF = 3) falls on 9-29 too, at the end of the day.
    assert str(axis.milestone_dates([3])[0]) == "2019-09-29"
    assert str(axis.milestone_dates([0])[0]) == "2019-09-26"


def test_dates_to_offsets_round_trip():
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 1, 2))
    offsets = np.arange(0, 1500)
    dates = axis.dates(offsets)
    assert (axis.offset_of_start(dates) == offsets).all()
    assert (axis.offset_of_finish(dates) == offsets + 1).all()
    # A holiday maps to the next working day for a start, the previous for a finish.
    assert str(axis.dates(axis.offset_of_start([date(2019, 10, 1)]))[0]) == "2019-10-08"
    assert str(axis.finish_dates(axis.offset_of_finish([date(2019, 10, 1)]))[0]) == "2019-09-30"


def test_a_date_before_the_start():
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 10, 8))
    assert axis.offset_of_start([date(2019, 1, 1)])[0] == 0
    assert as_str(axis.dates([-1, -2])) == ["2019-09-30", "2019-09-29"]
    # A finish before the start counts the working days still to come, negatively:
    # by the end of 9-29 there remain 9-30 (one working day) before 10-8.
    assert axis.offset_of_finish([date(2019, 10, 7)])[0] == 0
    assert axis.offset_of_finish([date(2019, 9, 30)])[0] == 0
    assert axis.offset_of_finish([date(2019, 9, 29)])[0] == -1
    assert axis.offset_of_finish([date(2019, 9, 27)])[0] == -2  # 9-29 (调休) and 9-30


def test_a_city_adds_its_own_exceptions():
    exceptions = {date(2019, 11, 15): False, date(2019, 11, 16): True}
    axis = CalendarAxis(WorkCalendar.official(exceptions), date(2019, 11, 14))
    assert as_str(axis.dates(range(3))) == days("2019-11-14", "2019-11-16", "2019-11-18")


def test_years_without_official_data_are_flagged_not_guessed():
    calendar = WorkCalendar.official()
    assert 2026 in official_data_years()
    uncovered = calendar.uncovered_years(date(2026, 6, 1), date(2028, 3, 1))
    assert uncovered == [year for year in (2027, 2028) if year not in official_data_years()]
    assert uncovered  # the installed data end before 2028
    # Those years fall back to a plain Monday–Friday week.
    axis = CalendarAxis(calendar, date(2028, 1, 3))  # a Monday
    assert as_str(axis.dates(range(6)))[-1] == "2028-01-10"
    assert WorkCalendar().uncovered_years(date(2030, 1, 1), date(2031, 1, 1)) == []


def test_a_million_offsets_convert_at_once():
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 1, 2))
    offsets = np.random.default_rng(1).integers(0, 5000, size=1_000_000)
    dates = axis.dates(offsets)
    assert dates.shape == (1_000_000,)
    assert (axis.offset_of_start(dates) == offsets).all()
