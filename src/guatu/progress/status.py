"""Lights for work items, projects and towns, from the stored schedule and reports.

Reads the items' 倒排 schedule (stored by ``schedule_recalculate``) and their
effective reports, turns every date into working-day offsets on each
project's calendar with numpy, and hands the arrays for all items at once to
``guatu.core.status``. Rules come from the version in force on the date.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from guatu.core.calendar import CalendarAxis
from guatu.core.status import (
    LIGHT_NAMES,
    NO_DAY,
    Flag,
    Light,
    Reason,
    StatusRules,
    group_light,
    group_on_track_share,
    item_status,
)
from guatu.org.clock import city_today
from guatu.org.models import City, Town
from guatu.progress.models import ProgressReport, StatusRuleSet
from guatu.projects.models import Project, WorkItem
from guatu.projects.scheduling import project_calendar

DEFAULT_WINDOW_DAYS = 28
REASON_NAMES = {reason.value: reason.name.lower() for reason in Reason}
FLAG_NAMES = {flag.value: flag.name.lower() for flag in Flag}


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


def items_status(*, items: Iterable[WorkItem], as_of: date | None = None) -> dict[int, ItemStatus]:
    """Return the status of each scheduled item at *as_of* (the city's today by default)."""
    items = [item for item in items if item.early_start is not None]
    if not items:
        return {}
    projects = {
        p.pk: p
        for p in Project.objects.filter(pk__in={item.project_id for item in items}).select_related(
            "city"
        )
    }
    city = next(iter(projects.values())).city
    as_of = as_of or city_today(city)
    rules, window, _version = rules_in_force(city, as_of)
    index = {item.pk: i for i, item in enumerate(items)}
    n = len(items)
    es = np.zeros(n, dtype=np.int64)
    lf = np.zeros(n, dtype=np.int64)
    t = np.zeros(n, dtype=np.int64)
    window_start = np.zeros(n, dtype=np.int64)
    duration = np.array([item.duration_days for item in items], dtype=np.int64)
    by_project: dict[int, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_project[item.project_id].append(i)
    axes: dict[int, CalendarAxis] = {}
    for project_id, rows in by_project.items():
        project = projects[project_id]
        axis = axes[project_id] = CalendarAxis(project_calendar(project), project.start_date)
        chosen = [items[i] for i in rows]
        milestone = np.array([item.is_milestone for item in chosen])
        starts = [item.early_start for item in chosen]
        es[rows] = np.where(milestone, axis.offset_of_finish(starts), axis.offset_of_start(starts))
        lf[rows] = axis.offset_of_finish([item.late_finish for item in chosen])
        t[rows] = _finish_offset(axis, as_of, project.start_date)
        window_start[rows] = _finish_offset(
            axis, as_of - timedelta(days=window), project.start_date
        )
    reports = list(
        ProgressReport.objects.filter(
            work_item_id__in=index, superseded_by__isnull=True, reported_on__lte=as_of
        )
        .order_by("work_item_id", "reported_on", "created_at", "id")
        .values_list("work_item_id", "reported_on", "percent_complete")
    )
    report_item = np.array([index[pk] for pk, _, _ in reports], dtype=np.int64)
    report_day = np.zeros(len(reports), dtype=np.int64)
    if reports:
        owner = np.array([items[i].project_id for i in report_item])
        dates = np.array([day for _, day, _ in reports], dtype="datetime64[D]")
        for project_id, axis in axes.items():
            mask = owner == project_id
            if mask.any():
                report_day[mask] = axis.offset_of_finish(dates[mask])
    order = np.lexsort((np.arange(len(reports)), report_item))
    result = item_status(
        es=es,
        duration=duration,
        lf=lf,
        as_of=t,
        window_start=window_start,
        report_item=report_item[order],
        report_day=report_day[order],
        report_percent=np.array([float(p) for _, _, p in reports], dtype=np.float64)[order],
        rules=rules,
    )
    statuses = {}
    for i, item in enumerate(items):
        axis = axes[item.project_id]
        forecast = int(result.forecast[i])
        done = int(result.done_day[i])
        statuses[item.pk] = ItemStatus(
            planned=round(float(result.planned[i]), 1),
            actual=None if np.isnan(result.actual[i]) else round(float(result.actual[i]), 2),
            lag=round(float(result.lag[i]), 1),
            light=LIGHT_NAMES[result.light[i]],
            reason=REASON_NAMES[int(result.reason[i])],
            warning=bool(result.warning[i]),
            forecast_finish=None if forecast == NO_DAY else axis.finish_dates([forecast])[0].item(),
            slip_days=int(result.slip[i]),
            flag=FLAG_NAMES[int(result.flag[i])],
            done_on=None if done == NO_DAY else axis.finish_dates([done])[0].item(),
        )
    return statuses


def _finish_offset(axis: CalendarAxis, day: date, start: date) -> int:
    """Working days done by the end of *day*; 0 before the project starts."""
    if day < start:
        return 0
    return int(axis.offset_of_finish([day])[0])


def projects_light(*, projects: list[Project], as_of: date | None = None) -> dict[int, str]:
    """Return each project's light: its worst critical item's (all items if none is critical)."""
    items = list(WorkItem.objects.filter(project__in=projects))
    statuses = items_status(items=items, as_of=as_of)
    scored = [item for item in items if item.pk in statuses]
    if not scored:
        return {}
    position = {project.pk: k for k, project in enumerate(projects)}
    group = np.array([position[item.project_id] for item in scored])
    light = np.array([LIGHT_NAMES.index(statuses[item.pk].light) for item in scored], dtype=np.int8)
    critical = np.array([item.critical for item in scored])
    present = set(group.tolist())
    lights = group_light(group, light, len(projects), counted=critical)
    return {
        project.pk: LIGHT_NAMES[lights[k]] for k, project in enumerate(projects) if k in present
    }


@dataclass(frozen=True)
class TownStanding:
    town: Town
    on_track_share: float | None
    counts: dict[str, int]


def _weights(items: list[WorkItem]) -> np.ndarray:
    """Planned value (万元) per item; an item without one weighs the average item's.

    Giving unvalued items a weight of 1 万元 would make them vanish beside a
    road of 40,000 万元; the average keeps each of them as heavy as a typical item.
    """
    values = np.array(
        [float(item.planned_value) if item.planned_value else np.nan for item in items]
    )
    known = values[~np.isnan(values)]
    fill = float(known.mean()) if known.size else 1.0
    return np.where(np.isnan(values), fill, values)


def towns_ranking(*, city: City, as_of: date | None = None) -> list[TownStanding]:
    """Rank towns by their share of items on track, weighted by planned value."""
    towns = list(Town.objects.filter(city=city).order_by("order"))
    items = list(WorkItem.objects.filter(town__in=towns, kind=WorkItem.Kind.TASK))
    statuses = items_status(items=items, as_of=as_of)
    scored = [item for item in items if item.pk in statuses]
    position = {town.pk: k for k, town in enumerate(towns)}
    counts = [dict.fromkeys(LIGHT_NAMES, 0) for _ in towns]
    for item in scored:
        counts[position[item.town_id]][statuses[item.pk].light] += 1
    if scored:
        share = group_on_track_share(
            np.array([position[item.town_id] for item in scored]),
            np.array(
                [LIGHT_NAMES.index(statuses[item.pk].light) for item in scored], dtype=np.int8
            ),
            _weights(scored),
            len(towns),
        )
    else:
        share = np.full(len(towns), np.nan)
    standings = [
        TownStanding(town, None if np.isnan(share[k]) else round(float(share[k]), 4), counts[k])
        for k, town in enumerate(towns)
    ]
    return sorted(standings, key=lambda s: (s.on_track_share is None, -(s.on_track_share or 0)))


__all__ = [
    "ItemStatus",
    "Light",
    "items_status",
    "projects_light",
    "rules_in_force",
    "towns_ranking",
]
