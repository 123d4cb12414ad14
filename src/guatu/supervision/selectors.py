"""Read paths for supervision: which bulletins a user may see."""

from guatu.access import is_supervisor
from guatu.org.models import City
from guatu.org.selectors import oversees_cities
from guatu.supervision.models import Bulletin


def divisions_above(user) -> list[int]:
    """The divisions above the user's city (its prefecture, its province), nearest first."""
    above, city_id, seen = [], getattr(user, "city_id", None), set()
    while city_id is not None and city_id not in seen:
        seen.add(city_id)
        city_id = City.everywhere.filter(pk=city_id).values_list("parent_id", flat=True).first()
        if city_id is not None:
            above.append(city_id)
    return above


def bulletins_visible(*, user):
    """Return the bulletins *user* may read: drafts only for the supervision office.

    A draft is a working paper (its figures and proposed escalations can still
    change); nobody else sees it until it is published. A user of a prefecture
    or province lists its own division's bulletins (the cities' are read on
    their pages); a city's users also read what the divisions above published
    about them (a 公文 addressed to them), never their drafts.
    """
    bulletins = Bulletin.objects.select_related("project")
    if oversees_cities(user):
        bulletins = bulletins.filter(city_id=user.city_id)
    if not is_supervisor(user):
        bulletins = bulletins.filter(status=Bulletin.Status.PUBLISHED)
    above = divisions_above(user)
    if above:
        from_above = Bulletin.everywhere.filter(
            city_id__in=above, status=Bulletin.Status.PUBLISHED
        ).select_related("project")
        bulletins = bulletins | from_above
    return bulletins
