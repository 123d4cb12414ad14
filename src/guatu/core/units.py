"""Units of measure for work-item quantities: 亩, 平方米, 户, 公里, 个, 万元 ….

A quantity is always stored with its unit. A report given in another unit of
the same dimension (平方米 for an item counted in 亩) is converted exactly,
through fractions, because 1 亩 = 10000/15 平方米 has no finite decimal form;
a report in a unit of another dimension (户 for an item in 亩) is refused.

>>> from decimal import Decimal
>>> convert(Decimal("10000"), "m2", "mu")
Decimal('15.0000')
>>> parse_unit("平米").code
'm2'
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction

from guatu.core.errors import UnitError
from guatu.core.i18n import gettext_noop

__all__ = [
    "DECIMAL_PLACES",
    "UNITS",
    "Dimension",
    "Unit",
    "convert",
    "parse_unit",
]

#: Quantities are kept to four decimal places (0.0001 亩 is about 0.07 平方米).
DECIMAL_PLACES = 4


class Dimension(StrEnum):
    """What a unit measures; only units of one dimension convert into each other."""

    AREA = "area"
    LENGTH = "length"
    HOUSEHOLDS = "households"
    COUNT = "count"
    MONEY = "money"

    @property
    def label(self) -> str:
        return _DIMENSION_LABELS[self]


_DIMENSION_LABELS = {
    Dimension.AREA: gettext_noop("area"),
    Dimension.LENGTH: gettext_noop("length"),
    Dimension.HOUSEHOLDS: gettext_noop("households"),
    Dimension.COUNT: gettext_noop("count"),
    Dimension.MONEY: gettext_noop("money"),
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: ``code`` is stored, ``symbol`` is what Chinese users write."""

    code: str
    symbol: str
    label: str
    dimension: Dimension
    #: Size of one unit in the dimension's base unit (平方米, 米, 户, 个, 元).
    factor: Fraction


UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        Unit("mu", "亩", gettext_noop("mu"), Dimension.AREA, Fraction(10000, 15)),
        Unit("m2", "平方米", gettext_noop("square metre"), Dimension.AREA, Fraction(1)),
        Unit("ha", "公顷", gettext_noop("hectare"), Dimension.AREA, Fraction(10000)),
        Unit("km", "公里", gettext_noop("kilometre"), Dimension.LENGTH, Fraction(1000)),
        Unit("m", "米", gettext_noop("metre"), Dimension.LENGTH, Fraction(1)),
        Unit("hh", "户", gettext_noop("household"), Dimension.HOUSEHOLDS, Fraction(1)),
        Unit("pc", "个", gettext_noop("piece"), Dimension.COUNT, Fraction(1)),
        Unit("wan_yuan", "万元", gettext_noop("10,000 yuan"), Dimension.MONEY, Fraction(10000)),
        Unit("yuan", "元", gettext_noop("yuan"), Dimension.MONEY, Fraction(1)),
    )
}

_ALIASES: dict[str, str] = {
    "平米": "m2",
    "㎡": "m2",
    "m²": "m2",
    "千米": "km",
    "公里数": "km",
    "户数": "hh",
    "家": "hh",
    "处": "pc",
    "项": "pc",
    "座": "pc",
    "万": "wan_yuan",
}


def parse_unit(text: str) -> Unit:
    """Return the unit written as *text* (a code, a Chinese symbol or an alias).

    Raises
    ------
    UnitError
        If the text names no unit guatu knows.
    """
    key = text.strip()
    if key in UNITS:
        return UNITS[key]
    for unit in UNITS.values():
        if key == unit.symbol or key.lower() == unit.label:
            return unit
    if key in _ALIASES:
        return UNITS[_ALIASES[key]]
    raise UnitError(
        gettext_noop("Unknown unit “%(unit)s”; use one of: %(known)s."),
        unit=text,
        known=tuple(unit.label for unit in UNITS.values()),
    )


def convert(value: Decimal | int | str, from_unit: str | Unit, to_unit: str | Unit) -> Decimal:
    """Return *value* given in *from_unit* expressed in *to_unit*.

    The conversion is exact (fractions) and rounded once, half to even, to
    ``DECIMAL_PLACES`` places.

    Raises
    ------
    UnitError
        If the two units measure different things (亩 and 户, say).
    """
    source = from_unit if isinstance(from_unit, Unit) else parse_unit(from_unit)
    target = to_unit if isinstance(to_unit, Unit) else parse_unit(to_unit)
    amount = Decimal(value)
    if source.dimension is not target.dimension:
        raise UnitError(
            gettext_noop(
                "Cannot convert %(value)s %(from_unit)s into %(to_unit)s: "
                "%(from_unit)s measures %(from_dimension)s, %(to_unit)s measures "
                "%(to_dimension)s."
            ),
            value=amount,
            from_unit=source.label,
            to_unit=target.label,
            from_dimension=source.dimension.label,
            to_dimension=target.dimension.label,
        )
    exact = Fraction(amount) * source.factor / target.factor
    quantum = Decimal(1).scaleb(-DECIMAL_PLACES)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_EVEN
    )
