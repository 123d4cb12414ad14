"""Units of measure for work-item quantities: 亩, 平方米, 户, 公里, 个, 万元 ….

A quantity is always stored with its unit. A report given in another unit of
the same dimension (平方米 for an item counted in 亩) is converted exactly,
through fractions, because 1 亩 = 10000/15 平方米 has no finite decimal form;
a report in a unit of another dimension (户 for an item in 亩) is refused.

The units are those officials write in plans and ledgers: areas (平方米,
万平方米, 亩, 万亩, 公顷, 平方公里), lengths (米, 公里/千米), volumes (立方米,
万立方米: earthworks, 土方), households, pieces and money (元, 万元, 亿元).
This table is the one place they are defined; every path (item form, API,
ledger, reports) reads it.

>>> from decimal import Decimal
>>> convert(Decimal("10000"), "m2", "mu")
Decimal('15.0000')
>>> parse_unit("平米").code
'm2'
>>> convert(Decimal("1.2"), parse_unit("万平方米"), "m2")
Decimal('12000.0000')
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
    VOLUME = "volume"
    HOUSEHOLDS = "households"
    COUNT = "count"
    MONEY = "money"

    @property
    def label(self) -> str:
        return _DIMENSION_LABELS[self]


_DIMENSION_LABELS = {
    Dimension.AREA: gettext_noop("area"),
    Dimension.LENGTH: gettext_noop("length"),
    Dimension.VOLUME: gettext_noop("volume"),
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
    #: Size of one unit in the dimension's base unit (平方米, 米, 立方米, 户, 个, 元).
    factor: Fraction


UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        # Areas. 1 亩 = 10000/15 平方米 exactly.
        Unit("mu", "亩", gettext_noop("mu"), Dimension.AREA, Fraction(10000, 15)),
        Unit("m2", "平方米", gettext_noop("square metre"), Dimension.AREA, Fraction(1)),
        Unit(
            "wan_m2",
            "万平方米",
            gettext_noop("10,000 square metres"),
            Dimension.AREA,
            Fraction(10**4),
        ),
        Unit("ha", "公顷", gettext_noop("hectare"), Dimension.AREA, Fraction(10**4)),
        Unit("km2", "平方公里", gettext_noop("square kilometre"), Dimension.AREA, Fraction(10**6)),
        Unit("wan_mu", "万亩", gettext_noop("10,000 mu"), Dimension.AREA, Fraction(10**8, 15)),
        # Lengths.
        Unit("km", "公里", gettext_noop("kilometre"), Dimension.LENGTH, Fraction(1000)),
        Unit("m", "米", gettext_noop("metre"), Dimension.LENGTH, Fraction(1)),
        # Volumes (earthworks, 土方; storage).
        Unit("m3", "立方米", gettext_noop("cubic metre"), Dimension.VOLUME, Fraction(1)),
        Unit(
            "wan_m3",
            "万立方米",
            gettext_noop("10,000 cubic metres"),
            Dimension.VOLUME,
            Fraction(10**4),
        ),
        # Counts.
        Unit("hh", "户", gettext_noop("household"), Dimension.HOUSEHOLDS, Fraction(1)),
        Unit("pc", "个", gettext_noop("piece"), Dimension.COUNT, Fraction(1)),
        # Money.
        Unit("wan_yuan", "万元", gettext_noop("10,000 yuan"), Dimension.MONEY, Fraction(10**4)),
        Unit("yi_yuan", "亿元", gettext_noop("100 million yuan"), Dimension.MONEY, Fraction(10**8)),
        Unit("yuan", "元", gettext_noop("yuan"), Dimension.MONEY, Fraction(1)),
    )
}

_ALIASES: dict[str, str] = {
    "平米": "m2",
    "㎡": "m2",
    "m²": "m2",
    "万平米": "wan_m2",
    "万㎡": "wan_m2",
    "万m²": "wan_m2",
    "万m2": "wan_m2",
    "平方千米": "km2",
    "km²": "km2",
    "hm²": "ha",
    "千米": "km",
    "延米": "m",
    "延长米": "m",
    "立方": "m3",
    "方": "m3",
    "㎥": "m3",
    "m³": "m3",
    "万方": "wan_m3",
    "万立方": "wan_m3",
    "万m³": "wan_m3",
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
