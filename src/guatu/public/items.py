"""Information items (信息条目): what a disclosed project has to tell the public, and when.

A piece of information arises on a day, and each kind has its own:

- an approval (批准结果信息) on its 批准日期;
- 开工 on the project's 实际开工 (``Project.groundbreaking``);
- a month's progress (施工有关信息) at the month's end, for every month from the one
  before the project was disclosed.

Each has a stable key, so the day it was first published is kept once
(``PublishedItem``) and read by the pages, the snapshot and the office's 待办 alike. The
office's 20 working days run from the day an item arose, or from the day its project
was disclosed when that came later: information older than the decision to publish the
project is due from that decision, not overdue from the day it arose.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from guatu.investment.rules import month_end
from guatu.org.clock import office_calendar
from guatu.org.models import City
from guatu.projects.models import Project
from guatu.public.clock import due_on, working_days_left
from guatu.public.models import Approval, Disclosure, PublishedItem

__all__ = [
    "APPROVAL",
    "PROGRESS",
    "START",
    "DueItem",
    "InfoItem",
    "disclosed_projects",
    "information_items",
    "items_due",
    "month_key",
]

APPROVAL, START, PROGRESS = "approval", "start", "progress"


@dataclass(frozen=True)
class InfoItem:
    key: str
    kind: str
    project: Project
    arose: date
    #: The day the office's clock starts: when it arose, or when the project was disclosed.
    clock_from: date
    approval: Approval | None = None
    month: tuple[int, int] | None = None

    @property
    def title(self) -> str:
        """What the item is, in a few words (the office's list, the public page)."""
        if self.kind == APPROVAL:
            return _("Approval: %(matter)s") % {"matter": self.approval.matter}
        if self.kind == START:
            return _("Start of works")
        year, month = self.month
        return _("Progress of %(year)s-%(month)02d") % {"year": year, "month": month}


@dataclass(frozen=True)
class DueItem:
    item: InfoItem
    due: date
    left: int  # working days left; negative: working days late

    @property
    def late(self) -> int:
        """Working days late (0 while it is not)."""
        return max(-self.left, 0)


def month_key(project_id: int, year: int, month: int) -> str:
    return f"{PROGRESS}:{project_id}:{year:04d}-{month:02d}"


def disclosed_projects(city: City) -> list[tuple[Project, date]]:
    """The city's disclosed projects (by code) with the day each was disclosed."""
    rows = (
        Disclosure.everywhere.filter(project__city=city, disclosed=True)
        .select_related("project")
        .order_by("project__code")
    )
    return [(row.project, row.since) for row in rows]


def _months(first: date, up_to: date) -> list[tuple[int, int]]:
    """The months from the one before *first*'s to the last that ended by *up_to*."""
    year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
    months = []
    while month_end(year, month) <= up_to:
        months.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def information_items(
    city: City, *, up_to: date, projects: list[tuple[Project, date]] | None = None
) -> list[InfoItem]:
    """Every item of the city's disclosed *projects* that arose by *up_to*."""
    projects = disclosed_projects(city) if projects is None else projects
    if not projects:
        return []
    since = {project.pk: day for project, day in projects}
    approvals: dict[int, list[Approval]] = {}
    for approval in Approval.everywhere.filter(
        project__in=list(since), approved_on__lte=up_to
    ).order_by("approved_on", "pk"):
        approvals.setdefault(approval.project_id, []).append(approval)
    items = []
    for project, disclosed in projects:
        for approval in approvals.get(project.pk, []):
            items.append(
                InfoItem(
                    f"{APPROVAL}:{approval.pk}",
                    APPROVAL,
                    project,
                    approval.approved_on,
                    max(approval.approved_on, disclosed),
                    approval=approval,
                )
            )
        started = project.groundbreaking
        if started is not None and started <= up_to:
            key = f"{START}:{project.pk}:{started.isoformat()}"
            items.append(InfoItem(key, START, project, started, max(started, disclosed)))
        for year, month in _months(disclosed, up_to):
            end = month_end(year, month)
            items.append(
                InfoItem(
                    month_key(project.pk, year, month),
                    PROGRESS,
                    project,
                    end,
                    max(end, disclosed),
                    month=(year, month),
                )
            )
    return items


def items_due(city: City, today: date) -> list[DueItem]:
    """The items arisen by *today* and not yet published, the most urgent first, each with
    its last day and the office's working days left (minus: late)."""
    items = information_items(city, up_to=today)
    if not items:
        return []
    published = set(
        PublishedItem.everywhere.filter(city=city, key__in=[item.key for item in items])
        .order_by()
        .values_list("key", flat=True)
    )
    waiting = [item for item in items if item.key not in published]
    if not waiting:
        return []
    calendar = office_calendar(city)
    due = []
    for item in waiting:
        last = due_on(calendar, item.clock_from)
        due.append(DueItem(item, last, working_days_left(calendar, today, last)))
    return sorted(due, key=lambda row: (row.due, row.item.project.code, row.item.key))
