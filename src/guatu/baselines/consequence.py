"""What a 节点调整 would change, worked out before anyone submits or decides it.

A town that asks for a later node believes it gets the time; it does not when
something later binds the item harder: the project's target date, or the node
of a work item that follows it. Backward scheduling keeps the item's latest
finish at the tighter of the two, so approving such a request would change
nothing while everybody thinks it did. ``consequence`` schedules the plan as
it is and as it would be (the same engine, nothing stored) and says, field by
field, why a request would be empty — the proposer sees it before sending, the
office and the leader before deciding, and the service refuses it.
"""

import copy
from collections import deque
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guatu.core.schedule import NO_LATEST
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import plan_network, planned_dates, scheduled_finish


@dataclass(frozen=True)
class NodeMove:
    """A node of the project whose latest finish the request moves."""

    item: str
    before: date | None
    after: date | None


@dataclass(frozen=True)
class Consequence:
    """The item's latest finish and the project's before and after the request."""

    late_before: date | None
    late_after: date | None
    finish_before: date | None
    finish_after: date | None
    target_before: date | None
    target_after: date | None
    nodes: list[NodeMove] = field(default_factory=list)
    #: Field → why the request as it stands would change nothing (or too little).
    problems: dict[str, list[str]] = field(default_factory=dict)
    #: What everyone must know although the request may go on (it gives less than asked).
    warnings: list[str] = field(default_factory=list)

    @property
    def finish_beyond_target(self) -> bool:
        """The project could no longer finish by its target (after the request)."""
        return bool(
            self.target_after and self.finish_after and self.finish_after > self.target_after
        )


def consequence(
    item: WorkItem,
    *,
    new_deadline: date | None = None,
    new_duration_days: int | None = None,
    new_target_date: date | None = None,
) -> Consequence:
    """The request's effect on *item* and its project's nodes (see the module's note)."""
    project = item.project
    changes: dict = {}
    if new_deadline is not None:
        changes["deadline"] = new_deadline
    if new_duration_days is not None:
        changes["duration_days"] = new_duration_days
    trial = project
    if new_target_date is not None:
        trial = copy.copy(project)
        trial.deadline = new_target_date
    before_plan = plan_network(project)
    after_plan = plan_network(trial, changes={item.pk: changes})
    before, after = planned_dates(before_plan), planned_dates(after_plan)
    nodes = [
        NodeMove(other.name, before[other.pk]["late_finish"], after[other.pk]["late_finish"])
        for other in after_plan.items
        if other.pk != item.pk
        and (other.deadline is not None or other.kind == WorkItem.Kind.MILESTONE)
        and before[other.pk]["late_finish"] != after[other.pk]["late_finish"]
    ]
    result = Consequence(
        late_before=before[item.pk]["late_finish"],
        late_after=after[item.pk]["late_finish"],
        # From the data date, as the project's page says it (最早完成), before and after.
        finish_before=scheduled_finish(before_plan),
        finish_after=scheduled_finish(after_plan),
        target_before=project.deadline,
        target_after=new_target_date or project.deadline,
        nodes=nodes,
    )
    if new_deadline is not None:
        _node_binding(item, project, after_plan, new_deadline, new_target_date, result)
    if (
        new_target_date is not None
        and result.finish_after
        and new_target_date < (result.finish_after)
    ):
        result.warnings.append(  # behind already: a target may still ask for a catch-up
            _("The project's earliest finish would be %(finish)s, after this target.")
            % {"finish": result.finish_after.isoformat()}
        )
    return result


def _node_binding(item, project: Project, plan, node: date, target: date | None, result) -> None:
    """Say at its field why *node* would not be the item's latest finish: the project's
    target, or a following item's own node, is earlier."""
    i = next(index for index, row in enumerate(plan.items) if row.pk == item.pk)
    own = int(plan.constraints.latest_finish[i])
    if own == NO_LATEST or int(plan.planned.lf[i]) >= own:
        return  # the node is the latest finish: the request does what it says
    words = {"node": node.isoformat(), "late": (result.late_after or node).isoformat()}
    if plan.deadline is not None and plan.deadline < own:
        where = "new_target_date" if target is not None else "new_deadline"
        result.problems.setdefault(where, []).append(
            _(
                "The node %(node)s is later than the project's target %(target)s: the item "
                "would still have to finish by %(late)s. Ask to move the project's target "
                "too (the same approval decides both)."
            )
            % {**words, "target": (target or project.deadline).isoformat()}
        )
        return
    following = _following(item)
    index = {row.pk: i for i, row in enumerate(plan.items)}
    node_of = _binding_node(item.pk, following, index, plan)
    direct = following.get(item.pk, [])
    if node_of is not None and (node_of.pk in direct or node_of.fixed):
        result.problems.setdefault("new_deadline", []).append(
            _(
                "The node %(node)s is later than the work that follows allows: “%(next)s” "
                "must finish by its own node %(its)s, so this item would still have to finish "
                "by %(late)s. Ask to move that node first."
            )
            % {**words, "next": node_of.name, "its": _day(node_of.deadline)}
        )
        return
    # Bound through a chain of work (the critical path to a later node): no refusal, but
    # nobody may believe the item gets the time — the proposer, the office, the leader.
    first = min(
        (plan.items[index[pk]] for pk in direct),
        key=lambda row: int(plan.planned.ls[index[row.pk]]),
        default=None,
    )
    dates = planned_dates(plan)
    result.warnings.append(
        _(
            "Even if approved, this item must still finish by %(late)s: “%(next)s” must start "
            "by %(start)s for “%(end)s” to meet its node %(its)s."
        )
        % {
            **words,
            "next": first.name if first else "—",
            "start": _day(dates[first.pk]["late_start"]) if first else "—",
            "end": node_of.name if node_of else _("the project's target"),
            "its": _day(node_of.deadline if node_of else project.deadline),
        }
    )


def _day(day) -> str:
    return day.isoformat() if day else "—"


def _following(item: WorkItem) -> dict[int, list[int]]:
    following: dict[int, list[int]] = {}
    links = Dependency.objects.filter(predecessor__project_id=item.project_id)
    for pred, succ in links.values_list("predecessor_id", "successor_id"):
        following.setdefault(pred, []).append(succ)
    return following


def _binding_node(start: int, following: dict, index: dict, plan):
    """The nearest item after *start* (by its links) whose own node binds its latest finish."""
    seen, queue = {start}, deque(following.get(start, []))
    while queue:
        pk = queue.popleft()
        if pk in seen:
            continue
        seen.add(pk)
        i = index[pk]
        own = int(plan.constraints.latest_finish[i])
        if own != NO_LATEST and int(plan.planned.lf[i]) == own:
            return plan.items[i]
        queue.extend(following.get(pk, []))
    return None


def refuse_if_empty(found: Consequence) -> None:
    """Raise the request's problems at their fields (the service's check)."""
    if found.problems:
        raise ValidationError(found.problems)
