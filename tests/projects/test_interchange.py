"""MSPDI into and out of the database, from the services and from the pages."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from guatu.core.mspdi import read_mspdi
from guatu.core.mspdi_schedule import schedule_project
from guatu.org.models import CalendarException
from guatu.progress.models import ProgressReport
from guatu.projects.interchange import project_export_mspdi, project_import_mspdi
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import planned_schedule
from tests.office import office

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "core" / "data" / "mspdi"


def test_import_keeps_tasks_links_constraints_and_microsofts_schedule(city, departments):
    project = project_import_mspdi(
        actor=office(),
        path=DATA / "task-links-project2010-mspdi.xml",
        code="links-2010",
        city=city,
        owner_department=departments["交通局"],
    )
    assert project.calendar == Project.Calendar.WEEKLY
    assert project.work_items.count() == 16
    assert Dependency.objects.filter(predecessor__project=project).count() == 8
    week_lag = Dependency.objects.get(successor__code="uid-8")
    assert (week_lag.type, week_lag.lag_days) == ("FS", 5)
    assert project.work_items.get(code="uid-1").planned_start == date(2014, 10, 17)
    # The plan's 倒排 dates (nothing reported) are Microsoft Project's own; the stored plan
    # start is its early start.
    plan = read_mspdi(DATA / "task-links-project2010-mspdi.xml")
    planned = planned_schedule(project)
    for task in schedule_project(plan).tasks:
        item = project.work_items.get(code=f"uid-{task.uid}")
        assert item.plan_start.isoformat() == task.computed["EarlyStart"][:10]
        mine = planned[item.pk]
        assert mine["early_start"].isoformat() == task.computed["EarlyStart"][:10]
        assert mine["late_finish"].isoformat() == task.computed["LateFinish"][:10]
        assert mine["total_float"] == int(task.computed["TotalSlack"]) // 4800


def test_manual_tasks_are_imported_fixed(city, departments):
    project = project_import_mspdi(
        actor=office(),
        path=DATA / "task-links-project2016-mspdi.xml",
        code="manual",
        city=city,
        owner_department=departments["交通局"],
    )
    assert project.work_items.filter(fixed=True).count() == 16


def test_a_file_guatu_cannot_schedule_leaves_nothing(city, departments):
    with pytest.raises(ValidationError) as raised:
        project_import_mspdi(
            actor=office(),
            path=DATA / "mspditimephasedsegments.xml",
            code="x",
            city=city,
            owner_department=departments["交通局"],
        )
    assert "Task Fifteen（UID 16）" in raised.value.message_dict["file"][0]
    assert not Project.objects.filter(code="x").exists()
    assert not WorkItem.objects.exists()


def test_export_then_import_gives_the_same_schedule(project, make_item, city, departments):
    from guatu.projects.services import Link, dependencies_add

    # MSPDI has no project-level deadline: Microsoft Project schedules late
    # dates back from the project's early finish, and so does the round trip.
    project.deadline = None
    project.save(update_fields=["deadline"])
    a = make_item("a", name="征地", duration_days=30, planned_start=date(2019, 9, 1))
    b = make_item("b", name="交地", kind="milestone", duration_days=0, deadline=date(2019, 10, 15))
    c = make_item("c", name="开工", duration_days=10)
    dependencies_add(actor=office(), project=project, links=[Link(a, b), Link(b, c, "SS", 2)])
    CalendarException.objects.create(city=city, date=date(2019, 9, 10), working=False)
    xml = project_export_mspdi(project=project)
    assert b"<Project xmlns=" in xml and "征地".encode() in xml
    path = Path(project.code + ".xml")
    try:
        path.write_bytes(xml)
        again = project_import_mspdi(
            actor=office(),
            path=path,
            code="again",
            city=city,
            owner_department=departments["交通局"],
        )
    finally:
        path.unlink()
    original = {
        i.name: (i.plan_start, i.early_start, i.late_finish, i.total_float)
        for i in project.work_items.all()
    }
    copied = {
        i.name: (i.plan_start, i.early_start, i.late_finish, i.total_float)
        for i in again.work_items.all()
    }
    assert copied == original


def test_the_pages_export_and_import(demo):
    from guatu.accounts.models import User

    supervisor = Client()
    supervisor.force_login(User.objects.get(username="supervisor"))
    response = supervisor.get("/projects/jintai-railway/mspdi.xml")
    assert response.status_code == 200
    assert "金台铁路永康段".encode() in response.content
    assert "attachment" in response["Content-Disposition"]

    with (DATA / "mspdirelations.xml").open("rb") as upload:
        department = demo and User.objects.get(username="dept_jiaotong").department
        response = supervisor.post(
            "/projects/import/",
            {
                "file": upload,
                "code": "relations",
                "name": "关系测试",
                "owner_department": department.pk,
            },
        )
    assert response.status_code == 302
    assert Project.objects.get(code="relations").work_items.count() == 5

    town = Client()
    town.force_login(User.objects.get(username="town_shizhu"))
    with (DATA / "mspdirelations.xml").open("rb") as upload:
        response = town.post(
            "/projects/import/",
            {
                "file": upload,
                "code": "sneaky",
                "owner_department": department.pk,
            },
        )
    assert response.status_code == 403
    assert not Project.objects.filter(code="sneaky").exists()
    assert ProgressReport.objects.exists()  # the demo is untouched


def test_the_import_page_names_a_bad_file(demo):
    from guatu.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    department = User.objects.get(username="dept_jiaotong").department
    with (DATA / "mspditimephasedsegments.xml").open("rb") as upload:
        response = client.post(
            "/projects/import/",
            {
                "file": upload,
                "code": "timephased",
                "owner_department": department.pk,
            },
        )
    assert response.status_code == 200
    assert "Task Fifteen（UID 16）" in response.text and "整分钟" in response.text
    assert not Project.objects.filter(code="timephased").exists()
