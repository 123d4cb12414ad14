"""The level above (地级市, 省): each city below ranked side by side (赛马).

Each city's figures are the ones its own pages show — its overview computed in
its own scope, on its own day and rules, its overdue time nodes and its nodes
at risk as its dashboard counts them — so a prefecture's table, the city's
dashboard and the API agree. They are kept as a read model (``StandingSnapshot``,
one row a city) stamped with the city's data version: every figure the standing
reads (reports, reviews, blockers, plans, estimates, rules, work items) moves
the stamp. A page never recomputes a city: a row whose stamp moved is shown
as it was, marked as being brought up to date, and the worker recomputes it
(``refresh_standings``, queued at once by the page, and every few minutes with
the schedule risk's warm-up); only a city never computed is computed for the
request. So a province's page costs a few aggregate queries a city, whatever
happens in the cities, and says when each row was computed.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.tasks import task
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
from guatu.progress.nodes import overdue_nodes
from guatu.progress.overview import progress_overview
from guatu.progress.selectors import blockers_open, blockers_overdue
from guatu.projects.models import Project, WorkItem
from guatu.risk.models import ThreePoint
from guatu.risk.services import nodes_at_risk

__all__ = [
    "CityStanding",
    "cities_ranked",
    "city_standing",
    "refresh_standings",
    "region_standings",
]


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
    #: Time nodes passed undone (the wall chart's black flags).
    overdue_nodes: int
    #: Time nodes ahead whose chance of being met is under even odds (schedule risk).
    nodes_at_risk: int
    #: A figure of the city changed after ``computed_at``: the worker is recomputing it.
    stale: bool = False

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    @property
    def behind(self) -> float:
        """Percentage points behind 序时 (negative: ahead)."""
        return round(self.planned - self.actual, 1)


FIGURES = (
    "counts",
    "on_track",
    "planned",
    "actual",
    "blockers_open",
    "blockers_overdue",
    "overdue_nodes",
    "nodes_at_risk",
)


def data_version(city: City) -> str:
    """Moves whenever a figure of *city*'s standing may change."""
    return data_versions([city])[city.pk]


def _stamp(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1_000_000) if moment else 0


def data_versions(cities: list[City]) -> dict[int, str]:
    """``data_version`` of each of *cities* (by pk), in one grouped query a table: a
    province's page asks seven questions, not seven for each of its ninety cities."""
    ids = [city.pk for city in cities]

    def grouped(queryset, path: str, **figures) -> dict[int, dict]:
        rows = queryset.filter(**{f"{path}__in": ids}).values(path).order_by(path)
        return {row.pop(path): row for row in rows.annotate(**figures)}

    reports = grouped(ProgressReport.everywhere, "work_item__project__city", last=Max("id"))
    reviews = grouped(ReportReview.everywhere, "report__work_item__project__city", last=Max("id"))
    blockers = grouped(
        Blocker.everywhere,
        "work_item__project__city",
        last=Max("id"),
        closed=Count("id", filter=Q(status=Blocker.Status.RESOLVED)),
        escalated=Count("id", filter=Q(escalation_requested=True)),
        raised=Count("id", filter=Q(level__gt=1)),
        replied=Count("id", filter=Q(status=Blocker.Status.REPLIED)),
    )
    plans = grouped(Project.everywhere, "city", last=Max("scheduled_at"), count=Count("id"))
    items = grouped(WorkItem.everywhere, "project__city", last=Max("id"), count=Count("id"))
    rules = grouped(StatusRuleSet.everywhere, "city", last=Max("id"))
    estimates = grouped(
        ThreePoint.everywhere, "work_item__project__city", last=Max("set_at"), count=Count("id")
    )
    none: dict = {}
    versions = {}
    for city in cities:
        blocker = blockers.get(city.pk, none)
        plan, item = plans.get(city.pk, none), items.get(city.pk, none)
        estimate = estimates.get(city.pk, none)
        versions[city.pk] = "-".join(
            str(part)
            for part in (
                reports.get(city.pk, none).get("last"),
                reviews.get(city.pk, none).get("last"),
                blocker.get("last"),
                blocker.get("closed", 0),
                blocker.get("escalated", 0),
                blocker.get("raised", 0),
                blocker.get("replied", 0),
                _stamp(plan.get("last")),
                plan.get("count", 0),
                item.get("last"),
                item.get("count", 0),
                rules.get(city.pk, none).get("last"),
                _stamp(estimate.get("last")),
                estimate.get("count", 0),
                city.status_date,
            )
        )
    return versions


