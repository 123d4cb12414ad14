"""What the city dashboard (驾驶舱) shows: the progress read model laid out for a screen."""

from dataclasses import dataclass
from datetime import date

import numpy as np

from guatu.investment import lines
from guatu.investment.rules import figures_month
from guatu.investment.selectors import CityStanding, city_standing
from guatu.org.models import City
from guatu.progress.models import Blocker
from guatu.progress.nodes import overdue_nodes
from guatu.progress.overview import PERIOD_DAYS, Standing, progress_overview
from guatu.progress.selectors import blockers_due_within
from guatu.progress.status import ItemStatus, StatusTable
from guatu.projects.models import WorkItem

ATTENTION_ROWS = 30
LIGHT_ORDER = ("red", "yellow", "green", "done", "not_started")


@dataclass(frozen=True)
class Dashboard:
    today: date
    counts: dict[str, int]
    warnings: int
    #: Time nodes passed undone (the wall chart's black flags): the level above counts the same.
    overdue_nodes: int
    attention: list[tuple[WorkItem, ItemStatus]]
    towns: list[Standing]
    blockers_due: list[Blocker]
    next_nodes: list[WorkItem]
    investment: "InvestmentCard | None" = None


@dataclass(frozen=True)
class InvestmentCard:
    """The month's 投资调度 in the lines an office publishes (``investment.lines``), read
    from the same standing as the investment page, the bulletin and the API."""

    standing: CityStanding
    headline: str
    start: str

    @property
    def behind(self):
        return self.standing.behind[:8]


def investment_card(city: City, today: date) -> InvestmentCard | None:
    """The month published on *today* (its due day passed); None before any plan exists."""
    year, month = figures_month(city, today)
    standing = city_standing(city, year, month)
    if not standing.has_figures:
        return None
    return InvestmentCard(standing, lines.headline(standing), lines.start_line(standing))


def items_for(table: StatusTable, indexes: np.ndarray) -> list[tuple[WorkItem, ItemStatus]]:
    """Load the work items at *indexes* of *table*, in that order, with their status."""
    pks = table.pks[indexes].tolist()
    loaded = WorkItem.objects.select_related("project", "town", "owner_department").in_bulk(pks)
    return [(loaded[pk], table.status(int(i))) for pk, i in zip(pks, indexes, strict=True)]


def dashboard(*, city: City) -> Dashboard:
    overview = progress_overview(city=city)
    today = overview.as_of
    counts = overview.counts
    blockers_due = list(
        blockers_due_within(today=today, days=PERIOD_DAYS)
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
        counts={name: counts[name] for name in LIGHT_ORDER},
        warnings=overview.warnings,
        overdue_nodes=overdue_nodes(as_of=today, city=city),
        attention=items_for(
            overview.table, overview.listed(red=True, yellow=True)[:ATTENTION_ROWS]
        ),
        towns=overview.towns(),
        blockers_due=blockers_due,
        next_nodes=next_nodes,
        investment=investment_card(city, today),
    )
