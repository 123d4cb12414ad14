"""The API's rate limits: a client that sends too much waits, with 429 and ``Retry-After``.

Two counts in the database (``accounts.ThrottleCount``, shared by every app server),
each over a fixed window:
- per caller — the token's prefix, or the signed-in user, or else the address —
  ``CALLS`` requests a minute: far above any office script, far below a flood;
- per address, the failed authentications (a wrong or revoked token, 401):
  ``FAILURES`` in ten minutes, so guessing tokens (400 a second, seen) stops at once.
"""

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from guatu.accounts.models import ThrottleCount
from guatu.audit.context import request_address

CALLS, CALLS_WINDOW = 600, 60
FAILURES, FAILURES_WINDOW = 30, 600


def _caller(request: HttpRequest, address: str | None) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + header[7:].strip()[:8]  # the prefix: never the secret in a key
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{address}"


TABLE = connection.ops.quote_name(ThrottleCount._meta.db_table)
#: One statement counts a call and answers the count: a new caller's row, one more in
#: the same window, or 1 in a new window (PostgreSQL and SQLite ≥ 3.35 alike).
COUNT = f"""
    INSERT INTO {TABLE} ("key", "period", "count") VALUES (%s, %s, 1)
    ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN {TABLE}."period" = excluded."period"
                  THEN {TABLE}."count" + 1 ELSE 1 END,
        "period" = excluded."period"
    RETURNING "count"
"""
#: The same, answering also the address's failures in their window: a call is one
#: statement however the two limits stand.
COUNT_AND_FAILURES = (
    COUNT.rstrip()
    + f""", (SELECT f."count" FROM {TABLE} f WHERE f."key" = %s AND f."period" = %s)
"""
)


def _window(window: int) -> tuple[int, int]:
    """The current window's number and the seconds left in it."""
    now = int(time.time())
    return now // window, window - now % window


def _call(caller: str, failures: str) -> int | None:
    """Count a call of *caller*; the seconds to wait when it is over a limit, else None.

    The address's failed authentications are read in the same statement: a client
    that guessed tokens waits its ten minutes out whatever it sends meanwhile.
    """
    calls_period, calls_left = _window(CALLS_WINDOW)
    failures_period, failures_left = _window(FAILURES_WINDOW)
    with connection.cursor() as cursor:
        cursor.execute(
            COUNT_AND_FAILURES, [caller[:160], calls_period, failures[:160], failures_period]
        )
        calls, failed = cursor.fetchone()
    if failed is not None and failed >= FAILURES:
        return failures_left
    return calls_left if calls > CALLS else None


def _count(name: str, window: int) -> int:
    """Count one request of *name*; return its count in this window."""
    period, _left = _window(window)
    with connection.cursor() as cursor:
        cursor.execute(COUNT, [name[:160], period])
        return cursor.fetchone()[0]


def forget() -> None:
    """Every count gone (tests that call the API as many users in a row)."""
    ThrottleCount.objects.all().delete()


def prune(*, older_than: int = FAILURES_WINDOW) -> int:
    """Drop the counts of windows that ended more than *older_than* seconds ago (the
    worker's heartbeat): callers come and go (addresses), so the table keeps only the
    live ones. One ``DELETE`` a kind of count, by window: a count made meanwhile stays."""
    now = int(time.time())
    failures = ThrottleCount.objects.filter(key__startswith="fail:")
    dropped, _rows = failures.filter(period__lt=(now - older_than) // FAILURES_WINDOW - 1).delete()
    calls, _rows = (
        ThrottleCount.objects.exclude(key__startswith="fail:")
        .filter(period__lt=(now - older_than) // CALLS_WINDOW - 1)
        .delete()
    )
    return dropped + calls


def _too_many(wait: int) -> HttpResponse:
    response = JsonResponse(
        {
            "message": _("Too many requests: try again in %(seconds)d s.") % {"seconds": wait},
            "field": None,
            "errors": {},
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        address = request_address(request)
        failures = f"fail:{address}"
        caller = f"call:{_caller(request, address)}"
        wait = _call(caller, failures)
        if wait is not None:
            return _too_many(wait)
        response = self.get_response(request)
        if response.status_code == 401:
            _count(failures, FAILURES_WINDOW)
        return response
