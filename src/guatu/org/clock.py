"""What "today" is for a city: its status date (数据日期) if set, else the real date.

Everything that judges progress, or refuses a report dated in the future,
asks here, so a city reviewing last Friday's position — or the demo, whose
story happens on 2019-11-15 — sees one consistent day.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from guatu.core.calendar import WorkCalendar
from guatu.org.models import CalendarException, City


def city_zone(city: City | None) -> ZoneInfo:
    """Return the city's time zone (the configured default without a city)."""
    if city is not None and city.time_zone:
        return ZoneInfo(city.time_zone)
    return ZoneInfo(str(timezone.get_default_timezone()))


def city_today(city: City | None) -> date:
    """Return the city's status date, or today in the city's time zone."""
    if city is not None and city.status_date is not None:
        return city.status_date
    return timezone.localdate(timezone=city_zone(city))


def city_time(city: City | None, moment: datetime) -> datetime:
    """Return *moment* in the city's local time."""
    return timezone.localtime(moment, timezone=city_zone(city))


def office_calendar(city: City) -> WorkCalendar:
    """The office's working days: the official calendar with the city's own exceptions
    (a notice's answer date, a problem's 时限 and its colour count these)."""
    own = CalendarException.objects.filter(city=city, project__isnull=True)
    return WorkCalendar.official({e.date: e.working for e in own})
