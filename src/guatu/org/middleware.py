"""Each request acts in the signed-in user's city, on that city's clock.

The city's scope (``common.scope``) makes every city-owned table show that
city only; its time zone makes templates, forms and ``timezone.localtime``
speak the city's clock, whatever the server's own zone is. The API's token
authentication, which runs later, narrows both again for the token's user
(``enter_city``); the scope opened here is closed when the request ends.
"""

from django.utils import timezone

from guatu.common.scope import enter_scope, leave_scope
from guatu.org.clock import city_zone
from guatu.org.selectors import city_scope_of, current_city


def enter_city(user) -> None:
    """Act as *user* for the rest of the request: their city's rows and clock."""
    enter_scope(city_scope_of(user))
    timezone.activate(city_zone(current_city()))


class CityScopeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = enter_scope(city_scope_of(request.user))
        timezone.activate(city_zone(current_city()))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            leave_scope(token)
