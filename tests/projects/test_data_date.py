"""The stored schedule runs from the data date with what has been reported (issue 31)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from guatu.notify.worker import run_once, sweep
from guatu.org.models import City
from guatu.progress.services import report_submit
from guatu.progress.status import items_status
from guatu.projects.models import Project, WorkItem
from guatu.projects.scheduling import planned_schedule, schedule_recalculate
from guatu.projects.services import Link, dependencies_add
from tests.office import office

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(city, project, make_item):
    """征地 (20 days) → 路基 (30 days) → 交地 node on 2016-09-30, seen on 2016-08-12."""
    city.status_date = date(2016, 8, 12)
    city.save(update_fields=["status_date"])
    project.calendar = Project.Calendar.WORKING_DAY
    project.save(update_fields=["calendar"])
    land = make_item("zd", name="征地", duration_days=20)
    road = make_item("lj", name="路基", duration_days=30)
    node = make_item(
        "jd", name="交地", kind="milestone", duration_days=0, deadline=date(2016, 9, 30)
    )
    dependencies_add(actor=office(), project=project, links=[Link(land, road), Link(road, node)])
    return land, road, node


def fresh(*items: WorkItem) -> list[WorkItem]:
    return [WorkItem.objects.get(pk=item.pk) for item in items]


def report(item, users, day, percent):
    return report_submit(
        reported_by=users["town"], work_item=item, reported_on=day, percent=Decimal(percent)
    )


def test_nothing_reported_pushes_the_work_to_the_data_date(chain):
    land, road, node = fresh(*chain)
    # Planned: 征地 from 2016-07-01; seen on 2016-08-12 with nothing done, it starts on
    # Monday 2016-08-15 and the node slips: negative float, the same days on every item.
    assert land.plan_start == date(2016, 7, 1)
    assert land.early_start == date(2016, 8, 15)
    assert node.early_finish > node.deadline
    assert land.total_float == road.total_float == node.total_float < 0
    assert land.critical and node.critical
    project = node.project
    project.refresh_from_db()
    assert project.scheduled_for == date(2016, 8, 12)


def test_a_report_moves_the_schedule_in_its_own_transaction(chain, users):
    land, road, node = fresh(*chain)
    before = node.total_float
    report(land, users, date(2016, 8, 12), "100")
    land, road, node = fresh(land, road, node)
    # Finished: its actual dates (the plan's start, the report's day), no float.
    assert land.early_start == date(2016, 7, 1) and land.early_finish == date(2016, 8, 12)
    assert land.total_float is None and not land.critical
    assert road.early_start == date(2016, 8, 15)
    assert node.total_float > before
    report(road, users, date(2016, 8, 12), "50")
    road, node = fresh(road, node)
    # Half done by 2016-08-12: it started as planned (the report allows it); the 15 days
    # left run from Monday 2016-08-15.
    assert road.early_start == road.plan_start == date(2016, 7, 29)
    assert road.early_finish == date(2016, 9, 2)
    assert node.total_float > before


def test_an_overdue_item_has_negative_float_and_its_flag_agrees(chain, users):
    node = fresh(chain[2])[0]
    City.objects.filter(pk=node.project.city_id).update(status_date=date(2016, 10, 10))
    sweep()  # the worker brings the schedule to the new data date
    node = fresh(node)[0]
    status = items_status(items=[node])[node.pk]
    assert status.flag == "overdue"
    assert node.total_float < 0


def test_changing_the_status_date_in_the_admin_reschedules_the_city(chain):
    land = fresh(chain[0])[0]
    city = City.objects.get(pk=land.project.city_id)
    request = RequestFactory().post("/")
    request.user = office()
    city.status_date = date(2016, 9, 1)
    site._registry[City].save_model(
        request, city, SimpleNamespace(changed_data=["status_date"]), change=True
    )
    land = fresh(land)[0]
    land.project.refresh_from_db()
    assert land.project.scheduled_for == date(2016, 9, 1)
    assert land.early_start == date(2016, 9, 2)


def test_the_plan_stays_what_was_agreed(chain, users):
    land, road, node = fresh(*chain)
    planned = planned_schedule(node.project)
    report(land, users, date(2016, 8, 12), "40")
    land, road, node = fresh(land, road, node)
    assert (land.plan_start, land.plan_finish) == (
        planned[land.pk]["early_start"],
        planned[land.pk]["early_finish"],
    )
    assert planned_schedule(node.project) == planned


def test_the_worker_catches_up_a_schedule_a_burst_left_behind(chain, users):
    """A report that found its project being rescheduled by another left it to the worker."""
    land, road, _node = fresh(*chain)
    report(land, users, date(2016, 8, 12), "40")
    right = fresh(road)[0].early_finish
    # As if the report's own reschedule had been skipped: the stored dates are older.
    WorkItem.objects.filter(pk=road.pk).update(early_finish=date(2030, 1, 1))
    run_once()
    assert fresh(road)[0].early_finish == right


def test_a_burst_of_reports_is_rescheduled_once_then_caught_up(chain, users, settings):
    """Within the debounce a second report leaves its project to the worker's catch-up."""
    settings.GUATU_RESCHEDULE_DEBOUNCE_S = 60.0
    land, road, _node = fresh(*chain)  # just scheduled by the fixture: a burst is on
    before = road.early_finish
    report(land, users, date(2016, 8, 12), "100")
    assert fresh(road)[0].early_finish == before  # not yet: the project was just scheduled
    run_once()
    assert fresh(road)[0].early_finish < before  # 征地 done: 路基 can start on the 15th


def test_without_a_target_date_the_plans_finish_is_the_target(chain):
    land, _road, node = fresh(*chain)
    project = node.project
    WorkItem.objects.filter(pk=node.pk).update(deadline=None)
    project.deadline = None
    project.save(update_fields=["deadline"])
    schedule_recalculate(project=project)
    land, node = fresh(land, node)
    # Nothing done by 2016-08-12 of work planned from 2016-07-01: late against the plan's
    # own finish, not moving it.
    assert node.late_finish == node.plan_finish
    assert node.total_float < 0 and land.total_float < 0
