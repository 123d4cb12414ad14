"""Read paths for projects: lists, a project with its network, joint-milestone state."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from guatu.progress.selectors import latest_reports
from guatu.projects.models import Dependency, Project, TaskForceMember, WorkItem

DONE = Decimal(100)


def project_list() -> QuerySet[Project]:
    """Return every project with its owner department and counts of items and milestones."""
    return (
        Project.objects.select_related("owner_department")
        .annotate(
            item_count=Count("work_items", filter=Q(work_items__kind=WorkItem.Kind.TASK)),
            milestone_count=Count("work_items", filter=Q(work_items__kind=WorkItem.Kind.MILESTONE)),
        )
        .order_by("programme", "start_date", "code")
    )


def project_task_force(*, project: Project) -> QuerySet[TaskForceMember]:
    """Return the 工作专班 lead first, then deputies, then members."""
    rank = Case(
        *(When(role=role, then=Value(n)) for n, role in enumerate(TaskForceMember.Role.values)),
        output_field=IntegerField(),
    )
    return project.task_force.select_related("department").order_by(rank, "id")


#: The work-item fields the project page reads (the rest stays in the database).
TABLE_FIELDS = (
    "project_id",
    "code",
    "name",
    "kind",
    "joint",
    "phase__name",
    "phase__order",
    "town__name",
    "town__order",
    "quantity_target",
    "unit",
    "duration_days",
    "planned_start",
    "deadline",
    "order",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
)


def project_work_items(*, project: Project) -> QuerySet[WorkItem]:
    """Return a project's work items with what their table and wall chart show, in order."""
    return (
        project.work_items.select_related("phase", "town")
        .only(*TABLE_FIELDS)
        .order_by("order", "code")
    )


def project_dependencies(*, project: Project) -> QuerySet[Dependency]:
    """Return a project's links with both ends loaded."""
    return (
        Dependency.objects.filter(predecessor__project=project)
        .select_related("predecessor", "successor")
        .order_by("successor__order", "predecessor__order")
    )


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch feeding a joint milestone and how far it has got."""

    item: WorkItem
    percent_complete: Decimal | None

    @property
    def delivered(self) -> bool:
        return self.percent_complete is not None and self.percent_complete >= DONE


@dataclass(frozen=True, slots=True)
class JointMilestoneState:
    milestone: WorkItem
    branches: list[Branch]

    @property
    def reached(self) -> bool:
        """A joint milestone is reached only when every branch is delivered."""
        return all(branch.delivered for branch in self.branches)

    @property
    def outstanding(self) -> list[Branch]:
        return [branch for branch in self.branches if not branch.delivered]


def joint_milestone_state(*, milestone: WorkItem) -> JointMilestoneState:
    """Return the branches of a 同期交付 milestone and whether all are delivered."""
    items = [
        link.predecessor
        for link in milestone.predecessor_links.select_related("predecessor").order_by(
            "predecessor__order"
        )
    ]
    latest = latest_reports(work_item_ids=[item.pk for item in items])
    return JointMilestoneState(
        milestone=milestone,
        branches=[
            Branch(
                item,
                latest[item.pk].percent_complete if item.pk in latest else None,
            )
            for item in items
        ],
    )


def critical_chains(*, items: list[WorkItem]) -> list[list[WorkItem]]:
    """Return the critical items grouped into chains along critical links.

    Items are critical either on the path to the project's deadline or
    because their own time node leaves them no float; each connected group of
    critical items linked to each other is one chain, worked in the order of
    its early dates. Chains come in the order they start.
    """
    critical = {item.pk: item for item in items if item.critical and item.early_start}
    if not critical:
        return []
    group = {pk: pk for pk in critical}

    def root(pk: int) -> int:
        while group[pk] != pk:
            group[pk] = group[group[pk]]
            pk = group[pk]
        return pk

    project_id = next(iter(critical.values())).project_id
    for pred, succ in Dependency.objects.filter(
        predecessor__project_id=project_id, predecessor__critical=True, successor__critical=True
    ).values_list("predecessor_id", "successor_id"):
        group[root(pred)] = root(succ)
    chains: dict[int, list[WorkItem]] = {}
    for pk, item in critical.items():
        chains.setdefault(root(pk), []).append(item)
    ordered = [
        sorted(chain, key=lambda item: (item.early_start, item.early_finish, item.order))
        for chain in chains.values()
    ]
    return sorted(ordered, key=lambda chain: (chain[0].early_start, chain[0].order))
