"""Recompute a project's 倒排 schedule and store it on its work items.

Called by every service that changes a schedule input (an item's duration,
planned start, time node or fixing; a link; the project's dates or
calendar), inside that service's transaction: the stored late dates are
always those of the stored network, and a change that cannot be scheduled
(a cycle) leaves nothing behind.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from guatu.common.bulk import rows_update
from guatu.core.calendar import CalendarAxis, CalendarKind, WorkCalendar
from guatu.core.errors import CoreError
from guatu.core.schedule import (
    LINK_TYPES,
    NO_EARLIEST,
    NO_FIX,
    NO_LATEST,
    Constraints,
    Network,
    critical_of,
    forward_only_into_fixed,
    schedule,
)
from guatu.errors import as_validation_error
from guatu.org.models import CalendarException
from guatu.projects.models import SCHEDULE_FIELDS, Dependency, Project, WorkItem


@dataclass(frozen=True)
class ScheduleSummary:
    items: int
    critical: int
    late: int
    worst_days_late: int
    early_finish: date | None
    uncovered_years: list[int]


def project_calendar(project: Project) -> WorkCalendar:
    """Return the working calendar of *project*: its kind plus its city's exceptions."""
    return _calendars([project])[project.pk]


def _calendar_of(kind: str, exceptions: dict) -> WorkCalendar:
    if kind == Project.Calendar.CALENDAR_DAY:
        return WorkCalendar(CalendarKind.CALENDAR_DAY)
    if kind == Project.Calendar.WEEKLY:
        return WorkCalendar(CalendarKind.WEEKLY, exceptions)
    return WorkCalendar.official(exceptions)


def _offsets(axis: CalendarAxis, dates: list[date | None], convert, missing: np.int64):
    values = np.full(len(dates), missing, dtype=np.int64)
    present = [i for i, day in enumerate(dates) if day is not None]
    if present:
        values[present] = convert([dates[i] for i in present])
    return values


@dataclass(frozen=True)
class PlanNetwork:
    """A project's items and links as the engine's arrays, with its calendar axis.

    One builder for every reader of the plan (the CPM that stores dates, the
    Monte Carlo risk), so they schedule exactly the same network.
    """

    items: list
    network: Network
    constraints: Constraints
    calendar: object
    axis: CalendarAxis
    deadline: int | None
    fixed: np.ndarray
    linked: np.ndarray


#: The item fields a plan reads (``PlanItem``), in query order.
PLAN_FIELDS = (
    "pk", "project_id", "name", "code", "kind", "duration_days", "planned_start", "deadline",
    "fixed", "town_id", "phase_id", *SCHEDULE_FIELDS,
)  # fmt: skip


@dataclass(slots=True)
class PlanItem:
    """A work item as the plan reads it: plain values, no model instance.

    A city's risk reads every item of every project; building 20,000 model
    instances for that cost more than the Monte Carlo itself.
    """

    pk: int
    project_id: int
    name: str
    code: str
    kind: str
    duration_days: int
    planned_start: date | None
    deadline: date | None
    fixed: bool
    town_id: int | None
    phase_id: int | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: int | None
    free_float: int | None
    critical: bool


def plan_network(project: Project) -> PlanNetwork:
    """The plan of *project* as the engine's arrays."""
    return plan_networks([project])[project.pk]


def plan_networks(projects: list[Project]) -> dict[int, PlanNetwork]:
    """The plans of *projects*, from one query of items, one of links and one of calendar
    days, whatever their number (a city's risk reads all of them)."""
    ids = [project.pk for project in projects]
    items_of: dict[int, list[PlanItem]] = {pk: [] for pk in ids}
    rows = WorkItem.objects.filter(project_id__in=ids).order_by("pk").values_list(*PLAN_FIELDS)
    for row in rows:
        item = PlanItem(*row)
        items_of[item.project_id].append(item)
    links_of: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for row in Dependency.objects.filter(predecessor__project_id__in=ids).values_list(
        "predecessor__project_id", "predecessor_id", "successor_id", "type", "lag_days"
    ):
        links_of[row[0]].append(row[1:])
    calendars = _calendars(projects)
    return {
        project.pk: _plan(
            project, items_of[project.pk], links_of[project.pk], calendars[project.pk]
        )
        for project in projects
    }


