"""Setting and clearing an analyst's three-point estimate (the supervision office)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, require
from guatu.audit.services import audit_record
from guatu.core.limits import MAX_DAYS
from guatu.projects.models import WorkItem
from guatu.risk.models import ThreePoint

__all__ = ["estimate_clear", "estimate_set"]


def estimate_set(
    *, actor, item: WorkItem, optimistic: Decimal, most_likely: Decimal, pessimistic: Decimal,
    shape: str = ThreePoint.Shape.PERT, note: str = "",
) -> ThreePoint:  # fmt: skip
    """Give *item* the office's own range instead of the city's history."""
    require(is_supervisor(actor), user=actor, action="estimate_set", target=item)
    errors: dict[str, list[str]] = {}
    if item.kind == WorkItem.Kind.MILESTONE:
        errors["work_item"] = [_("A time node (milestone) has no duration to estimate.")]
    if optimistic < 0:
        errors["optimistic"] = [_("A duration cannot be negative.")]
    if most_likely < optimistic:
        errors["most_likely"] = [_("The most likely duration is below the optimistic one.")]
    if pessimistic < most_likely:
        errors["pessimistic"] = [_("The pessimistic duration is below the most likely one.")]
    elif pessimistic <= 0:
        errors["pessimistic"] = [_("The pessimistic duration must be above 0.")]
    elif pessimistic > MAX_DAYS:
        errors["pessimistic"] = [_("At most %(days)d working days.") % {"days": MAX_DAYS}]
    if shape not in ThreePoint.Shape.values:
        errors["shape"] = [_("Choose PERT or triangular.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        estimate, _created = ThreePoint.objects.update_or_create(
            work_item=item,
            defaults={
                "optimistic": optimistic,
                "most_likely": most_likely,
                "pessimistic": pessimistic,
                "shape": shape,
                "note": note.strip()[:300],
                "set_by": actor,
            },
        )
        audit_record(
            user=actor,
            action="estimate_set",
            target=item,
            detail={"o": str(optimistic), "m": str(most_likely), "p": str(pessimistic),
                    "shape": shape},
        )  # fmt: skip
    return estimate


def estimate_clear(*, actor, item: WorkItem) -> None:
    """Back to the city's history for *item*."""
    require(is_supervisor(actor), user=actor, action="estimate_clear", target=item)
    with transaction.atomic():
        deleted, _rows = ThreePoint.objects.filter(work_item=item).delete()
        if deleted:
            audit_record(user=actor, action="estimate_clear", target=item, detail={})
