"""Read paths for progress: the report that counts for each item now."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from guatu.progress.models import ProgressReport


def reports_effective(*, work_item_ids: Iterable[int], as_of: date | None = None):
    """Return the reports not superseded by a correction, optionally up to *as_of*."""
    reports = ProgressReport.objects.filter(
        work_item_id__in=list(work_item_ids), superseded_by__isnull=True
    )
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


def report_history(*, work_item_id: int):
    """Return every report of an item, corrections and superseded ones included."""
    return (
        ProgressReport.objects.filter(work_item_id=work_item_id)
        .select_related("reported_by", "supersedes")
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
