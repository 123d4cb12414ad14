"""Recompute a project's 倒排 schedule and store it on its work items.

Called by every service that changes a schedule input (an item's duration,
planned start, time node or fixing; a link; the project's dates or
calendar), inside that service's transaction: the stored late dates are
always those of the stored network, and a change that cannot be scheduled
(a cycle) leaves nothing behind. Reports and the data date are inputs too
(``subscribers``): the schedule runs from the data date with what has been
reported (``core.schedule.Progress``).

What has been reported is read through ``read_reported_with``: the progress
app, which sits above this one on the floor plan, registers its reader when
it starts, so the projects app schedules with progress without importing it.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from guatu.common.bulk import rows_update
from guatu.core.calendar import CalendarAxis, CalendarKind, WorkCalendar
from guatu.core.errors import CoreError
from guatu.core.schedule import (
    LINK_TYPES,
    NO_DAY,
    NO_EARLIEST,
    NO_FIX,
    NO_LATEST,
    Constraints,
    Network,
    Progress,
    Schedule,
    critical_of,
    forward_only_into_fixed,
    schedule,
)
from guatu.errors import as_validation_error
from guatu.org.clock import city_today
from guatu.org.models import CalendarException, City
from guatu.projects.models import SCHEDULE_FIELDS, Dependency, Project, WorkItem

log = logging.getLogger(__name__)


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


@dataclass(frozen=True, slots=True)
class Reported:
    """What an item's effective reports say by a data date."""

    #: The first report with any progress; None if nothing has been reported done.
    started_on: date | None
    #: The report that reached 100 %, if the item stands at 100 % by the data date.
    done_on: date | None
    #: The latest effective percentage by the data date.
    percent: float
    #: The last report, before any progress, that said nothing was done (0 %).
    idle_on: date | None = None


#: Reads the reports of the items of some projects, each up to its own data date:
#: ``reader(project_ids, {project_id: data_date}) → {item_pk: Reported}``.
ReportedReader = Callable[[Sequence[int], dict[int, date]], dict[int, Reported]]
_reported_reader: list[ReportedReader] = []


def read_reported_with(reader: ReportedReader) -> None:
    """Register how reports are read (the progress app does, in its ``ready``)."""
    _reported_reader[:] = [reader]


def _reported(projects: list[Project], data_dates: dict[int, date]) -> dict[int, Reported]:
    if not _reported_reader or not projects:
        return {}
    return _reported_reader[0]([project.pk for project in projects], data_dates)


def data_dates_of(projects: list[Project]) -> dict[int, date]:
    """Each project's data date: its city's status date, else the city's today."""
    loaded = {p.city_id: p.city for p in projects if Project.city.is_cached(p)}
    wanted = {project.city_id for project in projects} - set(loaded)
    cities = {**loaded, **(City.everywhere.in_bulk(wanted) if wanted else {})}
    return {project.pk: city_today(cities.get(project.city_id)) for project in projects}


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
    #: The data date the progress is read by, and the progress (None: nothing reported
    #: and the data date not past the start — the schedule is the plan).
    data_date: date | None = None
    progress: Progress | None = None
    #: Item index → what its reports say (only items with a report).
    reported: dict[int, Reported] | None = None
    #: The plan as agreed: the schedule with nothing reported.
    planned: Schedule | None = None


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
    plan_start: date | None
    plan_finish: date | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: int | None
    free_float: int | None
    critical: bool


def from_data_date(plan: PlanNetwork) -> Schedule:
    """The schedule of *plan* from its data date (the plan itself when nothing is reported):
    what ``schedule_recalculate`` stores, and what a what-if compares."""
    if plan.progress is None:
        return plan.planned
    # Without a target date the plan's own finish is the target: late work is late
    # against it, rather than moving it.
    target = plan.deadline if plan.deadline is not None else plan.planned.early_finish
    return schedule(
        plan.network, deadline=target, constraints=plan.constraints, progress=plan.progress
    )


