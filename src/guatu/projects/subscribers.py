"""What the projects app does when something happens elsewhere (``guatu.common.events``)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from guatu.common.events import (
    CalendarChanged,
    DataDateChanged,
    ReportReviewed,
    ReportsStored,
    subscribe,
)
from guatu.projects.models import Project, WorkItem
from guatu.projects.scheduling import schedule_recalculate


def calendar_changed(event: CalendarChanged) -> None:
    """A calendar change moves the dates of every working-day project it touches."""
    projects = Project.objects.exclude(calendar=Project.Calendar.CALENDAR_DAY)
    if event.project_id:
        projects = projects.filter(pk=event.project_id)
    else:
        projects = projects.filter(city_id=event.city_id)
    for project in projects:
        schedule_recalculate(project=project)


def _reschedule(project_ids: set[int]) -> None:
    projects = Project.everywhere.filter(pk__in=project_ids).select_related("city")
    for project in projects.order_by("pk"):
        schedule_recalculate(project=project)


def reports_stored(event: ReportsStored) -> None:
    """A report moves the schedule from the data date: what is left, and when it ends.

    In the report's own transaction, so that a page shows a report beside a schedule that
    has heard of it. In a burst (the project rescheduled less than
    ``GUATU_RESCHEDULE_DEBOUNCE_S`` ago, or being rescheduled by another report right now)
    it is left to the worker's catch-up, within its round of seconds: two hundred
    officials reporting at once do not each reschedule, nor queue behind one lock.
    The project the report path read is reused."""
    loaded: dict[int, Project] = {}
    for report in event.reports:
        item = report.work_item
        if WorkItem.project.is_cached(item) and Project.city.is_cached(item.project):
            loaded.setdefault(item.project_id, item.project)
    recent = timezone.now() - timedelta(seconds=settings.GUATU_RESCHEDULE_DEBOUNCE_S)
    for project in loaded.values():
        if project.scheduled_at is None or project.scheduled_at <= recent:
            schedule_recalculate(project=project, wait=False)
    _reschedule({report.work_item.project_id for report in event.reports} - set(loaded))


def report_reviewed(event: ReportReviewed) -> None:
    """A confirmed (or rejected) report above the target counts (or does not) from now on."""
    _reschedule({event.review.report.work_item.project_id})


def data_date_changed(event: DataDateChanged) -> None:
    """A new status date (数据日期) moves every project of the city to it."""
    _reschedule(set(Project.everywhere.filter(city_id=event.city_id).values_list("pk", flat=True)))


def connect() -> None:
    """Subscribe the handlers (``ProjectsConfig.ready``)."""
    subscribe(CalendarChanged, calendar_changed)
    subscribe(ReportsStored, reports_stored)
    subscribe(ReportReviewed, report_reviewed)
    subscribe(DataDateChanged, data_date_changed)
