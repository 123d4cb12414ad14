"""Read paths for the organisation: which city a request acts in."""

from django.http import Http404
from django.utils.translation import gettext as _

from guatu.common.scope import active_city_ids
from guatu.org.models import City


def cities_below(city_id: int) -> list[int]:
    """Every division under *city_id*, nearest first (a province's prefectures, then
    their cities)."""
    below, frontier = [], [city_id]
    while frontier:
        frontier = list(City.everywhere.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in below and pk != city_id]
        below.extend(frontier)
    return below


def city_scope_of(user) -> tuple[int, ...] | None:
    """The cities *user* may see: their own first, then every one below it (a
    prefecture's office reads its cities); none for a user without a city; no
    limit for a deployment's operator (a superuser without a city) and before
    anyone signs in (the pages that answer then show no city's data)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.city_id is not None:
        if not hasattr(user, "_guatu_scope"):
            user._guatu_scope = (user.city_id, *_below_own(user))
        return user._guatu_scope
    return None if user.is_superuser else ()


def _below_own(user) -> list[int]:
    """The cities below the user's own; a county-level city already at hand has none to
    look up (the lowest level of cities: towns are below it), which spares every API
    call a query. Were one ever filed below it, it would be left out: the narrower side."""
    if user._meta.get_field("city").is_cached(user) and user.city.level == City.Level.COUNTY:
        return []
    return cities_below(user.city_id)


def is_above_cities(city: City, *, below: int | None = None) -> bool:
    """A prefecture or province, or any division with cities below it: the one test of
    "the level above" (its pages, its bulletins, its read-only rule). *below*: how
    many cities are below it, when the caller knows already (a request's scope)."""
    if city.level != City.Level.COUNTY:
        return True
    return below > 0 if below is not None else City.everywhere.filter(parent=city).exists()


def oversees_cities(user) -> bool:
    """A user of a division above cities: reads the cities below, writes none of theirs."""
    scope = city_scope_of(user)
    return bool(scope) and is_above_cities(user.city, below=len(scope) - 1)


def current_city() -> City | None:
    """The city the running request acts in: the signed-in user's own.

    Outside a request's scope (a command, the worker, a test calling a service)
    the first city — a deployment with one city needs no more; commands that
    act on one of several cities enter its scope first (``--city``).
    """
    scope = active_city_ids()
    if scope == ():
        return None
    if scope:
        return City.everywhere.filter(pk=scope[0]).first()
    return City.objects.order_by("pk").first()


def current_city_or_404() -> City:
    city = current_city()
    if city is None:
        raise Http404("no city")
    return city


class NoSuchCity(LookupError):
    """The message says which city was not found, or that one must be named."""


def city_for_command(key: str | None) -> City | None:
    """The city a command acts on: the one named (by name or GB/T 2260 code) with
    ``--city``, else the deployment's only city; None when there is no city yet."""
    if key:
        key = key.strip()
        city = City.everywhere.filter(name=key).first() or City.everywhere.filter(code=key).first()
        if city is None:
            raise NoSuchCity(_("No city named “%(city)s”.") % {"city": key})
        return city
    cities = list(City.everywhere.order_by("pk")[:2])
    if len(cities) > 1:
        raise NoSuchCity(_("This deployment has several cities: name one with --city."))
    return cities[0] if cities else None
