"""Read paths for supervision: which bulletins a user may see."""

from guatu.access import is_supervisor
from guatu.supervision.models import Bulletin


def bulletins_visible(*, user):
    """Return the bulletins *user* may read: drafts only for the supervision office.

    A draft is a working paper (its figures and proposed escalations can still
    change); nobody else sees it until it is published.
    """
    bulletins = Bulletin.objects.select_related("project")
    if is_supervisor(user):
        return bulletins
    return bulletins.filter(status=Bulletin.Status.PUBLISHED)
