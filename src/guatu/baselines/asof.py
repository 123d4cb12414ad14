"""A project as it stood on a past date: the plan then in force and the progress then known.

The plan is the latest baseline frozen by the end of that day (the approved
plan of the moment); the progress is what the append-only reports said by
then — a report counts if it was submitted by the end of the day, was not yet
corrected by then, and (if above its target) had been confirmed by then.
Nothing later changes the answer, so a page printed on that day can be
reproduced, and compared with today's. The lights of the day are judged the
way the pages judge them (``progress.status.status_table``, the rules then in
force) but on the plan in force then and the figures known then.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from guatu.baselines.models import Baseline
from guatu.baselines.services import baseline_rows, current_rows
from guatu.core.baselines import PlanRow
from guatu.org.clock import city_zone
from guatu.progress.models import ProgressReport, ReportReview
from guatu.progress.status import StatusInputs, items_status, status_table
from guatu.projects.models import Project, WorkItem

__all__ = ["AsOfRow", "project_as_of"]


@dataclass(frozen=True)
class AsOfRow:
    code: str
    name: str
    then: PlanRow | None  # the plan in force on the day (None: the item was not in it)
    now: PlanRow | None
    percent_then: Decimal | None  # the latest figure known on the day
    reported_then: date | None
    percent_now: Decimal | None
    light_then: str | None  # judged on the plan and the figures of the day
    light_now: str | None


@dataclass(frozen=True)
class AsOf:
    day: date
    baseline: Baseline | None
    rows: list[AsOfRow]


def _day_end(project: Project, day: date) -> datetime:
    """Midnight after *day*, city time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=city_zone(project.city))


def known_reports(project: Project, end: datetime):
    """The reports that counted at *end*: submitted, not yet corrected, confirmed if above."""
    confirmed_by_then = ReportReview.objects.filter(
        decision=ReportReview.Decision.CONFIRMED, reviewed_at__lt=end
    ).values("report_id")
    return ProgressReport.objects.filter(
        Q(superseded_by__isnull=True) | Q(superseded_by__created_at__gte=end),
        work_item__project=project,
        created_at__lt=end,
    ).filter(Q(above_target=False) | Q(pk__in=confirmed_by_then))


def _latest(reports) -> dict[int, tuple[date, Decimal]]:
    found = {}
    rows = reports.order_by("work_item_id", "reported_on", "created_at", "id").values_list(
        "work_item__code", "reported_on", "percent_complete"
    )
    for code, day, percent in rows:
        found[code] = (day, percent)
    return found


def lights_then(project: Project, baseline: Baseline | None, day: date, reports) -> dict:
    """Each item's light on *day*, judged on *baseline*'s dates and the *reports* known then.

    The same judge as every page (``status_table``) on the same row layout,
    fed the frozen early start and late finish instead of today's; an item's
    kind, town and value are today's (a baseline does not freeze them).
    Items removed since (no work item left) have no light.
    """
    if baseline is None:
        return {}
    current = {
        pk: (town, kind, value)
        for pk, town, kind, value in project.work_items.values_list(
            "pk", "town_id", "kind", "planned_value"
        )
    }
    rows = [
        (pk, project.pk, current[pk][0], duration, current[pk][1], es, lf, es == ls,
         current[pk][2])
        for pk, duration, es, lf, ls in baseline.items.filter(
            work_item__isnull=False, early_start__isnull=False
        ).order_by("work_item_id").values_list(
            "work_item_id", "duration_days", "early_start", "late_finish", "late_start"
        )
    ]  # fmt: skip
    if not rows:
        return {}
    pks = [row[0] for row in rows]
    counted = reports.filter(work_item_id__in=pks, reported_on__lte=day).order_by(
        "work_item_id", "reported_on", "created_at", "id"
    )
    inputs = StatusInputs(
        rows=rows,
        projects={project.pk: project},
        city=project.city,
        reports=list(counted.values_list("work_item_id", "reported_on", "percent_complete")),
    )
    table = status_table(inputs=inputs, as_of=day)
    codes = dict(WorkItem.objects.filter(pk__in=pks).values_list("pk", "code"))
    return {codes[int(pk)]: light for pk, light in zip(table.pks, table.light_names(), strict=True)}


def project_as_of(project: Project, day: date) -> AsOf:
    """*project* on *day*: the plan in force then, the figures known then, and today's."""
    end = _day_end(project, day)
    baseline = project.baselines.filter(created_at__lt=end).order_by("-number").first()
    then = {row.code: row for row in (baseline_rows(baseline) if baseline else [])}
    now = {row.code: row for row in current_rows(project)}
    reports_then = known_reports(project, end)
    known = _latest(reports_then.filter(reported_on__lte=day))
    latest = _latest(known_reports(project, timezone.now() + timedelta(seconds=1)))
    light_then = lights_then(project, baseline, day, reports_then)
    scheduled = dict(project.work_items.filter(early_start__isnull=False).values_list("pk", "code"))
    light_now = {
        scheduled[pk]: status.light for pk, status in items_status(items=list(scheduled)).items()
    }
    codes = list(then) + [code for code in now if code not in then]
    rows = [
        AsOfRow(
            code=code,
            name=(then.get(code) or now[code]).name,
            then=then.get(code),
            now=now.get(code),
            percent_then=known.get(code, (None, None))[1],
            reported_then=known.get(code, (None, None))[0],
            percent_now=latest.get(code, (None, None))[1],
            light_then=light_then.get(code),
            light_now=light_now.get(code),
        )
        for code in codes
    ]
    return AsOf(day=day, baseline=baseline, rows=rows)
