"""API tokens: a random secret shown once, stored only as its SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.accounts.models import PREFIX_LENGTH, ApiToken


class PasswordChangeRequired(PermissionDenied):
    """The user still has the password they were handed: nothing opens until they change it.

    The pages send them to the password form (``PasswordChangeRequiredMiddleware``);
    the API answers 403 with this message, and no token is made for them.
    """

    message = _("Change your first password before using the system (sign in on the web to do so).")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user) -> str:
    """Create a token for *user* and return its secret (the only time it is shown).

    Refused (``PasswordChangeRequired``) while the user must change a handed-out
    password: a token would open the API with the password anyone given it knew.
    """
    if getattr(user, "must_change_password", False):
        raise PasswordChangeRequired(PasswordChangeRequired.message)
    key = f"{secrets.token_urlsafe(8)[:PREFIX_LENGTH]}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        ApiToken.objects.create(user=user, prefix=key[:PREFIX_LENGTH], digest=_digest(key))
    return key


#: How stale a token's "last used" may be: written at most once in this many seconds,
#: so a script's burst of calls is not also a burst of writes to the same row.
TOUCH_EVERY = timedelta(minutes=5)


def token_user(key: str):
    """Return the active user holding *key* (with their city), or None."""
    try:
        # The digest is unique: no order to compile, no first() to sort by.
        token = ApiToken.everywhere.select_related("user__city").get(
            digest=_digest(key), revoked=False, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.everywhere.filter(pk=token.pk).update(last_used_at=now)
    return token.user
