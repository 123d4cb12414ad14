"""A 前期 node that slips is a problem of the 问题清单 by itself (category 手续审批).

Swept after each of the worker's rounds (``RisksWarmed``, every few minutes) and by the
demo: an unfinished 前期 item (``WorkItem.prework_code``) whose time node has passed or
whose light is red gets one open problem, on its own department, due in the first
level's working days; the office 交办s it like any other. One open problem an item: a
closed one lets the next slip open a new one.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from guatu.common.events import BlockerOpened, publish
from guatu.core import problems as core
from guatu.org.clock import office_calendar
from guatu.problems.rules import rules_on
from guatu.progress.models import Blocker
from guatu.progress.status import items_status
from guatu.projects.models import WorkItem


def slipped(status) -> bool:
    return (
        status is not None
        and status.light != "done"
        and (status.flag == "overdue" or status.light == "red")
    )


def prework_slips(city, today: date) -> list[Blocker]:
    """Open a problem for each 前期 node of *city* that slipped and has none open."""
    items = list(
        WorkItem.objects.filter(project__city=city)
        .exclude(prework_code="")
        .select_related("project__owner_department", "owner_department")
    )
    if not items:
        return []
    statuses = items_status(items=items, as_of=today)
    late = [item for item in items if slipped(statuses.get(item.pk))]
    if not late:
        return []
    rules = rules_on(city, today)
    due = core.due_after(office_calendar(city), today, rules.days_at(1))
    opened = []
    with transaction.atomic():
        # The late items' rows are the lock: two sweeps at once open one problem, not two.
        list(
            WorkItem.objects.select_for_update()
            .filter(pk__in=[item.pk for item in late])
            .values_list("pk")
        )
        covered = set(
            Blocker.objects.filter(work_item__in=late, source=Blocker.Source.PREWORK)
            .exclude(status=Blocker.Status.RESOLVED)
            .values_list("work_item_id", flat=True)
        )
        for item in (item for item in late if item.pk not in covered):
            blocker = Blocker(
                work_item=item,
                town=item.town,
                owner_department=item.owner_department or item.project.owner_department,
                responsible_person=_("to be named"),
                description=_("前期 node %(node)s has slipped: it is late against its plan.")
                % {"node": item.name},
                opened_on=today,
                due_on=due,
                category=core.APPROVAL,
                source=Blocker.Source.PREWORK,
            )
            blocker.full_clean()
            blocker.save(force_insert=True)
            publish(BlockerOpened(blocker))
            opened.append(blocker)
    return opened
