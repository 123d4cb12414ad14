"""The 期次 field: a period as the office writes it (issue 30, bulletin)."""

from datetime import date

import pytest

from guatu.core.periods import PeriodError, PeriodKind, parse_period, period_label


@pytest.mark.parametrize(
    "text",
    [
        "2019-W46",
        "2019W46",
        "2019-w46",
        " 2019-W46 ",
        "2019年第46周",  # the app's own display form (Period.label)
        "２０１９年第４６周",  # typed with a Chinese input method
        "2019 年 第 46 周",
        "2019-11-11",  # the Monday
        "2019-11-13",  # any date inside the week
        "2019-11-17",  # the Sunday
        "2019/11/13",
        "2019.11.13",
        "2019年11月13日",
        "２０１９－１１－１３",
    ],
)
def test_a_week_is_read_in_every_form_the_office_writes_it(text):
    week = parse_period(text)
    assert (week.kind, week.start, week.end, week.key) == (
        PeriodKind.WEEK,
        date(2019, 11, 11),
        date(2019, 11, 17),
        "2019-W46",
    )


def test_a_date_belongs_to_its_iso_week_across_the_new_year():
    assert parse_period("2019-12-30").key == "2020-W01"
    assert parse_period("2021-01-03").key == "2020-W53"
    assert parse_period("2020年第53周").start == date(2020, 12, 28)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2019-11", "2019-11"),
        ("2019年11月", "2019-11"),
        ("2019-11-01..2019-11-15", "2019-11-01..2019-11-15"),
        ("2019年11月1日—2019年11月15日", "2019-11-01..2019-11-15"),
        ("2019年11月01日—2019年11月15日", "2019-11-01..2019-11-15"),
        ("2019-11-01 至 2019-11-15", "2019-11-01..2019-11-15"),
    ],
)
def test_months_and_ranges_keep_their_forms_and_read_their_display_form(text, key):
    assert parse_period(text).key == key


@pytest.mark.parametrize("key", ["2019-W46", "2020-W01", "2019-11", "2019-11-01..2019-11-15"])
def test_every_period_reads_back_from_the_name_a_bulletin_gives_it(key):
    period = parse_period(key)
    assert parse_period(period.label()) == period
    assert parse_period(period_label(key)) == period


def test_a_range_is_named_with_chinese_dates_without_leading_zeros():
    assert parse_period("2019-11-01..2019-11-15").label() == "2019年11月1日—2019年11月15日"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_an_empty_period_says_what_to_write(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert "2019-W46" in message and "2019年第46周" in message and "“" not in message


@pytest.mark.parametrize(
    "text",
    [
        "W46",
        "46",
        "2019",
        "2019-W60",
        "2019年第60周",
        "2019-13",
        "2019年13月",
        "2019-02-30",
        "2019-11-15..2019-11-01",
        "第46周",
        "last week",
    ],
)
def test_an_unknown_period_is_refused_naming_what_was_written(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert caught.value.params["value"] == text
    assert f"“{text}”" in str(caught.value) and "2019年第46周" in str(caught.value)


@pytest.mark.parametrize("text", ["9999-W52", "9999-12-31", "0001-W01", "1999-12-31..2019-01-01"])
def test_a_period_out_of_any_bulletin_s_years_is_refused_not_a_crash(text):
    """Year 9999 overflowed the week's end (OverflowError, a 500); year 1 broke the ladder."""
    with pytest.raises(PeriodError):
        parse_period(text)
