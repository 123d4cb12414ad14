"""One rule for every path that edits a plan: an approved plan's nodes move only by 节点调整.

Once a project has a baseline, its items' time nodes and durations and the
links between its items change only when a leader approves a node adjustment
(``baselines.services.adjustment_decide``). The office's own edits (admin,
API) and a ledger import are refused at the field that would move, naming the
baseline; new items may still be added (they are not in the approved plan,
and the comparison shows them as added).

The rule is the projects app's (every path that edits a plan comes here);
which plans are approved is the baselines app's to say. It answers through
``lock_source_set`` when it starts, so that this floor never imports the one
above it.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guatu.projects.models import NODE_FIELDS, WorkItem

__all__ = [
    "NODE_FIELDS",
    "approved_baselines",
    "lock_source_set",
    "locked_message",
    "moved_fields",
    "refuse_links_change",
    "refuse_plan_move",
]

LockSource = Callable[[list[int]], dict[int, int]]
_source: list[LockSource] = []


def lock_source_set(source: LockSource) -> None:
    """Say how to find approved plans: *source* maps project ids to their latest baseline
    number, leaving out projects without one (``BaselinesConfig.ready``)."""
    _source[:] = [source]


def approved_baselines(project_ids: Iterable[int]) -> dict[int, int]:
    """The latest baseline number of each of *project_ids* that has one."""
    return _source[0](list(project_ids)) if _source else {}


def moved_fields(stored: dict, values: dict) -> list[str]:
    """The plan fields *values* would change in the *stored* ones."""
    return [name for name in NODE_FIELDS if name in values and values[name] != stored.get(name)]


def refuse_plan_move(item: WorkItem, values: dict) -> None:
    """Raise ``ValidationError`` at each field of *values* that moves *item*'s approved plan.

    Compares with the stored row, not the instance: a form may already have
    written its values onto the instance.
    """
    number = approved_baselines([item.project_id]).get(item.project_id)
    if not number or item.pk is None:
        return
    stored = WorkItem.objects.filter(pk=item.pk).values(*NODE_FIELDS).first() or {}
    moved = moved_fields(stored, values)
    if moved:
        raise ValidationError({name: [locked_message(number)] for name in moved})


def refuse_links_change(project) -> None:
    """Raise ``ValidationError`` when *project*'s plan is approved (links are part of it)."""
    number = approved_baselines([project.pk]).get(project.pk)
    if number:
        raise ValidationError(locked_message(number))


def locked_message(number: int) -> str:
    return _(
        "the plan is approved (baseline #%(n)d): a time node, a duration or a link changes "
        "only through a node adjustment a leader approves."
    ) % {"n": number}
