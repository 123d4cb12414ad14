"""Write paths for supervision: recording a rung of the escalation ladder."""

from typing import Any

from django.db import IntegrityError, transaction

from guatu.projects.models import WorkItem
from guatu.supervision.models import EscalationEvent


def escalation_record(
    *,
    work_item: WorkItem,
    level: str,
    period: str,
    evidence: dict[str, Any],
    issued_by=None,
) -> tuple[EscalationEvent, bool]:
    """Record an escalation of *work_item* for *period*, once: return (event, created).

    Rerunning a bulletin for the same period returns the event already there.
    """
    existing = EscalationEvent.objects.filter(work_item=work_item, period=period).first()
    if existing is not None:
        return existing, False
    event = EscalationEvent(
        work_item=work_item,
        level=level,
        period=period,
        town=work_item.town,
        department=work_item.owner_department,
        evidence=evidence,
        issued_by=issued_by,
    )
    event.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            event.save(force_insert=True)
    except IntegrityError:
        # A concurrent run recorded it first; theirs stands.
        return EscalationEvent.objects.get(work_item=work_item, period=period), False
    return event, True
