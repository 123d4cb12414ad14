"""The 20-working-day clock, counted by hand across the 2019 National Day holiday (no
database: the office's calendar is the official one)."""

import doctest
from datetime import date

import pytest

import guatu.public.clock as clock
from guatu.core.calendar import WorkCalendar
from guatu.public.clock import due_on, working_days_left

OFFICE = WorkCalendar.official()


def test_the_module_examples_hold():
    assert doctest.testmod(clock).failed == 0


@pytest.mark.parametrize(
    ("arose", "due"),
    [
        # Friday 09-20: 23 24 25 26 27, Sunday 29 (make-up), 30 — 7; Oct 1–7 off; 8 9 10 11,
        # Saturday 12 (make-up), 14 15 16 17 18, 21 22 23 — 20.
        (date(2019, 9, 20), date(2019, 10, 23)),
        # Monday 09-30, the last day before the holiday: 10-08 is its first working day;
        # 8 9 10 11, Saturday 12, 14–18, 21–25, 28–31, Friday 11-01 the 20th.
        (date(2019, 9, 30), date(2019, 11, 1)),
        # Arising on the holiday itself (10-03): counted from 10-08 alike.
        (date(2019, 10, 3), date(2019, 11, 1)),
    ],
)
def test_due_across_the_national_day(arose, due):
    assert due_on(OFFICE, arose) == due


def test_days_left_count_working_days_only():
    due = date(2019, 10, 23)
    assert working_days_left(OFFICE, date(2019, 9, 27), due) == 15  # 29, 30, then 13 in Oct
    assert working_days_left(OFFICE, date(2019, 10, 1), due) == 13  # the holiday costs none
    assert working_days_left(OFFICE, date(2019, 10, 7), due) == 13
    assert working_days_left(OFFICE, date(2019, 10, 12), due) == 8
    assert working_days_left(OFFICE, date(2019, 10, 26), due) == -2  # 24, 25 (26: Saturday)
    assert working_days_left(OFFICE, date(2019, 10, 28), due) == -3


def test_a_city_day_off_moves_the_day():
    city_off = WorkCalendar.official({date(2019, 10, 22): False})
    assert due_on(city_off, date(2019, 9, 20)) == date(2019, 10, 24)
