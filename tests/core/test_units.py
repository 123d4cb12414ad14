"""Units: exact conversion within a dimension, refusal across dimensions."""

from decimal import Decimal

import pytest

from guatu.core.errors import UnitError
from guatu.core.units import UNITS, Dimension, convert, parse_unit


def test_fifteen_mu_is_exactly_ten_thousand_square_metres():
    assert convert(Decimal(15), "mu", "m2") == Decimal("10000.0000")
    assert convert(Decimal(10000), "m2", "mu") == Decimal("15.0000")


def test_one_mu_rounds_once_to_four_places():
    # 10000/15 = 666.666… : rounded half to even at the last step only.
    assert convert(Decimal(1), "mu", "m2") == Decimal("666.6667")
    assert convert(Decimal("666.6667"), "m2", "mu") == Decimal("1.0000")


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        ("2.5", "km", "m", "2500.0000"),
        ("350", "m", "km", "0.3500"),
        ("1", "ha", "mu", "15.0000"),
        ("3", "wan_yuan", "yuan", "30000.0000"),
        ("12", "hh", "hh", "12.0000"),
        ("1.2", "wan_m2", "m2", "12000.0000"),
        ("1", "km2", "ha", "100.0000"),
        ("1", "km2", "mu", "1500.0000"),
        ("1", "wan_mu", "mu", "10000.0000"),
        ("1", "wan_mu", "km2", "6.6667"),
        ("3000", "m2", "wan_m2", "0.3000"),
        ("2.4", "wan_m3", "m3", "24000.0000"),
        ("1.5", "yi_yuan", "wan_yuan", "15000.0000"),
    ],
)
def test_conversions_within_a_dimension(value, source, target, expected):
    assert convert(Decimal(value), source, target) == Decimal(expected)


def test_units_of_different_dimensions_are_refused_with_both_named():
    with pytest.raises(UnitError) as raised:
        convert(Decimal(3), "hh", "mu")
    message = str(raised.value)
    assert "household" in message and "mu" in message
    assert "households" in message and "area" in message
    assert raised.value.params["from_unit"] == "household"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("亩", "mu"),
        ("平方米", "m2"),
        ("平米", "m2"),
        ("㎡", "m2"),
        (" 户 ", "hh"),
        ("公里", "km"),
        ("千米", "km"),
        ("个", "pc"),
        ("万元", "wan_yuan"),
        ("mu", "mu"),
        ("万平方米", "wan_m2"),
        ("万平米", "wan_m2"),
        ("万㎡", "wan_m2"),
        ("平方公里", "km2"),
        ("平方千米", "km2"),
        ("km²", "km2"),
        ("公顷", "ha"),
        ("米", "m"),
        ("延米", "m"),
        ("立方米", "m3"),
        ("方", "m3"),
        ("m³", "m3"),
        ("万立方米", "wan_m3"),
        ("万方", "wan_m3"),
        ("万亩", "wan_mu"),
        ("亿元", "yi_yuan"),
    ],
)
def test_parse_unit_accepts_what_people_write(text, code):
    assert parse_unit(text).code == code


def test_unknown_unit_lists_the_known_ones():
    with pytest.raises(UnitError) as raised:
        parse_unit("斤")
    assert "斤" in str(raised.value)
    assert "mu" in raised.value.params["known"]


def test_every_dimension_has_a_base_unit_of_factor_one():
    for dimension in Dimension:
        assert any(u.dimension is dimension and u.factor == 1 for u in UNITS.values())


def test_area_and_volume_are_different_things():
    with pytest.raises(UnitError):
        convert(Decimal(1), "wan_m3", "wan_m2")


def test_every_unit_has_a_distinct_symbol_and_a_code_that_fits_the_column():
    symbols = [unit.symbol for unit in UNITS.values()]
    assert len(set(symbols)) == len(symbols)
    assert all(len(code) <= 10 for code in UNITS)  # WorkItem.unit is a CharField(max_length=10)
