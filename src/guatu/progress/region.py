"""The level above (地级市, 省): each city below ranked side by side (赛马).

Each city's figures are the ones its own pages show — its overview computed in
its own scope, on its own day and rules — so a prefecture's table, the city's
dashboard and the API agree. Computed when asked (a prefecture of a dozen cities
of 300 projects each takes well under a second); the page says as of when.
"""

from dataclasses import dataclass
from datetime import date

from guatu.common.scope import scoped_to
from guatu.org.models import City
from guatu.org.selectors import cities_below
from guatu.progress.overview import progress_overview
from guatu.progress.selectors import blockers_open, blockers_overdue

__all__ = ["CityStanding", "region_standings"]


@dataclass(frozen=True)
class CityStanding:
    city: City
    as_of: date
    #: Work items by light (not_started, green, yellow, red, done).
    counts: dict[str, int]
    #: Share of the work under way that is on track, weighted by planned value (0–1).
    on_track: float | None
    #: 序时 (planned) and actual % of the whole, weighted by planned value.
    planned: float
    actual: float
    blockers_open: int
    blockers_overdue: int

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    @property
    def behind(self) -> float:
        """Percentage points behind 序时 (negative: ahead)."""
        return round(self.planned - self.actual, 1)


def city_standing(city: City) -> CityStanding:
    """*city*'s standing as its own pages compute it, in its own scope."""
    with scoped_to((city.pk,)):
        overview = progress_overview(city=city)
        progress = overview.progress
        return CityStanding(
            city=city,
            as_of=overview.as_of,
            counts=overview.counts,
            on_track=overview.on_track,
            planned=progress.planned,
            actual=progress.actual,
            blockers_open=blockers_open().count(),
            blockers_overdue=blockers_overdue(today=overview.as_of).count(),
        )


def region_standings(region: City) -> list[CityStanding]:
    """The county-level cities under *region*, best on track first (none last)."""
    cities = City.everywhere.filter(
        pk__in=cities_below(region.pk), level=City.Level.COUNTY
    ).order_by("code")
    rows = [city_standing(city) for city in cities]
    return sorted(rows, key=lambda s: (s.on_track is None, -(s.on_track or 0), s.city.code))
