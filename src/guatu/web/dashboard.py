"""What the city dashboard (驾驶舱) shows, from one status computation for all items."""

from dataclasses import dataclass
from datetime import date, timedelta

from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.progress.models import Blocker
from guatu.progress.status import ItemStatus, TownStanding, items_status, towns_ranking
from guatu.projects.models import WorkItem

PERIOD_DAYS = 7
LIGHT_ORDER = ("red", "yellow", "green", "done", "not_started")


@dataclass(frozen=True)
class TownRow:
    standing: TownStanding
    change: float | None  # percentage points since the last period


@dataclass(frozen=True)
class Dashboard:
    today: date
    counts: dict[str, int]
    warnings: int
    attention: list[tuple[WorkItem, ItemStatus]]
    towns: list[TownRow]
    blockers_due: list[Blocker]
    next_nodes: list[WorkItem]


def city_items() -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(kind=WorkItem.Kind.TASK, early_start__isnull=False).select_related(
            "project", "town", "owner_department"
        )
    )


def dashboard(*, city: City) -> Dashboard:
    today = city_today(city)
    items = city_items()
    statuses = items_status(items=items, as_of=today)
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for status in statuses.values():
        counts[status.light] += 1
    severity = {"red": 0, "yellow": 1}
    attention = sorted(
        (
            (item, statuses[item.pk])
            for item in items
            if item.pk in statuses and statuses[item.pk].light in severity
        ),
        key=lambda pair: (severity[pair[1].light], -pair[1].lag),
    )
    before = {
        s.town.pk: s.on_track_share
        for s in towns_ranking(city=city, as_of=today - timedelta(days=PERIOD_DAYS))
    }
    towns = []
    for standing in towns_ranking(city=city, as_of=today):
        previous = before.get(standing.town.pk)
        change = (
            None
            if standing.on_track_share is None or previous is None
            else round((standing.on_track_share - previous) * 100, 1)
        )
        towns.append(TownRow(standing, change))
    blockers_due = list(
        Blocker.objects.exclude(status=Blocker.Status.RESOLVED)
        .filter(due_on__lte=today + timedelta(days=PERIOD_DAYS))
        .select_related("work_item__project", "owner_department", "town")
        .order_by("due_on")
    )
    next_nodes = list(
        WorkItem.objects.filter(deadline__gte=today)
        .select_related("project", "town")
        .order_by("deadline", "project__code")[:12]
    )
    return Dashboard(
        today=today,
        counts=counts,
        warnings=sum(1 for s in statuses.values() if s.warning),
        attention=attention[:30],
        towns=towns,
        blockers_due=blockers_due,
        next_nodes=next_nodes,
    )
