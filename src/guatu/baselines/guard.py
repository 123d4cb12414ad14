"""One rule for every path that edits a plan: an approved plan's nodes move only by 节点调整.

Once a project has a baseline, its items' time nodes and durations and the
links between its items change only when a leader approves a node adjustment
(``services.adjustment_decide``). The office's own edits (admin, API) and a
ledger import are refused at the field that would move, naming the baseline;
new items may still be added (they are not in the approved plan, and the
comparison shows them as added).
"""

from django.utils.translation import gettext as _

#: The fields of a work item that belong to the approved plan.
NODE_FIELDS = ("deadline", "duration_days")

__all__ = [
    "NODE_FIELDS",
    "approved_baselines",
    "locked_message",
    "moved_fields",
    "refuse_links_change",
    "refuse_plan_move",
]


def approved_baselines(project_ids) -> dict[int, int]:
    """The latest baseline number of each of *project_ids* that has one."""
    from django.db.models import Max

    from guatu.baselines.models import Baseline

    rows = (
        Baseline.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(top=Max("number"))
        .values_list("project_id", "top")
    )
    return dict(rows)


def moved_fields(stored: dict, values: dict) -> list[str]:
    """The plan fields *values* would change in the *stored* ones."""
    return [name for name in NODE_FIELDS if name in values and values[name] != stored.get(name)]


def refuse_plan_move(item, values: dict) -> None:
    """Raise ``ValidationError`` at each field of *values* that moves *item*'s approved plan.

    Compares with the stored row, not the instance: a form may already have
    written its values onto the instance.
    """
    from django.core.exceptions import ValidationError

    from guatu.projects.models import WorkItem

    number = approved_baselines([item.project_id]).get(item.project_id)
    if not number or item.pk is None:
        return
    stored = WorkItem.objects.filter(pk=item.pk).values(*NODE_FIELDS).first() or {}
    moved = moved_fields(stored, values)
    if moved:
        raise ValidationError({name: [locked_message(number)] for name in moved})


def refuse_links_change(project) -> None:
    """Raise ``ValidationError`` when *project*'s plan is approved (links are part of it)."""
    from django.core.exceptions import ValidationError

    number = approved_baselines([project.pk]).get(project.pk)
    if number:
        raise ValidationError(locked_message(number))


def locked_message(number: int) -> str:
    return _(
        "the plan is approved (baseline #%(n)d): a time node, a duration or a link changes "
        "only through a node adjustment a leader approves."
    ) % {"n": number}
