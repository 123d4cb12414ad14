"""Read paths for the organisation."""

from django.http import Http404

from guatu.org.models import City


def default_city() -> City | None:
    """The city this deployment supervises (the first one; deployments have one)."""
    return City.objects.order_by("pk").first()


def default_city_or_404() -> City:
    city = default_city()
    if city is None:
        raise Http404("no city")
    return city
