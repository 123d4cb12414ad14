"""Every change to a schedule input recomputes the project in the same transaction."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from guatu.org.models import CalendarException
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.services import (
    Link,
    dependencies_add,
    joint_milestone_create,
    work_item_update,
)
from tests.office import office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seen_before_the_start(city):
    """These tests are about the plan: seen before the projects start, nothing is pushed
    to a data date (``test_data_date.py`` schedules from one)."""
    city.status_date = date(2016, 6, 30)
    city.save(update_fields=["status_date"])


@pytest.fixture
def working_project(city, departments) -> Project:
    return Project.objects.create(
        city=city,
        code="park",
        name="石柱镇小微企业园",
        start_date=date(2019, 9, 26),
        deadline=date(2019, 10, 31),
        calendar=Project.Calendar.WORKING_DAY,
        owner_department=departments["交通局"],
    )


def refreshed(item: WorkItem) -> WorkItem:
    item.refresh_from_db()
    return item


def test_late_dates_come_from_the_deadline(project, make_item):
    a = make_item("a", duration_days=100, planned_start=date(2020, 1, 1))
    b = make_item("b", duration_days=30)
    dependencies_add(actor=office(), project=project, links=[Link(a, b)])
    a, b = refreshed(a), refreshed(b)
    assert (a.early_start, a.early_finish) == (date(2020, 1, 1), date(2020, 4, 9))
    assert (b.early_start, b.early_finish) == (date(2020, 4, 10), date(2020, 5, 9))
    # 倒排 from 2020-06-30: b may finish that day, a 30 days before b may start.
    assert (b.late_start, b.late_finish) == (date(2020, 6, 1), date(2020, 6, 30))
    assert a.late_finish == date(2020, 5, 31)
    assert a.total_float == b.total_float == 52 and not a.critical
    project.refresh_from_db()
    assert project.early_finish == date(2020, 5, 9) and project.scheduled_at is not None


def test_a_missed_time_node_gives_negative_float(project, make_item):
    land = make_item("zd", name="征地", duration_days=60, planned_start=date(2019, 9, 1))
    handover = make_item(
        "jd", name="交地", kind="milestone", duration_days=0, deadline=date(2019, 10, 15)
    )
    dependencies_add(actor=office(), project=project, links=[Link(land, handover)])
    land, handover = refreshed(land), refreshed(handover)
    assert handover.early_finish == date(2019, 10, 30)
    assert handover.total_float == land.total_float == -15
    assert land.critical and handover.critical


def test_changing_a_duration_reschedules(project, make_item):
    a = make_item("a", duration_days=10, planned_start=date(2020, 6, 1))
    assert refreshed(a).early_finish == date(2020, 6, 10)
    work_item_update(actor=office(), item=a, duration_days=40)
    a = refreshed(a)
    assert a.early_finish == date(2020, 7, 10) and a.total_float == -10


def test_a_fixed_item_keeps_its_start(project, make_item):
    a = make_item("a", duration_days=20, planned_start=date(2020, 1, 1))
    b = make_item("b", duration_days=5, planned_start=date(2020, 1, 10), fixed=True)
    dependencies_add(actor=office(), project=project, links=[Link(a, b)])
    b = refreshed(b)
    assert b.early_start == date(2020, 1, 10)
    assert refreshed(a).total_float < refreshed(b).total_float


def test_the_working_calendar_skips_national_day(working_project, towns):
    item = WorkItem.objects.create(project=working_project, code="x", name="设计", duration_days=5)
    work_item_update(actor=office(), item=item, duration_days=5)
    item = refreshed(item)
    # 9-26, 9-27, 9-29 (调休 Sunday), 9-30, then 国庆 until 10-7: 10-8 is the fifth day.
    assert (item.early_start, item.early_finish) == (date(2019, 9, 26), date(2019, 10, 8))
    assert item.late_finish == date(2019, 10, 31)


def test_a_city_exception_moves_the_dates(working_project, city):
    CalendarException.objects.create(
        city=city, date=date(2019, 9, 27), working=False, note="台风停工"
    )
    item = WorkItem.objects.create(project=working_project, code="x", name="设计", duration_days=1)
    work_item_update(actor=office(), item=item, duration_days=2)
    assert refreshed(item).early_finish == date(2019, 9, 29)


def test_years_without_holiday_data_are_flagged(working_project):
    work_item_update(
        actor=office(),
        item=WorkItem.objects.create(project=working_project, code="x", name="建成"),
        duration_days=2500,
    )
    working_project.refresh_from_db()
    assert working_project.calendar_uncovered_years
    assert min(working_project.calendar_uncovered_years) == 2027


def test_a_joint_milestone_waits_for_its_latest_branch(project, make_item):
    main = make_item("zx", duration_days=100, planned_start=date(2020, 1, 1))
    station = make_item("zc", duration_days=150, planned_start=date(2020, 1, 1))
    milestone = joint_milestone_create(
        actor=office(),
        project=project,
        code="jf",
        name="同期交付",
        deadline=date(2020, 6, 30),
        branches=[main, station],
    )
    milestone = refreshed(milestone)
    assert milestone.early_finish == date(2020, 5, 29)
    assert refreshed(station).critical is False
    assert refreshed(station).total_float == milestone.total_float == 32


def test_a_cycle_is_refused_and_the_stored_schedule_is_unchanged(project, make_item):
    a, b = make_item("a", duration_days=5), make_item("b", duration_days=5)
    dependencies_add(actor=office(), project=project, links=[Link(a, b)])
    before = refreshed(b).early_start
    with pytest.raises(ValidationError):
        dependencies_add(actor=office(), project=project, links=[Link(b, a)])
    assert Dependency.objects.count() == 1
    assert refreshed(b).early_start == before


def test_a_year_without_holiday_data_is_shown_to_the_user(users, project):
    from guatu.projects.models import Project
    from guatu.projects.services import work_item_create

    project.calendar = Project.Calendar.WORKING_DAY
    project.save(update_fields=["calendar"])
    work_item_create(
        actor=office(), project=project, code="long", name="园区建成", duration_days=3500
    )
    from django.test import Client

    client = Client()
    client.force_login(users["town"])
    text = client.get(f"/projects/{project.code}/").text
    assert "尚无法定节假日数据" in text and "2027" in text


def test_a_time_node_before_the_project_start_is_negative_float_not_an_error(
    working_project, towns
):
    # Found by the page benchmark: a node already past at the start crashed the
    # status computation instead of showing how late the item is.
    item = WorkItem.objects.create(
        project=working_project, code="x", name="交地", duration_days=5, deadline=date(2019, 9, 20)
    )
    work_item_update(actor=office(), item=item, duration_days=5)
    item = refreshed(item)
    assert item.total_float == -8  # its 5 working days + 9-23, 9-24, 9-25 before the start
    from guatu.progress.status import items_status

    assert items_status(items=[item], as_of=date(2019, 11, 15))[item.pk].light == "red"


def test_plans_of_many_projects_read_each_ones_items_links_and_calendar(
    project, working_project, city, make_item
):
    """``plan_networks`` (one query for a whole city) builds what one project's plan holds:
    its own items and links, and its calendar with its own days over the city's."""
    from guatu.projects.scheduling import plan_networks, project_calendar

    a = make_item("a", duration_days=3)
    b = make_item("b", duration_days=4)
    dependencies_add(actor=office(), project=project, links=[Link(a, b, "SS", 2)])
    other = WorkItem.objects.create(project=working_project, code="x", name="设计", duration_days=2)
    CalendarException.objects.create(city=city, date=date(2019, 9, 27), working=False)
    CalendarException.objects.create(  # the project's own day overrides the city's
        city=city, project=working_project, date=date(2019, 9, 27), working=True
    )
    CalendarException.objects.create(city=city, date=date(2019, 9, 30), working=False)
    plans = plan_networks([project, working_project])
    railway, park = plans[project.pk], plans[working_project.pk]
    assert [i.pk for i in railway.items] == [a.pk, b.pk]
    assert [i.pk for i in park.items] == [other.pk]
    assert list(railway.network.duration) == [3, 4] and park.network.duration.tolist() == [2]
    assert railway.network.lag.tolist() == [2] and len(park.network.lag) == 0
    assert park.calendar == project_calendar(working_project)
    assert park.calendar.exceptions == {date(2019, 9, 27): True, date(2019, 9, 30): False}
    assert railway.calendar == project_calendar(project)  # 日历天: no exceptions apply
