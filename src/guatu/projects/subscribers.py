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


def _reschedule_unless_burst(projects: dict[int, Project | None]) -> None:
    """Reschedule each project now unless a burst is on: it was rescheduled less than
    ``GUATU_RESCHEDULE_DEBOUNCE_S`` ago, or another transaction is rescheduling it right
    now — then the worker's catch-up does it within its round of seconds
    (``progress.catch_up``). *projects*: id → the project already read, or None."""
    missing = [pk for pk, project in projects.items() if project is None]
    if missing:
        read = Project.everywhere.filter(pk__in=missing).select_related("city")
        projects = {**projects, **{project.pk: project for project in read}}
    recent = timezone.now() - timedelta(seconds=settings.GUATU_RESCHEDULE_DEBOUNCE_S)
    for _pk, project in sorted(projects.items()):
        if project is not None and (project.scheduled_at is None or project.scheduled_at <= recent):
            schedule_recalculate(project=project, wait=False, unless_since=recent)


def _project_of(item: WorkItem) -> Project | None:
    """The item's project if the caller already read it with its city (no query)."""
    if WorkItem.project.is_cached(item) and Project.city.is_cached(item.project):
        return item.project
    return None


def reports_stored(event: ReportsStored) -> None:
    """A report moves the schedule from the data date: what is left, and when it ends.

    In the report's own transaction, so that a page shows a report beside a schedule that
    has heard of it; two hundred officials reporting at once do not each reschedule, nor
    queue behind one lock (``_reschedule_unless_burst``)."""
    projects: dict[int, Project | None] = {}
    for report in event.reports:
        item = report.work_item
        projects[item.project_id] = projects.get(item.project_id) or _project_of(item)
    _reschedule_unless_burst(projects)


def report_reviewed(event: ReportReviewed) -> None:
    """A confirmed (or rejected) report above the target counts (or does not) from now on;
    a ledger's many reviews are one burst."""
    item = event.review.report.work_item
    _reschedule_unless_burst({item.project_id: _project_of(item)})


def data_date_changed(event: DataDateChanged) -> None:
    """A new status date (数据日期) moves every project of the city to it."""
    _reschedule(set(Project.everywhere.filter(city_id=event.city_id).values_list("pk", flat=True)))


def connect() -> None:
    """Subscribe the handlers (``ProjectsConfig.ready``)."""
    subscribe(CalendarChanged, calendar_changed)
    subscribe(ReportsStored, reports_stored)
    subscribe(ReportReviewed, report_reviewed)
    subscribe(DataDateChanged, data_date_changed)
