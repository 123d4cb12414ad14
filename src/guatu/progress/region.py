"""The level above (地级市, 省): each city below ranked side by side (赛马).

Each city's figures are the ones its own pages show — its overview computed in
its own scope, on its own day and rules — so a prefecture's table, the city's
dashboard and the API agree. They are kept as a read model (``StandingSnapshot``,
one row a city) stamped with the city's data version: every figure the standing
reads (reports, reviews, blockers, plans, rules, work items) moves the stamp, so
a snapshot is used only while it is exactly what a recomputation would give,
and a province's page costs a few aggregate queries a city instead of every
city's lights. The worker refreshes stale rows ahead of readers
(``refresh_standings``); the page says when each row was computed.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from guatu.common.scope import scoped_to
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.org.selectors import cities_below
from guatu.progress.models import (
    Blocker,
    ProgressReport,
    ReportReview,
    StandingSnapshot,
    StatusRuleSet,
)
from guatu.progress.overview import progress_overview
from guatu.progress.selectors import blockers_open, blockers_overdue
from guatu.projects.models import Project, WorkItem

__all__ = ["CityStanding", "city_standing", "refresh_standings", "region_standings"]


@dataclass(frozen=True)
class CityStanding:
    city: City
    as_of: date
    computed_at: datetime
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


FIGURES = ("counts", "on_track", "planned", "actual", "blockers_open", "blockers_overdue")


def data_version(city: City) -> str:
    """Moves whenever a figure of *city*'s standing may change."""

    def stamp(moment: datetime | None) -> int:
        return int(moment.timestamp() * 1_000_000) if moment else 0

    reports = ProgressReport.everywhere.filter(work_item__project__city=city).aggregate(
        last=Max("id")
    )["last"]
    reviews = ReportReview.everywhere.filter(report__work_item__project__city=city).aggregate(
        last=Max("id")
    )["last"]
    blockers = Blocker.everywhere.filter(work_item__project__city=city).aggregate(
        last=Max("id"),
        closed=Count("id", filter=Q(status=Blocker.Status.RESOLVED)),
        escalated=Count("id", filter=Q(status=Blocker.Status.ESCALATED)),
    )
    plans = Project.everywhere.filter(city=city).aggregate(
        last=Max("scheduled_at"), count=Count("id")
    )
    items = WorkItem.everywhere.filter(project__city=city).aggregate(
        last=Max("id"), count=Count("id")
    )
    rules = StatusRuleSet.everywhere.filter(city=city).aggregate(last=Max("id"))["last"]
    return "-".join(
        str(part)
        for part in (
            reports,
            reviews,
            blockers["last"],
            blockers["closed"],
            blockers["escalated"],
            stamp(plans["last"]),
            plans["count"],
            items["last"],
            items["count"],
            rules,
            city.status_date,
        )
    )


def _computed(city: City) -> dict:
    with scoped_to((city.pk,)):
        overview = progress_overview(city=city)
        progress = overview.progress
        return {
            "counts": overview.counts,
            "on_track": overview.on_track,
            "planned": progress.planned,
            "actual": progress.actual,
            "blockers_open": blockers_open().count(),
            "blockers_overdue": blockers_overdue(today=overview.as_of).count(),
        }


def city_standing(city: City, *, snapshot: StandingSnapshot | None = None) -> CityStanding:
    """*city*'s standing as its own pages compute it: the snapshot while it is current,
    else computed now (in the city's own scope) and kept."""
    today = city_today(city)
    version = data_version(city)
    if snapshot is None:
        snapshot = StandingSnapshot.everywhere.filter(city=city).first()
    if snapshot is None or snapshot.version != version or snapshot.as_of != today:
        snapshot, _created = StandingSnapshot.everywhere.update_or_create(
            city=city,
            defaults={
                "version": version,
                "as_of": today,
                "computed_at": timezone.now(),
                "figures": _computed(city),
            },
        )
    figures = snapshot.figures
    return CityStanding(
        city=city,
        as_of=snapshot.as_of,
        computed_at=snapshot.computed_at,
        **{name: figures[name] for name in FIGURES},
    )


def region_standings(region: City) -> list[CityStanding]:
    """The county-level cities under *region*, best on track first (none last)."""
    cities = list(
        City.everywhere.filter(pk__in=cities_below(region.pk), level=City.Level.COUNTY).order_by(
            "code"
        )
    )
    snapshots = {s.city_id: s for s in StandingSnapshot.everywhere.filter(city__in=cities)}
    rows = [city_standing(city, snapshot=snapshots.get(city.pk)) for city in cities]
    return sorted(rows, key=lambda s: (s.on_track is None, -(s.on_track or 0), s.city.code))


def refresh_standings() -> int:
    """Bring every county-level city's snapshot up to date (the worker, ahead of readers);
    return how many were recomputed."""
    snapshots = {s.city_id: s for s in StandingSnapshot.everywhere.all()}
    recomputed = 0
    for city in City.everywhere.filter(level=City.Level.COUNTY):
        before = snapshots.get(city.pk)
        after = city_standing(city, snapshot=before)
        recomputed += before is None or after.computed_at != before.computed_at
    return recomputed