def _computed(city: City, as_of: date | None = None) -> dict:
    """*city*'s figures at *as_of* (its own today), in its own scope: what its pages show."""
    with scoped_to((city.pk,)):
        overview = progress_overview(city=city, as_of=as_of)
        progress = overview.progress
        return {
            "counts": overview.counts,
            "on_track": overview.on_track,
            "planned": progress.planned,
            "actual": progress.actual,
            "blockers_open": blockers_open().count(),
            "blockers_overdue": blockers_overdue(today=overview.as_of).count(),
            "overdue_nodes": overdue_nodes(as_of=overview.as_of, city=city),
            "nodes_at_risk": len(nodes_at_risk(city, today=overview.as_of)),
        }


def city_standing(
    city: City,
    *,
    snapshot: StandingSnapshot | None = None,
    recompute: bool = True,
    version: str | None = None,
) -> CityStanding:
    """*city*'s standing as its own pages compute it: the snapshot while it is current.

    A stale snapshot is recomputed now and kept when *recompute* (the worker);
    otherwise (a page) it is answered as it was, marked stale, and the worker is
    asked to recompute it. A city never computed is computed now either way.
    """
    today = city_today(city)
    version = version or data_version(city)
    if snapshot is None:
        snapshot = StandingSnapshot.everywhere.filter(city=city).first()
    usable = snapshot is not None and all(name in snapshot.figures for name in FIGURES)
    current = usable and snapshot.version == version and snapshot.as_of == today
    if not current and (recompute or not usable):
        snapshot, _created = StandingSnapshot.everywhere.update_or_create(
            city=city,
            defaults={
                "version": version,
                "as_of": today,
                "computed_at": timezone.now(),
                "figures": _computed(city),
            },
        )
        current = True
    figures = snapshot.figures
    return CityStanding(
        city=city,
        as_of=snapshot.as_of,
        computed_at=snapshot.computed_at,
        stale=not current,
        **{name: figures[name] for name in FIGURES},
    )


def counties_below(region: City) -> list[City]:
    """The county-level cities under *region* (the ones that run projects), by code."""
    return list(
        City.everywhere.filter(pk__in=cities_below(region.pk), level=City.Level.COUNTY).order_by(
            "code"
        )
    )


def ranked(rows: list, on_track, code) -> list:
    """Best on track first, cities with nothing under way last, then by code (赛马)."""
    return sorted(rows, key=lambda r: (on_track(r) is None, -(on_track(r) or 0), code(r)))


def cities_ranked(region: City, as_of_of) -> list[dict]:
    """Each city below *region* computed afresh at ``as_of_of(city)`` (a bulletin's date,
    capped by the city's own today), ranked as ``/region/`` ranks them."""
    rows = []
    for city in counties_below(region):
        day = as_of_of(city)
        figures = _computed(city, day)
        rows.append(
            {
                "name": city.name,
                "code": city.code,
                "as_of": day.isoformat(),
                **figures,
                "behind": round(figures["planned"] - figures["actual"], 1),
            }
        )
    return ranked(rows, lambda r: r["on_track"], lambda r: r["code"])


def region_standings(region: City) -> list[CityStanding]:
    """The county-level cities under *region*, best on track first (none last), as kept:
    the rows whose city changed since are marked stale and queued for the worker."""
    cities = counties_below(region)
    snapshots = {s.city_id: s for s in StandingSnapshot.everywhere.filter(city__in=cities)}
    versions = data_versions(cities)
    rows = [
        city_standing(
            city, snapshot=snapshots.get(city.pk), recompute=False, version=versions[city.pk]
        )
        for city in cities
    ]
    if any(row.stale for row in rows):
        refresh_soon()
    return ranked(rows, lambda s: s.on_track, lambda s: s.city.code)


def refresh_standings() -> int:
    """Bring every county-level city's snapshot up to date (the worker, ahead of readers);
    return how many were recomputed."""
    snapshots = {s.city_id: s for s in StandingSnapshot.everywhere.all()}
    cities = list(City.everywhere.filter(level=City.Level.COUNTY))
    versions = data_versions(cities)
    recomputed = 0
    for city in cities:
        before = snapshots.get(city.pk)
        after = city_standing(city, snapshot=before, version=versions[city.pk])
        recomputed += before is None or after.computed_at != before.computed_at
    return recomputed


def refresh_after_warm_up(event) -> None:
    """``RisksWarmed``: the risks each standing counts are fresh; recompute what moved."""
    refresh_standings()


REFRESH_TASK = "guatu.supervision.region.refresh_standings_task"


@task()
def refresh_standings_task() -> int:
    return refresh_standings()


def refresh_soon() -> bool:
    """Queue a ``refresh_standings`` for the worker unless one is waiting; say if queued."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if DBTaskResult.objects.filter(task_path=REFRESH_TASK, status="READY").exists():
            return False
        refresh_standings_task.enqueue()
    return True
