"""The API's rate limits: a client that sends too much waits, with 429 and ``Retry-After``.

Two counts in Django's cache (shared by every app server under the production
settings' database cache), each over a fixed window:
- per caller — the token's prefix, or the signed-in user, or else the address —
  ``CALLS`` requests a minute: far above any office script, far below a flood;
- per address, the failed authentications (a wrong or revoked token, 401):
  ``FAILURES`` in ten minutes, so guessing tokens (400 a second, seen) stops at once.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

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


def _window_key(name: str, window: int) -> tuple[str, int]:
    """The counter of the current window and the seconds left in it."""
    now = int(time.time())
    return f"guatu:api:{name}:{now // window}", window - now % window


def _over(name: str, limit: int, window: int) -> int | None:
    key, left = _window_key(name, window)
    return left if (cache.get(key) or 0) >= limit else None


def _count(name: str, window: int) -> None:
    key, left = _window_key(name, window)
    if cache.add(key, 1, left + 1):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, left + 1)


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
        wait = _over(failures, FAILURES, FAILURES_WINDOW) or _over(caller, CALLS, CALLS_WINDOW)
        if wait is not None:
            return _too_many(wait)
        _count(caller, CALLS_WINDOW)
        response = self.get_response(request)
        if response.status_code == 401:
            _count(failures, FAILURES_WINDOW)
        return response
