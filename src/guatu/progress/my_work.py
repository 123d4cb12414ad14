"""本周待填报: what a town's or a department's official reports on this week.

The items they report on that are under way — those not yet reported this
week first, each with its last figure — and their open blockers. The page
(``web.my_work``) shows it; the reminders (``notify``) send the unreported
ones before the weekly cut-off.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery

from guatu.accounts.models import Role
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.selectors import (
    COUNTS,
    IN_FORCE,
    LatestReport,
    blockers_open,
    latest_report_values,
)
from guatu.progress.status import ItemStatus, items_status
from guatu.projects.models import WorkItem
from guatu.projects.selectors import is_under_way_by, under_way_by


@dataclass(frozen=True)
class DueItem:
    item: WorkItem
    status: ItemStatus | None
    last: LatestReport | None
    reported_this_week: bool


def own_items(user) -> Q:
    """What *user* answers for: their town's, or their department's (work items and blockers
    both carry ``town`` and ``owner_department``)."""
    if user.role == Role.TOWN:
        return Q(town_id=user.town_id)
    return Q(owner_department_id=user.department_id)


LIGHT_ORDER = ("red", "yellow", "green", "not_started", "done")


@dataclass(frozen=True)
class MyWork:
    rows: list[DueItem]
    blockers: list[Blocker]
    lights: list[tuple[str, int]]  # every own item's light, counted, red first


def _week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def due_items(items: list[WorkItem], statuses: dict, today: date) -> list[DueItem]:
    """Of *items* (tasks, with their *statuses*), those under way this week and not done,
    each with its last report: the one rule of "to report this week" for a person's page,
    the reminders, the office's list of units not yet reported and the 待办."""
    monday, sunday = _week(today)
    under_way = [item for item in items if is_under_way_by(item, sunday)]
    latest = latest_report_values(work_item_ids=[item.pk for item in under_way])
    return [
        DueItem(
            item,
            statuses.get(item.pk),
            latest.get(item.pk),
            latest.get(item.pk) is not None and latest[item.pk].reported_on >= monday,
        )
        for item in under_way
        if statuses.get(item.pk) is None or statuses[item.pk].light != "done"
    ]


def my_work(user, today: date) -> MyWork:
    """Items under way this week (unreported first), the lights of all one's items, and
    one's open blockers."""
    every = list(
        WorkItem.objects.filter(own_items(user), kind=WorkItem.Kind.TASK)
        .select_related("project")
        .order_by("project__code", "order", "code")
    )
    statuses = items_status(items=every, as_of=today)
    counted = Counter(status.light for status in statuses.values())
    rows = due_items(every, statuses, today)
    rows.sort(key=lambda row: row.reported_this_week)
    blockers = blockers_open().filter(own_items(user))
    return MyWork(
        rows=rows,
        blockers=list(blockers.select_related("work_item__project").order_by("due_on")),
        lights=[(light, counted[light]) for light in LIGHT_ORDER if counted[light]],
    )


@dataclass(frozen=True)
class UnitDue:
    """A town or a department with items still to report this week."""

    unit: object  # Town or Department
    kind: str  # "town" or "department"
    rows: list[DueItem]


def unreported_query(where: Q, today: date):
    """The tasks of *where* still to report this week, as one query: under way by Sunday,
    no report in force since Monday, not done (their latest report that counts, as of
    *today*, is below 100 %, or there is none). The same items as ``due_items`` keeps and
    marks unreported — checked item for item in tests/progress/test_unreported.py — but
    counted by the database: the 待办 count is on every page."""
    monday, sunday = _week(today)
    this_week = ProgressReport.objects.filter(
        IN_FORCE, work_item=OuterRef("pk"), reported_on__gte=monday
    )
    latest = (
        ProgressReport.objects.filter(COUNTS, work_item=OuterRef("pk"), reported_on__lte=today)
        .order_by("-reported_on", "-created_at", "-id")
        .values("percent_complete")[:1]
    )
    return (
        WorkItem.objects.filter(where, under_way_by(sunday), kind=WorkItem.Kind.TASK)
        .exclude(Exists(this_week))
        .annotate(latest_percent=Subquery(latest))
        .filter(Q(latest_percent__isnull=True) | Q(latest_percent__lt=100))
    )


def unreported_items(where: Q, today: date) -> list[DueItem]:
    """``unreported_query``'s items with their status and last report, the rule applied to
    them again (``due_items``) for the lists that show them."""
    candidates = list(
        unreported_query(where, today)
        .select_related("project", "town", "owner_department")
        .order_by("project__code", "order", "code")
    )
    statuses = items_status(items=candidates, as_of=today) if candidates else {}
    return [row for row in due_items(candidates, statuses, today) if not row.reported_this_week]


def units_not_reported_count(city, today: date) -> int:
    """How many towns and departments ``units_not_reported`` lists, counted by the database."""
    found = unreported_query(Q(project__city=city), today)
    towns = found.exclude(town=None).values("town_id").distinct().count()
    departments = found.exclude(owner_department=None).values("owner_department_id")
    return towns + departments.distinct().count()


def units_not_reported(city, today: date) -> list[UnitDue]:
    """Every town and department of *city* with an item under way this week that nobody
    has reported yet, with those items (the office's 待办 and its reminder)."""
    found: dict[tuple[str, int], UnitDue] = {}
    for row in unreported_items(Q(project__city=city), today):
        item = row.item
        for kind, unit in (("town", item.town), ("department", item.owner_department)):
            if unit is not None:
                key = (kind, unit.pk)
                if key not in found:
                    found[key] = UnitDue(unit, kind, [])
                found[key].rows.append(row)
    return sorted(found.values(), key=lambda due: (due.kind != "town", -len(due.rows)))
