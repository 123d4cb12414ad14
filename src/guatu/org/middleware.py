"""Each request acts in the signed-in user's city, on that city's clock.

The city's scope (``common.scope``) makes every city-owned table show that
city only — and, for the office of a prefecture or province, the cities below
it too; its time zone makes templates, forms and ``timezone.localtime`` speak
the city's clock, whatever the server's own zone is. The API's token
authentication, which runs later, narrows both again for the token's user
(``enter_city``); the scope opened here is closed when the request ends.

The level above reads and writes nothing of the cities below: every write by a
user who oversees cities is refused here, before any view, except what is the
user's own (signing out, the password, their inbox, their division's bulletins).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from guatu.audit.services import audit_record
from guatu.common.scope import enter_scope, leave_scope
from guatu.org.clock import city_zone
from guatu.org.selectors import city_scope_of, current_city, oversees_cities

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: What a user above the cities may still write: their own session, password and inbox,
#: and their own division's bulletins (the pages show them only their own).
OWN_WRITES = ("/logout/", "/password/", "/inbox/", "/api/v1/inbox", "/bulletins/")


def refuse_writes_from_above(user, method: str, path: str) -> None:
    """403, audited, for a write by a prefecture's or province's user (read-only below)."""
    if method in SAFE_METHODS or path.startswith(OWN_WRITES) or not oversees_cities(user):
        return
    audit_record(
        user=user,
        action="write_from_above",
        target=None,
        detail={"path": path[:200], "method": method},
        allowed=False,
    )
    raise PermissionDenied("read-only above the cities")


def enter_city(user, request=None) -> None:
    """Act as *user* for the rest of the request: their city's rows and clock."""
    enter_scope(city_scope_of(user))
    timezone.activate(city_zone(_own_city(user)))
    if request is not None:
        refuse_writes_from_above(user, request.method, request.path)


def _own_city(user):
    return user.city if user.city_id else current_city()


class CityScopeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        token = enter_scope(city_scope_of(user))
        # Before signing in no city's data is shown: the configured zone, no query.
        timezone.activate(city_zone(_own_city(user) if user.is_authenticated else None))
        # The menu of the level above is its own (the cities below, its inbox).
        request.above_cities = user.is_authenticated and oversees_cities(user)
        try:
            refuse_writes_from_above(request.user, request.method, request.path)
            return self.get_response(request)
        finally:
            timezone.deactivate()
            leave_scope(token)
