"""What the city dashboard (驾驶舱) shows, from two status passes over all items as arrays."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Q

from guatu.core.status import LIGHT_NAMES, Light, Reason
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.progress.models import Blocker
from guatu.progress.status import (
    ItemStatus,
    StatusTable,
    TownStanding,
    status_inputs,
    status_table,
    towns_ranking,
)
from guatu.projects.models import WorkItem

PERIOD_DAYS = 7
ATTENTION_ROWS = 30
LIGHT_ORDER = ("red", "yellow", "green", "done", "not_started")
TASKS = Q(kind=WorkItem.Kind.TASK)


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


def items_for(table: StatusTable, indexes: np.ndarray) -> list[tuple[WorkItem, ItemStatus]]:
    """Load the work items at *indexes* of *table*, in that order, with their status."""
    pks = table.pks[indexes].tolist()
    loaded = WorkItem.objects.select_related("project", "town", "owner_department").in_bulk(pks)
    return [(loaded[pk], table.status(int(i))) for pk, i in zip(pks, indexes, strict=True)]


def dashboard(*, city: City) -> Dashboard:
    today = city_today(city)
    inputs = status_inputs(items=TASKS, up_to=today, city=city)
    table = status_table(as_of=today, inputs=inputs)
    light = table.light
    counts = {name: int((light == LIGHT_NAMES.index(name)).sum()) for name in LIGHT_ORDER}
    red_or_yellow = np.flatnonzero((light == Light.RED) | (light == Light.YELLOW))
    order = np.lexsort((-table.result.lag[red_or_yellow], light[red_or_yellow] != Light.RED))
    attention = items_for(table, red_or_yellow[order][:ATTENTION_ROWS])
    earlier = status_table(as_of=today - timedelta(days=PERIOD_DAYS), inputs=inputs)
    before = {s.town.pk: s.on_track_share for s in towns_ranking(city=city, table=earlier)}
    towns = []
    for standing in towns_ranking(city=city, table=table):
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
        warnings=int((table.result.reason == Reason.FORECAST).sum()),
        attention=attention,
        towns=towns,
        blockers_due=blockers_due,
        next_nodes=next_nodes,
    )
