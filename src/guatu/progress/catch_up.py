"""Schedules a burst of reports left behind, brought up to date by the worker.

A report reschedules its project in its own transaction unless another transaction
is rescheduling the same project at that moment (``schedule_recalculate(wait=False)``:
two hundred officials reporting at once must not queue behind one lock). The one that
held the lock computed from what was committed when it read, so the worker's notifier
reschedules, every round, each project reported on since shortly before its last round.
"""

from datetime import datetime

from django.db.models import Q

from guatu.progress.models import ProgressReport
from guatu.projects.models import Project
from guatu.projects.scheduling import schedule_recalculate

__all__ = ["schedules_catch_up"]


def schedules_catch_up(*, since: datetime) -> int:
    """Reschedule every project with a report stored or reviewed since *since*; answer how many."""
    reported = ProgressReport.everywhere.filter(
        Q(created_at__gte=since) | Q(review__reviewed_at__gte=since)
    ).values_list("work_item__project_id", flat=True)
    ids = set(reported.distinct())
    for project in Project.everywhere.filter(pk__in=ids).select_related("city").order_by("pk"):
        schedule_recalculate(project=project)
    return len(ids)
