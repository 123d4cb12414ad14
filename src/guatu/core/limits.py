"""The span of days guatu works in, for the core and for every entry (``common.bounds``).

Input outside it is refused at the edge; a value already stored outside it
(before the bounds, or by hand in the database) is drawn and exported clamped
to it, so one absurd node never stops a page for everyone.
"""

import re
from datetime import date, timedelta

#: The first and last day anything in guatu may be dated (a plan, a report, a query).
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
#: The longest duration, lag or delay in days (a hundred years of calendar days).
MAX_DAYS = 36_500
#: What no document guatu writes can carry (Word, XML, Excel, an Atom feed, an SVG): the C0
#: control characters but tab, line feed and carriage return. Refused in names and texts.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clamped(day: date) -> date:
    """*day* within ``EARLIEST``–``LATEST``.

    >>> clamped(date(9999, 12, 31))
    datetime.date(2200, 12, 31)
    """
    return min(max(day, EARLIEST), LATEST)


def shifted(day: date, days: int) -> date:
    """*day* moved by *days*, clamped first so the sum can never leave the calendar.

    >>> shifted(date(9999, 12, 31), 14)
    datetime.date(2201, 1, 14)
    """
    return clamped(day) + timedelta(days=days)
