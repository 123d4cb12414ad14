"""The unread count beside the inbox link on every page (one COUNT query, signed-in only)."""

from guatu.notify.models import Notice


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": Notice.objects.filter(recipient=user, read_at__isnull=True).count()}
