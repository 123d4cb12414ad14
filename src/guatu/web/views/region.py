"""The level above the cities: its cities ranked side by side, and one city's dashboard.

Only a user of a prefecture or province sees these pages (404 for anyone
else: nothing says the level exists); what they show is read-only, as every
write of theirs is refused (``org.middleware``).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from guatu.common.scope import scoped_to
from guatu.org.models import City
from guatu.org.selectors import cities_below, current_city, oversees_cities
from guatu.supervision.region import region_standings
from guatu.web.dashboard import dashboard


def _region(request: HttpRequest) -> City:
    if not oversees_cities(request.user):
        raise Http404("no cities below")
    return current_city()


@login_required
def region_view(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    return render(
        request, "web/region.html", {"region": region, "standings": region_standings(region)}
    )


@login_required
def region_city_view(request: HttpRequest, code: str) -> HttpResponse:
    """One city below, as its own office's dashboard shows it (read-only)."""
    region = _region(request)
    city = get_object_or_404(City, pk__in=cities_below(region.pk), code=code)
    with scoped_to((city.pk,)):
        board = dashboard(city=city)
        return render(
            request, "web/dashboard.html", {"board": board, "region": region, "city": city}
        )
