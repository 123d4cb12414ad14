"""Issuing, checking and revoking screen tokens (the supervision office's to manage)."""

import hashlib
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, require
from guatu.audit.services import audit_record
from guatu.screens.models import ScreenToken

NAME_LIMIT = 60
#: How stale "last shown" may get before a screen's request updates it.
SEEN_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def screen_token_create(*, actor, name: str) -> tuple[ScreenToken, str]:
    """Issue a token for a screen called *name*; the token itself is returned only here."""
    require(is_supervisor(actor), user=actor, action="screen_token_create", target=None)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the screen, e.g. 指挥中心大屏.")]})
    if len(name) > NAME_LIMIT:
        raise ValidationError(
            {"name": [_("At most %(limit)d characters.") % {"limit": NAME_LIMIT}]}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        screen = ScreenToken.objects.create(
            name=name, digest=_digest(token), prefix=token[:6], created_by=actor
        )
        audit_record(user=actor, action="screen_token_create", target=screen)
    return screen, token


def screen_token_revoke(*, actor, screen: ScreenToken) -> ScreenToken:
    """Revoke *screen*'s token: its next request is refused."""
    require(is_supervisor(actor), user=actor, action="screen_token_revoke", target=screen)
    with transaction.atomic():
        screen = ScreenToken.objects.select_for_update().get(pk=screen.pk)
        if screen.revoked_at is None:
            screen.revoked_at = timezone.now()
            screen.revoked_by = actor
            screen.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(user=actor, action="screen_token_revoke", target=screen)
    return screen


#: A refused link is audited once in this many seconds (its page retries every minute).
REFUSAL_AUDIT_EVERY_S = 3600


def screen_for_token(token: str) -> ScreenToken:
    """The screen *token* belongs to, if it is still in force; PermissionDenied otherwise."""
    screen = (
        ScreenToken.everywhere.select_related("created_by")
        .filter(digest=_digest(token or ""))
        .first()
    )
    if screen is None or screen.revoked_at is not None:
        # Audited like every refusal: the revoked screen, or no target for a link that
        # matches none (the token itself is never written down) — once an hour per link,
        # as the refused page asks again every minute on a wall nobody watches.
        if cache.add(f"guatu:screen-refused:{_digest(token or '')}", 1, REFUSAL_AUDIT_EVERY_S):
            audit_record(
                user=None,
                action="screen_view",
                target=screen,
                detail={"revoked": screen is not None},
                allowed=False,
            )
        raise PermissionDenied("screen token")
    now = timezone.now()
    if screen.last_seen_at is None or now - screen.last_seen_at > SEEN_EVERY:
        ScreenToken.everywhere.filter(pk=screen.pk).update(last_seen_at=now)
    return screen
