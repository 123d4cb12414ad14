"""Recording audit entries; called by the write services and by denied attempts."""

import logging
from typing import Any

from django.db import models

from guatu.audit.context import current_origin
from guatu.audit.models import AuditEntry

logger = logging.getLogger("guatu.audit")


def audit_record(
    *,
    user,
    action: str,
    target: models.Model | None,
    detail: dict[str, Any] | None = None,
    allowed: bool = True,
) -> AuditEntry:
    """Append an entry for *action* on *target* by *user*, from the current origin.

    *target* None: an action on no one object (a page or the admin refused,
    a sign-in link that matched nothing); the entry's detail says where.
    """
    origin = current_origin.get()
    entry = AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk or "") if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        detail=detail or {},
        channel=origin.channel,
        address=origin.address,
        allowed=allowed,
    )
    if not allowed:
        logger.warning(
            "denied: user=%s action=%s target=%s:%s channel=%s address=%s",
            getattr(user, "username", None),
            action,
            entry.target_type,
            entry.target_id,
            origin.channel,
            origin.address,
        )
    return entry