def _calendars(projects: list[Project]) -> dict[int, WorkCalendar]:
    """Each project's calendar (``project_calendar``) from one query; projects with the same
    kind and no days of their own share one calendar."""
    cities = {project.city_id for project in projects}
    rows = (
        CalendarException.objects.filter(
            Q(city_id__in=cities, project__isnull=True) | Q(project__in=projects)
        )
        .order_by(F("project").asc(nulls_first=True), "date")
        .values_list("city_id", "project_id", "date", "working")
    )
    city_days: dict[int, dict] = {city: {} for city in cities}
    own_days: dict[int, dict] = {}
    for city, project, day, working in rows:
        (city_days[city] if project is None else own_days.setdefault(project, {}))[day] = working
    shared: dict[tuple, WorkCalendar] = {}
    found = {}
    for project in projects:
        own = own_days.get(project.pk)
        if own is None:
            key = (project.city_id, project.calendar)
            if key not in shared:
                shared[key] = _calendar_of(project.calendar, city_days[project.city_id])
            found[project.pk] = shared[key]
        else:  # the project's own days override the city's
            found[project.pk] = _calendar_of(
                project.calendar, {**city_days.get(project.city_id, {}), **own}
            )
    return found


def _plan(project: Project, items: list[PlanItem], links: list[tuple], calendar) -> PlanNetwork:
    index = {item.pk: i for i, item in enumerate(items)}
    fixed = np.array([item.fixed for item in items], dtype=bool)
    pred = [index[p] for p, _, _, _ in links]
    succ = [index[s] for _, s, _, _ in links]
    network = Network.from_arrays(
        duration=[item.duration_days for item in items],
        pred=pred,
        succ=succ,
        kind=forward_only_into_fixed([LINK_TYPES.index(t) for _, _, t, _ in links], succ, fixed),
        lag=[lag for _, _, _, lag in links],
    )
    linked = np.zeros(len(items), dtype=bool)
    linked[pred] = True
    linked[succ] = True
    axis = CalendarAxis(calendar, project.start_date)
    starts = [item.planned_start for item in items]
    constraints = Constraints(
        earliest_start=_offsets(axis, starts, axis.offset_of_start, NO_EARLIEST),
        latest_finish=_offsets(
            axis, [item.deadline for item in items], axis.offset_of_finish, NO_LATEST
        ),
        fixed_start=_offsets(
            axis,
            [item.planned_start if item.fixed else None for item in items],
            axis.offset_of_start,
            NO_FIX,
        ),
    )
    deadline = int(axis.offset_of_finish([project.deadline])[0]) if project.deadline else None
    return PlanNetwork(items, network, constraints, calendar, axis, deadline, fixed, linked)


def schedule_recalculate(*, project: Project) -> ScheduleSummary:
    """Compute the project's CPM schedule and store it on its items, atomically.

    Raises ``ValidationError`` (translated) if the links form a cycle.
    """
    with transaction.atomic():
        plan = plan_network(project)
        items, network, constraints, axis = plan.items, plan.network, plan.constraints, plan.axis
        fixed, linked, calendar, deadline = plan.fixed, plan.linked, plan.calendar, plan.deadline
        try:
            result = schedule(
                network,
                deadline=deadline,
                constraints=constraints,
                names=lambda i: items[i].name,
            )
        except CoreError as error:
            raise as_validation_error(error) from error
        milestone = np.array([item.kind == WorkItem.Kind.MILESTONE for item in items], dtype=bool)
        early_start = np.where(milestone, axis.milestone_dates(result.es), axis.dates(result.es))
        early_finish = np.where(milestone, early_start, axis.finish_dates(result.ef))
        late_start = np.where(milestone, axis.milestone_dates(result.ls), axis.dates(result.ls))
        late_finish = np.where(milestone, late_start, axis.finish_dates(result.lf))
        critical = critical_of(result.tf, fixed, linked)
        changed = []
        for i, item in enumerate(items):
            values = (
                early_start[i].item(),
                early_finish[i].item(),
                late_start[i].item(),
                late_finish[i].item(),
                int(result.tf[i]),
                int(result.ff[i]),
                bool(critical[i]),
            )
            if values != tuple(getattr(item, name) for name in SCHEDULE_FIELDS):
                changed.append((*values, item.pk))
        # Only the items whose dates moved are written (see guatu.common.bulk for why not
        # bulk_update).
        rows_update(WorkItem, SCHEDULE_FIELDS, changed)
        finish = axis.finish_dates([result.early_finish])[0].item() if items else None
        uncovered = calendar.uncovered_years(
            project.start_date,
            max(finish or project.start_date, project.deadline or finish or project.start_date),
        )
        project.scheduled_at = timezone.now()
        project.early_finish = finish
        project.calendar_uncovered_years = uncovered
        project.save(update_fields=["scheduled_at", "early_finish", "calendar_uncovered_years"])
    late = result.days_late
    return ScheduleSummary(
        items=len(items),
        critical=int(critical.sum()),
        late=int((late > 0).sum()),
        worst_days_late=int(late.max()) if len(items) else 0,
        early_finish=finish,
        uncovered_years=uncovered,
    )
