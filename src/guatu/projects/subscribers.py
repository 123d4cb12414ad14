"""What the projects app does when something happens elsewhere (``guatu.common.events``)."""

from guatu.common.events import CalendarChanged, subscribe
from guatu.projects.models import Project
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


def connect() -> None:
    """Subscribe the handlers (``ProjectsConfig.ready``)."""
    subscribe(CalendarChanged, calendar_changed)
