"""Read paths for progress: the report that counts for each item now, and when a
blocker is due or overdue."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from guatu.progress.models import Blocker, ProgressReport, ReportReview
from guatu.projects.scheduling import Reported

#: A report in force: nothing has superseded it by a correction. One date of
#: an item has at most one report in force.
IN_FORCE = Q(superseded_by__isnull=True)
#: A report that counts for progress: in force, and either within the target
#: or, above it (超目标), confirmed by the supervision office.
COUNTS = IN_FORCE & (Q(above_target=False) | Q(review__decision=ReportReview.Decision.CONFIRMED))
#: Above-target reports still waiting for the office (超目标待核实).
AWAITING_REVIEW = IN_FORCE & Q(above_target=True, review__isnull=True)


def review_state(report: ProgressReport) -> str | None:
    """Return "awaiting", "confirmed" or "rejected" for an above-target report, else None."""
    if not report.above_target:
        return None
    review = getattr(report, "review", None)  # None when there is no review yet
    return review.decision if review is not None else "awaiting"


def report_counts(report: ProgressReport) -> bool:
    """Whether a report in force counts for progress (the rule of ``COUNTS``, on one row)."""
    return review_state(report) in (None, ReportReview.Decision.CONFIRMED)


def reports_effective(*, work_item_ids: Iterable[int], as_of: date | None = None):
    """Return the reports that count for progress, optionally up to *as_of*."""
    reports = ProgressReport.objects.filter(COUNTS, work_item_id__in=list(work_item_ids))
    if as_of is not None:
        reports = reports.filter(reported_on__lte=as_of)
    return reports


def latest_reports(
    *, work_item_ids: Iterable[int], as_of: date | None = None
) -> dict[int, ProgressReport]:
    """Return, per work item, its latest effective report (by date, then submission)."""
    latest: dict[int, ProgressReport] = {}
    for report in reports_effective(work_item_ids=work_item_ids, as_of=as_of).order_by(
        "work_item_id", "reported_on", "created_at", "id"
    ):
        latest[report.work_item_id] = report
    return latest


def item_record(work_item):
    """The reports in force of one item already read in scope (no second join to its city)."""
    return work_item.reports.filter(IN_FORCE).order_by("reported_on", "created_at", "id")


def reports_in_force(*, work_item_ids: Iterable[int]):
    """Return the reports in force (counting or not), the record new reports are checked on."""
    return ProgressReport.objects.filter(IN_FORCE, work_item_id__in=list(work_item_ids)).order_by(
        "work_item_id", "reported_on", "created_at", "id"
    )


def reports_awaiting_review(*, city=None):
    """Return the above-target reports the supervision office has not judged yet."""
    reports = ProgressReport.objects.filter(AWAITING_REVIEW)
    if city is not None:
        reports = reports.filter(work_item__project__city=city)
    return reports.select_related("work_item__project", "work_item__town", "reported_by").order_by(
        "reported_on", "id"
    )


def report_history(*, work_item_id: int):
    """Return every report of an item, corrections and superseded ones included."""
    return (
        ProgressReport.objects.filter(work_item_id=work_item_id)
        .select_related("reported_by", "supersedes", "review")
        .order_by("reported_on", "created_at", "id")
    )


@dataclass(frozen=True, slots=True)
class LatestReport:
    reported_on: date
    percent_complete: Decimal


def latest_report_values(*, work_item_ids: Iterable[int]) -> dict[int, LatestReport]:
    """The latest effective report's date and percent per item, from value rows only."""
    latest: dict[int, LatestReport] = {}
    rows = (
        reports_effective(work_item_ids=work_item_ids)
        .order_by("work_item_id", "reported_on", "created_at", "id")
        .values_list("work_item_id", "reported_on", "percent_complete")
    )
    for pk, day, percent in rows:
        latest[pk] = LatestReport(day, percent)
    return latest


def blockers_open():
    """Return the blockers not resolved yet (open or escalated)."""
    return Blocker.objects.exclude(status=Blocker.Status.RESOLVED)


def blockers_due_within(*, today: date, days: int):
    """Return the open blockers due within *days* of *today*, the overdue ones included."""
    return blockers_open().filter(due_on__lte=today + timedelta(days=days))


def blockers_overdue(*, today: date):
    """The open blockers overdue at *today* (``blocker_overdue``'s rule, as a query)."""
    return blockers_open().filter(due_on__lt=today)


def blocker_overdue(blocker: Blocker, *, today: date) -> bool:
    """Whether *blocker* is overdue at *today*: not resolved, and its due date has passed.

    A blocker due on the 15th is overdue from the 16th; on the 15th itself it is
    due, not yet overdue. A resolved blocker is never overdue.
    """
    return blocker.status != Blocker.Status.RESOLVED and blocker.due_on < today


def reported_by(project_ids, data_dates: dict[int, date]) -> dict:
    """What each item's effective reports say by its project's data date (``Reported``):
    the first report with progress, the one that reached 100 % if it still stands there,
    the latest percentage, the last report before any progress that said nothing was done.
    The schedule reads progress through this (``read_reported_with``), in the same order
    and with the same rule (``COUNTS``) as the lights."""
    if not data_dates:
        return {}
    rows = (
        ProgressReport.everywhere.filter(
            COUNTS,
            work_item__project_id__in=list(project_ids),
            reported_on__lte=max(data_dates.values()),
        )
        .order_by("work_item_id", "reported_on", "created_at", "id")
        .values_list("work_item__project_id", "work_item_id", "reported_on", "percent_complete")
    )
    facts: dict[int, list] = {}
    for project_id, item_id, day, percent in rows:
        if day > data_dates.get(project_id, day):
            continue
        value = float(percent)
        fact = facts.setdefault(item_id, [None, None, 0.0, None])
        if value > 0 and fact[0] is None:
            fact[0] = day
        if value <= 0 and fact[0] is None:
            fact[3] = day  # still nothing done that day
        if value >= 100.0 and fact[1] is None:
            fact[1] = day
        fact[2] = value
    return {
        item_id: Reported(
            started_on=started,
            done_on=done if percent >= 100.0 else None,
            percent=percent,
            idle_on=idle,
        )
        for item_id, (started, done, percent, idle) in facts.items()
    }
