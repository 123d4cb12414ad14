"""Write paths for projects: work items, links and joint milestones.

Every link goes through ``dependencies_add``, which checks the whole
project's network for a cycle before storing anything, so the scheduling
engine can rely on the links forming a DAG.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_manage_projects, require
from guatu.audit.services import audit_record
from guatu.core.errors import CoreError
from guatu.core.network import check_acyclic, check_joint_branches
from guatu.errors import as_validation_error
from guatu.projects.models import SCHEDULE_INPUTS, Dependency, Project, WorkItem
from guatu.projects.plan_lock import refuse_links_change, refuse_plan_move
from guatu.projects.scheduling import projects_lock, schedule_recalculate

#: The fields of a work item that the schedule is computed from.


@dataclass(frozen=True, slots=True)
class Link:
    """A link to add: ``predecessor`` → ``successor`` of ``type`` with ``lag_days``."""

    predecessor: WorkItem
    successor: WorkItem
    type: str = Dependency.Type.FS
    lag_days: int = 0


def work_item_create(
    *,
    project: Project,
    villages: Iterable[Any] = (),
    reschedule: bool = True,
    actor,
    **fields: Any,
) -> WorkItem:
    """Create a work item after validating it like a form would, and reschedule.

    Only the supervision office manages plans. ``reschedule=False`` leaves the
    recomputation to the caller, who creates many items in one transaction and
    then calls ``schedule_recalculate`` once.
    """
    require(can_manage_projects(actor), user=actor, action="work_item_create", target=project)
    item = WorkItem(project=project, **fields)
    item.full_clean()
    with transaction.atomic():
        projects_lock([project.pk])
        item.save()
        if villages:
            item.villages.set(villages)
        if reschedule:
            schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="work_item_create",
            target=item,
            detail={"project": project.code, "code": item.code},
        )
    return item


def work_item_update(*, item: WorkItem, actor, **fields: Any) -> WorkItem:
    """Change *fields* of *item*; when a schedule input changes, reschedule in one transaction."""
    require(can_manage_projects(actor), user=actor, action="work_item_update", target=item)
    refuse_plan_move(item, fields)
    return work_item_change(item=item, actor=actor, action="work_item_update", **fields)


def work_item_change(*, item: WorkItem, actor, action: str, **fields: Any) -> WorkItem:
    """The change itself, for callers that checked the right to make it (an approved
    节点调整 is a leader's decision, not the office's edit): validate, save, reschedule
    when a schedule input changed, audit as *action* — in one transaction."""
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    with transaction.atomic():
        if SCHEDULE_INPUTS & fields.keys():
            projects_lock([item.project_id])
        item.save(update_fields=list(fields))
        if SCHEDULE_INPUTS & fields.keys():
            schedule_recalculate(project=item.project)
        audit_record(
            user=actor,
            action=action,
            target=item,
            detail={name: str(value) for name, value in fields.items()},
        )
    return item


def dependencies_add(
    *, project: Project, links: Sequence[Link], reschedule: bool = True, actor
) -> list[Dependency]:
    """Add *links* to *project* all together, or none of them, and reschedule.

    Raises ``ValidationError`` if a link leaves the project, repeats an
    existing pair, or closes a cycle; the message names the items in the
    cycle in order.
    """
    require(can_manage_projects(actor), user=actor, action="dependencies_add", target=project)
    refuse_links_change(project)
    for link in links:
        if link.predecessor.project_id != project.pk or link.successor.project_id != project.pk:
            raise ValidationError(
                _("“%(pred)s” → “%(succ)s” links work items of different projects.")
                % {"pred": link.predecessor, "succ": link.successor},
                code="cross_project",
            )
    with transaction.atomic():
        # Serialise link changes per project, so two concurrent edits cannot
        # each pass the cycle check and together form a cycle.
        projects_lock([project.pk])
        existing = list(
            Dependency.objects.filter(predecessor__project=project).values_list(
                "predecessor_id", "successor_id"
            )
        )
        new_pairs = [(link.predecessor.pk, link.successor.pk) for link in links]
        duplicates = set(existing) & set(new_pairs)
        if duplicates or len(set(new_pairs)) != len(new_pairs):
            raise ValidationError(
                _("A link between the same two work items already exists."), code="duplicate"
            )
        names = dict(project.work_items.values_list("pk", "name"))
        try:
            check_acyclic([*existing, *new_pairs], name=lambda pk: names[pk])
        except CoreError as error:
            raise as_validation_error(error) from error
        created = [
            Dependency(
                predecessor=link.predecessor,
                successor=link.successor,
                type=link.type,
                lag_days=link.lag_days,
            )
            for link in links
        ]
        for dependency in created:
            dependency.full_clean(validate_unique=False, validate_constraints=True)
        stored = Dependency.objects.bulk_create(created)
        if reschedule:
            schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="dependencies_add",
            target=project,
            detail={
                "links": [
                    [link.predecessor.code, link.successor.code, link.type, link.lag_days]
                    for link in links
                ]
            },
        )
        return stored


def joint_milestone_create(
    *,
    project: Project,
    code: str,
    name: str,
    branches: Sequence[WorkItem],
    deadline: date | None = None,
    lag_days: int = 0,
    reschedule: bool = True,
    actor,
    **fields: Any,
) -> WorkItem:
    """Create a 同期交付 milestone fed by each of *branches* (finish-to-start).

    Refused, with nothing stored, unless at least two distinct branches feed it.
    """
    # Checked before the transaction: a refusal rolled back would leave no audit entry.
    require(can_manage_projects(actor), user=actor, action="joint_milestone_create", target=project)
    try:
        check_joint_branches(name, [branch.pk for branch in branches])
    except CoreError as error:
        raise as_validation_error(error) from error
    with transaction.atomic():
        milestone = work_item_create(
            project=project,
            code=code,
            name=name,
            kind=WorkItem.Kind.MILESTONE,
            joint=True,
            duration_days=0,
            deadline=deadline,
            reschedule=False,
            actor=actor,
            **fields,
        )
        dependencies_add(
            project=project,
            links=[Link(branch, milestone, Dependency.Type.FS, lag_days) for branch in branches],
            reschedule=reschedule,
            actor=actor,
        )
    return milestone
