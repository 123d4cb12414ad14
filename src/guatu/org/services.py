"""Write paths for the organisation: the working calendar's exceptions.

A calendar exception moves the dates of every working-day project it
touches; the rescheduling is the projects app's, set off by the
``CalendarChanged`` event, so the admin, a command or a later page all do the
same thing through these two functions.
"""

from django.db import transaction

from guatu.access import can_manage_calendar, require
from guatu.audit.services import audit_record
from guatu.common.events import CalendarChanged, publish
from guatu.org.models import CalendarException


def calendar_exception_save(*, actor, exception: CalendarException) -> CalendarException:
    """Add or change a day off / extra working day (the supervision office), audited."""
    target = exception if exception.pk else exception.city
    require(can_manage_calendar(actor), user=actor, action="calendar_exception_save", target=target)
    exception.full_clean()
    with transaction.atomic():
        exception.save()
        audit_record(
            user=actor,
            action="calendar_exception_save",
            target=exception,
            detail={
                "date": exception.date.isoformat(),
                "working": exception.working,
                "project": exception.project_id,
            },
        )
        publish(CalendarChanged(city_id=exception.city_id, project_id=exception.project_id))
    return exception


def calendar_exception_delete(*, actor, exception: CalendarException) -> None:
    """Remove an exception (the supervision office), audited; the day is ordinary again."""
    require(
        can_manage_calendar(actor), user=actor, action="calendar_exception_delete", target=exception
    )
    with transaction.atomic():
        audit_record(
            user=actor,
            action="calendar_exception_delete",
            target=exception,
            detail={"date": exception.date.isoformat(), "project": exception.project_id},
        )
        city_id, project_id = exception.city_id, exception.project_id
        exception.delete()
        publish(CalendarChanged(city_id=city_id, project_id=project_id))
