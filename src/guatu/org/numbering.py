"""A city's bulletin numbers (发文字号): the last issued each year, and how one is written.

A number is issued once: 永重点办〔2019〕46号 names one document for good.
The bulletins are the supervision app's, above this one; a city moved in from
another database brings the numbers it issued there in
``City.bulletin_numbers`` (set from its ledger's 通报编号 sheet), and the next
bulletin of a year continues after the higher of those and the ones
published here. Which numbers this database has published is the supervision
app's to say: it answers through ``published_source_set`` when it starts
(``SupervisionConfig.ready``), so that this floor never imports the one above.
"""

from collections.abc import Callable

from guatu.org.models import City

__all__ = [
    "bulletin_numbers_issued",
    "issued_before",
    "number_text",
    "published_source_set",
]

PublishedSource = Callable[[City], dict[int, int]]
_source: list[PublishedSource] = []


def published_source_set(source: PublishedSource) -> None:
    """Say how to find the numbers published here: *source* maps each year to its highest
    number for a city (``SupervisionConfig.ready``)."""
    _source[:] = [source]


def issued_before(city: City, year: int) -> int:
    """The last number of *year* issued elsewhere (0 if none): numbering continues after it."""
    numbers = city.bulletin_numbers or {}
    return int(numbers.get(str(year), 0))


def bulletin_numbers_issued(city: City) -> dict[int, int]:
    """The last number issued in each year, here or elsewhere before, by year."""
    issued = {int(year): int(number) for year, number in (city.bulletin_numbers or {}).items()}
    published = _source[0](city) if _source else {}
    for year, number in published.items():
        issued[year] = max(issued.get(year, 0), number)
    return dict(sorted(issued.items()))


def number_text(city: City, year: int, number: int, mark: str = "") -> str:
    """The document number as printed: 永重点办〔2019〕46号; a series of its own carries its
    mark after the prefix (永重点办督〔2019〕3号 a 督办单, 永重点办交〔2019〕7号 a 交办单)."""
    prefix = city.document_prefix or city.name
    return f"{prefix}{mark}〔{year}〕{number}号"
