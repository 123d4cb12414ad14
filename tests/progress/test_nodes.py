"""Overdue time nodes counted by the wall chart's own rule (issue 29)."""

from datetime import date

import pytest

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.progress.nodes import overdue_nodes
from guatu.progress.status import items_status
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import schedule_recalculate
from guatu.projects.services import work_item_create
from guatu.web.wallchart import _node_flag

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)


def test_a_zero_duration_task_is_judged_by_its_own_time_node_as_the_wall_chart_does(demo):
    """Its late finish has passed (a successor due long ago) but its own time node has
    not: the wall chart flies no black flag, and the count agrees (it counted the late
    finish before)."""
    city = City.objects.get()
    before = overdue_nodes(as_of=TODAY, city=city)
    project = Project.objects.get(code="jintai-railway")
    successor = (
        WorkItem.objects.filter(
            project=project,
            kind=WorkItem.Kind.TASK,
            late_start__lt=TODAY,
            total_float__isnull=False,  # not finished: a finished item holds nothing back
        )
        .order_by("late_start")
        .first()
    )
    task = work_item_create(
        project=project,
        actor=User.objects.get(username="supervisor"),
        reschedule=False,
        code="zero-node",
        name="签订征迁协议（节点）",
        kind=WorkItem.Kind.TASK,
        duration_days=0,
        deadline=date(2019, 12, 31),
        town=successor.town,
    )
    Dependency.objects.create(predecessor=task, successor=successor, type="FS", lag_days=0)
    schedule_recalculate(project=project)
    task.refresh_from_db()
    assert task.late_finish < TODAY < task.deadline
    status = items_status(items=[task], as_of=TODAY)[task.pk]
    assert _node_flag(task, status, TODAY) != "overdue"
    assert overdue_nodes(as_of=TODAY, city=city) == before
