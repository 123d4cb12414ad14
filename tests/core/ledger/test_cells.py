"""Cells as offices type them: dates in words, numbers in 万, units in the cell, links."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from guatu.core.ledger.cells import (
    CellError,
    format_links,
    parse_amount,
    parse_bool,
    parse_code,
    parse_date,
    parse_links,
    parse_number,
    parse_percent,
    parse_quantity,
    plain_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-30", date(2020, 6, 30)),
        ("2020/6/30", date(2020, 6, 30)),
        ("2020.6.30", date(2020, 6, 30)),
        ("2020年6月30日", date(2020, 6, 30)),
        ("2020 年 6 月 30 日", date(2020, 6, 30)),
        ("２０２０年６月３０日", date(2020, 6, 30)),
        ("2020年6月30号", date(2020, 6, 30)),
        ("二〇二〇年六月三十日", date(2020, 6, 30)),
        ("二〇一九年十一月十五日", date(2019, 11, 15)),
        ("2020年6月底", date(2020, 6, 30)),
        ("2020年2月底", date(2020, 2, 29)),
        ("2019年2月末", date(2019, 2, 28)),
        ("2020年6月上旬", date(2020, 6, 10)),
        ("2020年6月中旬", date(2020, 6, 20)),
        ("2020年6月下旬", date(2020, 6, 30)),
        ("2020年底", date(2020, 12, 31)),
        ("2020年上半年", date(2020, 6, 30)),
        ("2020年第三季度", date(2020, 9, 30)),
        ("20200630", date(2020, 6, 30)),
        ("2020-06-30 00:00:00", date(2020, 6, 30)),
    ],
)
def test_dates_in_the_forms_offices_write(text, expected):
    assert parse_date(text, year=None) == expected


def test_a_date_without_its_year_takes_the_context_year():
    assert parse_date("6月底", year=2020) == date(2020, 6, 30)
    assert parse_date("11月15日", year=2019) == date(2019, 11, 15)
    with pytest.raises(CellError, match="year"):
        parse_date("6月底", year=None)


def test_excel_dates_and_serial_numbers():
    assert parse_date(datetime(2020, 6, 30), year=None) == date(2020, 6, 30)
    assert parse_date(date(2020, 6, 30), year=None) == date(2020, 6, 30)
    assert parse_date(43647, year=None) == date(2019, 7, 1)
    assert parse_date(20200630, year=None) == date(2020, 6, 30)


@pytest.mark.parametrize(
    "text", ["2020年2月30日", "2020-13-01", "6月32日", "明年", "2020年6月", "1.5"]
)
def test_dates_that_are_not_dates(text):
    with pytest.raises(CellError):
        parse_date(text, year=2020)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1，234", Decimal("1234")),
        ("１２３４", Decimal("1234")),
        ("12.5万", Decimal("125000")),
        ("1.2亿", Decimal("120000000")),
        (" 47 ", Decimal("47")),
        (12.5, Decimal("12.5")),
        (0.1, Decimal("0.1")),
        (47, Decimal("47")),
        ("-3", Decimal("-3")),
    ],
)
def test_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1,23", "12a", "万", "", True, "1.2.3", float("nan")])
def test_not_numbers(text):
    with pytest.raises(CellError):
        parse_number(text)


def test_quantities_keep_the_unit_written_in_the_cell():
    assert parse_quantity("3万平方米") == (Decimal("30000"), "平方米")
    assert parse_quantity("1,200 户") == (Decimal("1200"), "户")
    assert parse_quantity("47") == (Decimal("47"), "")


def test_amounts_are_in_wan_yuan():
    assert parse_amount("1500") == Decimal("1500")
    assert parse_amount("1500万") == Decimal("1500")
    assert parse_amount("1500万元") == Decimal("1500")
    assert parse_amount("1.2亿元") == Decimal("12000")
    assert parse_amount("3,000,000元") == Decimal("300")
    assert parse_amount(88.5) == Decimal("88.5")
    with pytest.raises(CellError):
        parse_amount("1500美元")


def test_percentages():
    assert parse_percent("85%") == Decimal("85")
    assert parse_percent(85) == Decimal("85")
    assert parse_percent(0.85, percent_format=True) == Decimal("85")
    assert parse_percent(0.85) == Decimal("0.85")
    with pytest.raises(CellError):
        parse_percent("八成")


def test_yes_no_and_codes():
    assert parse_bool("是") and parse_bool("√") and parse_bool("Y")
    assert not parse_bool("否") and not parse_bool(None)
    with pytest.raises(CellError):
        parse_bool("也许")
    assert parse_code(101.0) == "101"
    assert parse_code("ＺＸ－01") == "ZX-01"
    with pytest.raises(CellError):
        parse_code("主线 01")


def test_links_read_and_write_back():
    links = parse_links("A01、B02（SS+3）；C03(FF-2天)\nD04(+5)")
    assert links == [("A01", "FS", 0), ("B02", "SS", 3), ("C03", "FF", -2), ("D04", "FS", 5)]
    assert parse_links(format_links(links)) == links
    assert parse_links("A01(开始-开始)") == [("A01", "SS", 0)]
    assert parse_links(None) == []
    with pytest.raises(CellError):
        parse_links("A01(XX+3)")


def test_text_keeps_full_width_punctuation():
    assert plain_text(" 主线征地（江南街道段），完成 ") == "主线征地（江南街道段），完成"
    assert plain_text(47.0) == "47"
