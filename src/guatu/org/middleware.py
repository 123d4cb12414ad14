"""Every time a page or the API shows is in the city's local time (Asia/Shanghai by default).

Django stores aware datetimes in UTC; activating the city's zone for the
request makes templates, forms and ``timezone.localtime`` speak the city's
clock, whatever the server's own zone is.
"""

from django.utils import timezone

from guatu.org.clock import city_zone
from guatu.org.selectors import default_city


class CityTimeZoneMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(city_zone(default_city()))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
