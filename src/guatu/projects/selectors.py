"""Read paths for projects: lists, a project with its network, joint-milestone state."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from guatu.accounts.models import Role, User
from guatu.projects.models import (
    SCHEDULE_FIELDS,
    Dependency,
    Project,
    TaskForceMember,
    WorkItem,
)

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


def led_by(user) -> QuerySet[Project]:
    """The projects *user* owns as their 包联市领导 (``Project.leader``), in the list's order.

    The one rule for "a leader's projects": the dashboard's 我包联的项目, the leader's
    待办 (red items), the monthly 会办 agenda and the problems waiting for them all ask
    here. None for anyone who is not a leader (an empty queryset)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.LEADER:
        return Project.objects.none()
    return Project.objects.filter(leader=user).order_by("programme", "start_date", "code")


def city_leaders(city) -> QuerySet[User]:
    """The city's 市领导 who may own a project: active users of *city* with the role
    leader, by name (the project form's choices, the agenda's list)."""
    return User.everywhere.filter(city=city, role=Role.LEADER, is_active=True).order_by(
        "full_name", "username"
    )


#: The order of a 工作专班: the lead, deputies, the 五合一 roles, then the members.
ROLE_RANK = {role: n for n, role in enumerate(TaskForceMember.Role.values)}


def project_task_force(*, project: Project) -> QuerySet[TaskForceMember]:
    """Return the 工作专班 lead first, then deputies, the 五合一 roles, then members."""
    rank = Case(
        *(When(role=role, then=Value(n)) for role, n in ROLE_RANK.items()),
        output_field=IntegerField(),
    )
    return project.task_force.select_related("department").order_by(rank, "id")


def task_force_prefetch() -> Prefetch:
    """The 专班 of many projects read in one query (``prefetch_related``)."""
    return Prefetch("task_force", queryset=TaskForceMember.objects.select_related("department"))


def task_force_in_order(project: Project) -> list[TaskForceMember]:
    """*project*'s 专班 in ``project_task_force``'s order, from ``task_force_prefetch``'s
    rows when they were read (a list of projects), else in one query."""
    members = project.task_force.all()
    if "task_force" not in getattr(project, "_prefetched_objects_cache", {}):
        members = members.select_related("department")
    return sorted(members, key=lambda member: (ROLE_RANK.get(member.role, 99), member.pk))


#: The work-item fields the project page reads (the rest stays in the database).
TABLE_FIELDS = (
    "project_id",
    "code",
    "name",
    "kind",
    "joint",
    "prework_code",
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
    *SCHEDULE_FIELDS,
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
    linked = set()
    for pred, succ in Dependency.objects.filter(
        predecessor__project_id=project_id, predecessor__critical=True, successor__critical=True
    ).values_list("predecessor_id", "successor_id"):
        group[root(pred)] = root(succ)
        linked.add((pred, succ))
    chains: dict[int, list[WorkItem]] = {}
    for pk, item in critical.items():
        chains.setdefault(root(pk), []).append(item)
    ordered = [
        sorted(chain, key=lambda item: (item.early_start, item.early_finish, item.order))
        for chain in chains.values()
    ]
    for chain in ordered:
        # "→" only where one item follows the one before it; parallel branches of one
        # group (two towns' sections feeding one node) are listed side by side.
        for before, item in pairwise(chain):
            item.follows_previous = (before.pk, item.pk) in linked
    return sorted(ordered, key=lambda chain: (chain[0].early_start, chain[0].order))


def under_way_by(day: date) -> Q:
    """Items that should be under way by *day* (and so reported): planned to have started
    by then, or started or scheduled to start by then. The plan keeps an item that is late
    to start on the list; the schedule from the data date adds one that started early."""
    return Q(plan_start__lte=day) | Q(early_start__lte=day)


def is_under_way_by(item, day: date) -> bool:
    """``under_way_by`` on an item already read."""
    return any(start is not None and start <= day for start in (item.plan_start, item.early_start))


def next_item_order(*, project: Project) -> int:
    """The display order for a new item of *project*: after every item it has (as the
    ledger places its new rows)."""
    top = project.work_items.aggregate(top=Max("order"))["top"]
    return (top or 0) + 1
