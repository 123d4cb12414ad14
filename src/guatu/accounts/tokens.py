"""API tokens: a random secret shown once, stored only as its SHA-256."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from guatu.accounts.models import PREFIX_LENGTH, ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user) -> str:
    """Create a token for *user* and return its secret (the only time it is shown)."""
    key = f"{secrets.token_urlsafe(8)[:PREFIX_LENGTH]}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        ApiToken.objects.create(user=user, prefix=key[:PREFIX_LENGTH], digest=_digest(key))
    return key


def token_user(key: str):
    """Return the active user holding *key*, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
