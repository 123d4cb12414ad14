"""Lights for work items, projects and towns, from the stored schedule and reports.

Reads the items' 倒排 schedule (stored by ``schedule_recalculate``: 序时进度 runs
along the plan as agreed, ``plan_start``; the node is the late finish from the
data date) and their
effective reports as plain value rows (no model objects: a city has tens of
thousands of items), turns every date into working-day offsets on each
project's calendar with numpy, and hands the arrays for all items at once to
``guatu.core.status``. Rules come from the version in force on the date.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import F, Q

from guatu.common.rows import day_array, value_rows
from guatu.core.calendar import CalendarAxis, CalendarKind, WorkCalendar
from guatu.core.status import (
    LIGHT_NAMES,
    NO_DAY,
    Flag,
    Light,
    Reason,
    StatusResult,
    StatusRules,
    group_light,
    item_status,
)
from guatu.org.clock import city_today
from guatu.org.models import CalendarException, City
from guatu.org.selectors import current_city
from guatu.progress.models import ProgressReport, StatusRuleSet
from guatu.progress.selectors import COUNTS
from guatu.projects.models import Project, WorkItem

DEFAULT_WINDOW_DAYS = 28
REASON_NAMES = {reason.value: reason.name.lower() for reason in Reason}
FLAG_NAMES = {flag.value: flag.name.lower() for flag in Flag}
ITEM_FIELDS = (
    "pk",
    "project_id",
    "town_id",
    "duration_days",
    "kind",
    "plan_start",
    "late_finish",
    "critical",
    "planned_value",
)


@dataclass(frozen=True)
class ItemStatus:
    planned: float
    actual: float | None
    lag: float
    light: str
    reason: str
    warning: bool
    forecast_finish: date | None
    slip_days: int
    flag: str
    done_on: date | None


def rules_in_force(city: City, on: date) -> tuple[StatusRules, int, StatusRuleSet | None]:
    """Return the rules valid on *on*, the forecast window, and their stored version."""
    version = (
        StatusRuleSet.objects.filter(city=city, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )
    if version is None:
        return StatusRules(), DEFAULT_WINDOW_DAYS, None
    rules = StatusRules(
        yellow_lag=float(version.yellow_lag),
        red_lag=float(version.red_lag),
        s_curve=version.s_curve,
    )
    return rules, version.window_days, version


def _axes(projects: dict[int, Project]) -> dict[int, CalendarAxis]:
    """One calendar axis per project, shared by projects with the same calendar and start."""
    exceptions: dict[tuple, dict] = defaultdict(dict)
    rows = (
        CalendarException.objects.filter(city_id__in={p.city_id for p in projects.values()})
        .order_by(F("project").asc(nulls_first=True), "date")
        .values_list("city_id", "project_id", "date", "working")
    )
    for city_id, project_id, day, working in rows:
        exceptions[(city_id, project_id)][day] = working
    shared: dict[tuple, CalendarAxis] = {}
    axes = {}
    for pk, project in projects.items():
        if project.calendar == Project.Calendar.CALENDAR_DAY:
            key = ("day", project.start_date)
            make = lambda: WorkCalendar(CalendarKind.CALENDAR_DAY)  # noqa: E731
        else:
            own = {
                **exceptions.get((project.city_id, None), {}),
                **exceptions.get((project.city_id, pk), {}),
            }
            key = (project.calendar, project.start_date, tuple(sorted(own.items())))
            kind = (
                CalendarKind.WEEKLY
                if project.calendar == Project.Calendar.WEEKLY
                else CalendarKind.WORKING_DAY
            )
            make = lambda own=own, kind=kind: WorkCalendar(kind, own)  # noqa: E731
        if key not in shared:
            shared[key] = CalendarAxis(make(), project.start_date)
        axes[pk] = shared[key]
    return axes


@dataclass
class StatusTable:
    """The status of many items as arrays, in the order of ``pks``."""

    pks: np.ndarray
    project_id: np.ndarray
    town_id: np.ndarray  # 0 where none
    critical: np.ndarray
    planned_value: np.ndarray  # NaN where none
    result: StatusResult
    forecast_dates: np.ndarray  # datetime64, NaT without a forecast
    done_dates: np.ndarray

    @property
    def light(self) -> np.ndarray:
        return self.result.light

    def status(self, i: int) -> ItemStatus:
        r = self.result
        forecast = self.forecast_dates[i]
        done = self.done_dates[i]
        return ItemStatus(
            planned=round(float(r.planned[i]), 1),
            actual=None if np.isnan(r.actual[i]) else round(float(r.actual[i]), 2),
            lag=round(float(r.lag[i]), 1),
            light=LIGHT_NAMES[r.light[i]],
            reason=REASON_NAMES[int(r.reason[i])],
            warning=bool(r.reason[i] == Reason.FORECAST),
            forecast_finish=None if np.isnat(forecast) else forecast.item(),
            slip_days=int(r.slip[i]),
            flag=FLAG_NAMES[int(r.flag[i])],
            done_on=None if np.isnat(done) else done.item(),
        )

    def light_names(self) -> list[str]:
        return [LIGHT_NAMES[light] for light in self.result.light]

    def statuses(self) -> dict[int, ItemStatus]:
        return {int(pk): self.status(i) for i, pk in enumerate(self.pks)}


@dataclass
class StatusInputs:
    """What the status needs from the database, fetched once for one or more dates."""

    rows: list[tuple]
    projects: dict[int, Project]
    city: City | None
    reports: list[tuple]


def status_inputs(
    *, items: Q | None = None, up_to: date | None = None, city: City | None = None
) -> StatusInputs:
    """Fetch the scheduled items matching *items* and their effective reports up to *up_to*."""
    query = WorkItem.objects.filter(early_start__isnull=False)
    if items is not None:
        query = query.filter(items)
    rows = value_rows(query.order_by("pk"), *ITEM_FIELDS)
    projects = {p.pk: p for p in Project.objects.filter(pk__in={r[1] for r in rows})}
    if city is None:
        city = next(iter(projects.values())).city if projects else current_city()
    up_to = up_to or city_today(city)
    reports = value_rows(
        ProgressReport.objects.filter(
            COUNTS, work_item__in=query.values("pk"), reported_on__lte=up_to
        ).order_by("work_item_id", "reported_on", "created_at", "id"),
        "work_item_id",
        "reported_on",
        "percent_complete",
    )
    return StatusInputs(rows=rows, projects=projects, city=city, reports=reports)


def status_table(
    *,
    items: Q | None = None,
    as_of: date | None = None,
    city: City | None = None,
    inputs: StatusInputs | None = None,
) -> StatusTable:
    """Compute the status of the scheduled items matching *items* (all by default).

    Pass *inputs* fetched once (``status_inputs`` up to the latest date) to
    compute several dates without reading the database again.
    """
    if inputs is None:
        inputs = status_inputs(items=items, up_to=as_of, city=city)
    rows, projects, city = inputs.rows, inputs.projects, inputs.city
    n = len(rows)
    pks = np.array([r[0] for r in rows], dtype=np.int64)
    project_id = np.array([r[1] for r in rows], dtype=np.int64)
    as_of = as_of or city_today(city)
    rules, window, _version = rules_in_force(city, as_of) if city else (StatusRules(), 28, None)
    axes = _axes(projects)
    duration = np.array([r[3] for r in rows], dtype=np.int64)
    milestone = np.array([r[4] == WorkItem.Kind.MILESTONE for r in rows], dtype=bool)
    starts = day_array([r[5] for r in rows])
    late = day_array([r[6] for r in rows])
    es = np.zeros(n, dtype=np.int64)
    lf = np.zeros(n, dtype=np.int64)
    t = np.zeros(n, dtype=np.int64)
    window_start = np.zeros(n, dtype=np.int64)
    groups = {pk: np.flatnonzero(project_id == pk) for pk in projects}
    for pk, where in groups.items():
        axis, start = axes[pk], projects[pk].start_date
        es[where] = np.where(
            milestone[where],
            axis.offset_of_finish(starts[where]),
            axis.offset_of_start(starts[where]),
        )
        lf[where] = axis.offset_of_finish(late[where])
        t[where] = _done_by(axis, as_of, start)
        window_start[where] = _done_by(axis, as_of - timedelta(days=window), start)
    reports = inputs.reports
    report_pk = np.array([r[0] for r in reports], dtype=np.int64)
    report_item = np.searchsorted(pks, report_pk)
    report_dates = day_array([r[1] for r in reports])
    report_day = np.zeros(len(reports), dtype=np.int64)
    report_project = project_id[report_item] if len(reports) else report_item
    for pk in groups:
        mask = report_project == pk
        if mask.any():
            report_day[mask] = axes[pk].offset_of_finish(report_dates[mask])
    result = item_status(
        es=es,
        duration=duration,
        lf=lf,
        as_of=t,
        window_start=window_start,
        report_item=report_item,
        report_day=report_day,
        report_percent=np.array([r[2] for r in reports], dtype=np.float64),
        rules=rules,
    )
    forecast_dates = np.full(n, np.datetime64("NaT", "D"))
    done_dates = np.full(n, np.datetime64("NaT", "D"))
    for pk, where in groups.items():
        axis = axes[pk]
        for source, target in ((result.forecast, forecast_dates), (result.done_day, done_dates)):
            values = source[where]
            known = values != NO_DAY
            if known.any():
                target[where[known]] = axis.finish_dates(values[known])
    return StatusTable(
        pks=pks,
        project_id=project_id,
        town_id=np.array([r[2] or 0 for r in rows], dtype=np.int64),
        critical=np.array([bool(r[7]) for r in rows], dtype=bool),
        planned_value=np.array([float(r[8]) if r[8] is not None else np.nan for r in rows]),
        result=result,
        forecast_dates=forecast_dates,
        done_dates=done_dates,
    )


def _done_by(axis: CalendarAxis, day: date, start: date) -> int:
    """Working days done by the end of *day*; 0 before the project starts."""
    return 0 if day < start else int(axis.offset_of_finish([day])[0])


def items_status(*, items, as_of: date | None = None) -> dict[int, ItemStatus]:
    """Return the status of each given scheduled item (model instances or pks)."""
    pks = [getattr(item, "pk", item) for item in items]
    if not pks:
        return {}
    return status_table(items=Q(pk__in=pks), as_of=as_of).statuses()


def lights_by_project(table: StatusTable, project_ids: list[int]) -> dict[int, str]:
    """Roll *table*'s item lights up to each project (``core.status.group_light``'s rule)."""
    if not len(table.pks):
        return {}
    position = {pk: k for k, pk in enumerate(project_ids)}
    known = np.array([pk in position for pk in table.project_id.tolist()], dtype=bool)
    group = np.array([position[pk] for pk in table.project_id[known].tolist()], dtype=np.int64)
    lights = group_light(group, table.light[known], len(project_ids), counted=table.critical[known])
    present = set(group.tolist())
    return {pk: LIGHT_NAMES[lights[k]] for pk, k in position.items() if k in present}


def projects_light(*, projects: list[Project], as_of: date | None = None) -> dict[int, str]:
    """Return each project's light: its worst critical item's (all items if none is critical)."""
    if not projects:
        return {}
    table = status_table(items=Q(project__in=projects), as_of=as_of)
    return lights_by_project(table, [project.pk for project in projects])


def planned_value_weights(planned_value: np.ndarray) -> np.ndarray:
    """Planned value (万元) per item; an item without one weighs the average item's.

    Giving unvalued items a weight of 1 万元 would make them vanish beside a
    road of 40,000 万元; the average keeps each of them as heavy as a typical item.
    """
    known = planned_value[~np.isnan(planned_value)]
    fill = float(known.mean()) if known.size else 1.0
    return np.where(np.isnan(planned_value), fill, planned_value)


__all__ = [
    "ItemStatus",
    "Light",
    "StatusTable",
    "items_status",
    "lights_by_project",
    "projects_light",
    "rules_in_force",
    "status_table",
]
