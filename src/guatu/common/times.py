"""A moment as people read it: in the time zone of the city acting (the request's).

Every page speaks the city's clock because ``org.middleware`` activates its zone
for the request (and the API's token authentication for the token's user). The
API's schemas say so with ``LocalDateTime``: a stored moment (UTC in the database)
goes out as ISO 8601 with the city's offset (``2019-11-15T09:30:00+08:00``), as the
progress reports' times always did, never as UTC.
"""

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import PlainSerializer, WithJsonSchema

__all__ = ["LocalDateTime", "local_iso"]


def local_iso(moment: datetime) -> str:
    """*moment* in the active (the city's) time zone, as ISO 8601 with its offset."""
    if timezone.is_naive(moment):
        return moment.isoformat()
    return timezone.localtime(moment).isoformat()


#: A datetime field of an API schema, written in the city's time zone.
LocalDateTime = Annotated[
    datetime,
    PlainSerializer(local_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
