"""Schedules a burst of reports left behind, brought up to date by the worker.

A report reschedules its project in its own transaction unless another transaction
is rescheduling the same project at that moment (``schedule_recalculate(wait=False)``:
two hundred officials reporting at once must not queue behind one lock). The one that
held the lock computed from what was committed when it read, so the worker's notifier
reschedules, every round, each project reported on since shortly before its last round.
"""

from datetime import datetime, timedelta

from django.db.models import Max, Q

from guatu.progress.models import ProgressReport
from guatu.projects.models import Project
from guatu.projects.scheduling import reschedule_each

__all__ = ["schedules_catch_up"]


def schedules_catch_up(*, since: datetime, margin: timedelta = timedelta(seconds=15)) -> int:
    """Reschedule every project with a report stored or reviewed since *since* whose
    schedule may not have heard of it (computed less than *margin* after the newest such
    report: a transaction still open then could have been missed); answer how many.

    One project's failure is logged and the others go on (the notifier must keep sending).
    """
    recent = Q(created_at__gte=since) | Q(review__reviewed_at__gte=since)
    latest = (
        ProgressReport.everywhere.filter(recent)
        .values("work_item__project_id")
        .annotate(last=Max("created_at"), reviewed=Max("review__reviewed_at"))
    )
    newest = {
        row["work_item__project_id"]: max(t for t in (row["last"], row["reviewed"]) if t)
        for row in latest
    }
    projects = Project.everywhere.filter(pk__in=newest).select_related("city").order_by("pk")
    return reschedule_each(
        project
        for project in projects
        if project.scheduled_at is None or project.scheduled_at <= newest[project.pk] + margin
    )