def scheduled_finish(plan: PlanNetwork) -> date | None:
    """The project's earliest finish from the data date (``Project.early_finish``)."""
    if not plan.items:
        return None
    return plan.axis.finish_dates([from_data_date(plan).early_finish])[0].item()


def plan_network(project: Project, *, changes: dict[int, dict] | None = None) -> PlanNetwork:
    """The plan of *project* as the engine's arrays; *changes* (item pk → field → value,
    e.g. a proposed node) are applied to the items read, nothing is stored."""
    if not changes:
        return plan_networks([project])[project.pk]
    return plan_networks([project], changes=changes)[project.pk]


def plan_networks(
    projects: list[Project],
    *,
    data_dates: dict[int, date] | None = None,
    changes: dict[int, dict] | None = None,
) -> dict[int, PlanNetwork]:
    """The plans of *projects* with their progress by each one's data date (its city's,
    unless *data_dates* says otherwise), from one query of items, one of links, one of
    calendar days and one of reports, whatever their number (a city's risk reads all)."""
    ids = [project.pk for project in projects]
    items_of: dict[int, list[PlanItem]] = {pk: [] for pk in ids}
    # The projects were read in their city's scope by the caller: no second join to it.
    rows = WorkItem.everywhere.filter(project_id__in=ids).order_by("pk").values_list(*PLAN_FIELDS)
    for row in rows:
        item = PlanItem(*row)
        for field, value in (changes or {}).get(item.pk, {}).items():
            setattr(item, field, value)
        items_of[item.project_id].append(item)
    links_of: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for row in Dependency.everywhere.filter(predecessor__project_id__in=ids).values_list(
        "predecessor__project_id", "predecessor_id", "successor_id", "type", "lag_days"
    ):
        links_of[row[0]].append(row[1:])
    calendars = _calendars(projects)
    data_dates = data_dates if data_dates is not None else data_dates_of(projects)
    reported = _reported(projects, data_dates)
    return {
        project.pk: _plan(
            project,
            items_of[project.pk],
            links_of[project.pk],
            calendars[project.pk],
            data_dates.get(project.pk),
            reported,
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


def _plan(
    project: Project,
    items: list[PlanItem],
    links: list[tuple],
    calendar,
    data_date: date | None,
    reported: dict[int, Reported],
) -> PlanNetwork:
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
    own = {i: reported[item.pk] for i, item in enumerate(items) if item.pk in reported}
    planned = schedule(
        network, deadline=deadline, constraints=constraints, names=lambda i: items[i].name
    )
    return PlanNetwork(
        items, network, constraints, calendar, axis, deadline, fixed, linked,
        data_date, _progress(project, network, axis, data_date, own, planned.es), own, planned,
    )  # fmt: skip


def _progress(
    project: Project,
    network: Network,
    axis: CalendarAxis,
    data_date: date | None,
    reported: dict[int, Reported],
    plan_start: np.ndarray,
) -> Progress | None:
    """The engine's progress: the data date as the day after it (work reported "as of"
    a day covers that day), finishes at the end of the report that reached 100 %.

    Reports give no start date, so an actual start is the plan's, kept between what the
    reports allow: no later than the day of the first report with progress, no earlier
    than the day after the last one saying nothing was done. A city that began reporting
    years into a plan does not see every item "start" on its first report.
    """
    if data_date is None or (data_date < project.start_date and not reported):
        return None
    n = network.size
    start = np.full(n, NO_DAY, dtype=np.int64)
    finish = np.full(n, NO_DAY, dtype=np.int64)
    percent = np.zeros(n)
    if reported:
        index = np.fromiter(reported, dtype=np.int64, count=len(reported))
        facts = list(reported.values())
        percent[index] = [fact.percent for fact in facts]
        started = [(i, f) for i, f in zip(index, facts, strict=True) if f.started_on]
        if started:
            where = np.array([i for i, _ in started], dtype=np.int64)
            ends = axis.offset_of_finish([f.started_on for _, f in started])
            idle = [f.idle_on for _, f in started]
            after = np.zeros(len(started), dtype=np.int64)
            known = [k for k, day in enumerate(idle) if day is not None]
            if known:
                after[known] = axis.offset_of_finish([idle[k] for k in known])
            milestone = network.duration[where] == 0
            latest = np.where(milestone, ends, np.maximum(ends - 1, 0))
            start[where] = np.minimum(np.maximum(plan_start[where], after), latest)
        done = [(i, f.done_on) for i, f in zip(index, facts, strict=True) if f.done_on]
        if done:
            where = np.array([i for i, _ in done], dtype=np.int64)
            finish[where] = np.maximum(axis.offset_of_finish([day for _, day in done]), 0)
    today = 0 if data_date < project.start_date else int(axis.offset_of_finish([data_date])[0])
    return Progress.from_percent(
        network=network, data_date=today, actual_start=start, actual_finish=finish,
        percent=np.minimum(percent, 100.0),
    )  # fmt: skip


def _dates(axis: CalendarAxis, milestone: np.ndarray, start: np.ndarray, finish: np.ndarray):
    """Offsets as the calendar dates an item starts and finishes on (a milestone: its day)."""
    starts = np.where(milestone, axis.milestone_dates(start), axis.dates(start))
    finishes = np.where(milestone, starts, axis.finish_dates(finish))
    return starts, finishes


def projects_lock(project_ids) -> None:
    """Lock the projects' rows, in one order: a service that changes a schedule input takes
    it before writing any item, as ``schedule_recalculate`` does before rewriting them — so
    an office's edit and a report's reschedule never each hold what the other waits for."""
    list(
        Project.everywhere.select_for_update()
        .filter(pk__in=list(project_ids))
        .order_by("pk")
        .values_list("pk")
    )


def schedule_recalculate(
    *, project: Project, wait: bool = True, unless_since: datetime | None = None
) -> ScheduleSummary | None:
    """Compute the project's CPM schedule and store it on its items, atomically: the plan
    as agreed (nothing reported: ``plan_start``/``plan_finish``) and the schedule from the
    data date with what has been reported (early and late dates, floats, critical).

    A finished item keeps its actual dates as early dates and the plan's late dates (the
    node it was measured against); it has no float and is never critical.

    One project is rescheduled by one transaction at a time (its row is locked first):
    a schedule is computed from what is committed, and a transaction that waited reads
    what the one before it wrote. With *wait* False (a report: a burst of 200 officials
    must not queue behind one project's lock) a project that another transaction is
    rescheduling is left to it and to the worker's catch-up (``progress.catch_up``),
    which reschedules every project reported on since its last round; answers None then.

    With *unless_since*, a project whose schedule was stored after that moment (read once
    its row is locked: by another report of the same burst) is left as it is too.

    Raises ``ValidationError`` (translated) if the links form a cycle.
    """
    if transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction (a report, an edit): no savepoint of its own —
        # nothing is written before every check has passed, and two statements a report
        # are a burst's time.
        return _recalculate(project, wait, unless_since)
    with transaction.atomic():
        return _recalculate(project, wait, unless_since)


def _recalculate(
    project: Project, wait: bool, unless_since: datetime | None
) -> ScheduleSummary | None:
    locked = Project.everywhere.select_for_update(skip_locked=not wait).filter(pk=project.pk)
    row = locked.values_list("scheduled_at").first()
    if row is None or (unless_since is not None and row[0] and row[0] > unless_since):
        return None
    try:
        plan = plan_network(project)
        items, fixed, linked, calendar = plan.items, plan.fixed, plan.linked, plan.calendar
        axis, planned = plan.axis, plan.planned
        result = from_data_date(plan)
    except CoreError as error:
        raise as_validation_error(error) from error
    milestone = np.array([item.kind == WorkItem.Kind.MILESTONE for item in items], dtype=bool)
    done = result.done if result.done is not None else np.zeros(len(items), dtype=bool)
    plan_start, plan_finish = _dates(axis, milestone, planned.es, planned.ef)
    early_start, early_finish = _dates(axis, milestone, result.es, result.ef)
    late_start, late_finish = _dates(
        axis, milestone, np.where(done, planned.ls, result.ls),
        np.where(done, planned.lf, result.lf),
    )  # fmt: skip
    critical = critical_of(result.tf, fixed, linked) & ~done
    changed = []
    for i, item in enumerate(items):
        values = (
            plan_start[i].item(),
            plan_finish[i].item(),
            early_start[i].item(),
            early_finish[i].item(),
            late_start[i].item(),
            late_finish[i].item(),
            None if done[i] else int(result.tf[i]),
            None if done[i] else int(result.ff[i]),
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
    facts = (plan.data_date, finish, uncovered)
    stored = (project.scheduled_for, project.early_finish, project.calendar_uncovered_years)
    if project.scheduled_at is None or changed or facts != stored:
        project.scheduled_at = timezone.now()
        project.scheduled_for, project.early_finish, project.calendar_uncovered_years = facts
        project.save(
            update_fields=[
                "scheduled_at", "scheduled_for", "early_finish", "calendar_uncovered_years"
            ]
        )  # fmt: skip
    late = _days_late(result, done)
    return ScheduleSummary(
        items=len(items),
        critical=int(critical.sum()),
        late=int((late > 0).sum()),
        worst_days_late=int(late.max()) if len(items) else 0,
        early_finish=finish,
        uncovered_years=uncovered,
    )


def _days_late(result: Schedule, done: np.ndarray) -> np.ndarray:
    return np.where(done, 0, result.days_late)


def planned_schedule(
    project: Project, *, changes: dict[int, dict] | None = None
) -> dict[int, dict[str, object]]:
    """Each item's schedule as planned, with nothing reported and no data date: early and
    late dates, floats and the critical flag, by item pk (not stored). A plan imported
    from Microsoft Project is checked against it: Microsoft's file is such a plan.

    *changes* asks "what if": item pk → field → value (``duration_days``, ``deadline``)
    applied before scheduling; a project target to try goes on *project* (a copy)."""
    try:
        plan = plan_network(project, changes=changes)
    except CoreError as error:
        raise as_validation_error(error) from error
    return planned_dates(plan)


def planned_dates(plan: PlanNetwork) -> dict[int, dict[str, object]]:
    """``planned_schedule`` of a plan already built (a what-if reads its offsets too)."""
    items, axis, result = plan.items, plan.axis, plan.planned
    milestone = np.array([item.kind == WorkItem.Kind.MILESTONE for item in items], dtype=bool)
    early_start, early_finish = _dates(axis, milestone, result.es, result.ef)
    late_start, late_finish = _dates(axis, milestone, result.ls, result.lf)
    critical = critical_of(result.tf, plan.fixed, plan.linked)
    return {
        item.pk: {
            "early_start": early_start[i].item(),
            "early_finish": early_finish[i].item(),
            "late_start": late_start[i].item(),
            "late_finish": late_finish[i].item(),
            "total_float": int(result.tf[i]),
            "free_float": int(result.ff[i]),
            "critical": bool(critical[i]),
        }
        for i, item in enumerate(items)
    }


def schedules_bring_forward(city: City) -> int:
    """Reschedule the city's projects whose schedule runs from another day than the city's
    data date (the real date moved on overnight, or the status date was changed); answer
    how many. The worker's sweep calls it, so a new day's schedule is ready by morning."""
    today = city_today(city)
    stale = Project.everywhere.filter(city=city, scheduled_at__isnull=False).exclude(
        scheduled_for=today
    )
    return reschedule_each(stale.select_related("city").order_by("pk"))


def reschedule_each(projects) -> int:
    """Reschedule *projects* one by one for the worker, each in its own transaction; one
    that fails is logged and the others go on (the notifier must keep sending). Answers
    how many were rescheduled."""
    count = 0
    for project in projects:
        try:
            schedule_recalculate(project=project)
            count += 1
        except Exception:
            log.exception("rescheduling project %s failed", project.pk)
    return count
