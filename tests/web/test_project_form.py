"""Projects from the web (issue 32): the office creates and edits a project, its work items
and their links in forms that write through the same services as the admin and the plan
import — checked at the fields, rescheduled, audited — and nobody else opens them."""

import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation

from guatu.audit.models import AuditEntry
from guatu.org.models import City, Department, Town
from guatu.projects.models import Dependency, Project, WorkItem

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def world() -> list:
    """Every stored value of projects, items and links: a refusal changes none of them."""
    return [
        list(Project.everywhere.order_by("pk").values()),
        list(WorkItem.everywhere.order_by("pk").values()),
        list(Dependency.everywhere.order_by("pk").values()),
    ]


def project_form(departments, **changes) -> dict:
    form = {
        "code": "ring-road",
        "name": "环城北路改造",
        "programme": "城市更新",
        "owner_department": departments["交通局"].pk,
        "start_date": "2019-01-01",
        "deadline": "2020-06-30",
        "calendar": "calendar_day",
        "description": "",
    }
    return {**form, **changes}


def item_form(towns, departments, **changes) -> dict:
    form = {
        "code": "a",
        "name": "征地",
        "kind": "task",
        "phase": "",
        "town": towns["石柱镇"].pk,
        "owner_department": departments["自然资源局"].pk,
        "quantity_target": "120",
        "unit": "mu",
        "planned_value": "",
        "duration_days": "30",
        "planned_start": "",
        "deadline": "",
    }
    return {**form, **changes}


def errors_at(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors.get(field, [])
    for error in errors:
        assert html.escape(error) in response.content.decode()  # shown on the page
    return errors


def in_chinese(errors: list[str], msgid: str | None = None) -> bool:
    """Whether the errors read in Chinese. A message new in issue 32 (*msgid*) reads in
    Chinese once its translation is merged; until then it must at least be the message."""
    if msgid is not None:
        with translation.override("zh-hans"):
            if translation.gettext(msgid) == msgid:
                return bool(errors)
    return bool(errors) and all(CJK.search(error) for error in errors)


@pytest.fixture
def office(users):
    return client_for(users["supervisor"])


@pytest.fixture
def ring_road(office, towns, departments):
    """The project, two items and a link, all made through the pages."""
    response = office.post("/projects/new/", project_form(departments))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/projects/ring-road/"
    for code, name, days in (("a", "征地", "30"), ("b", "建成", "20")):
        response = office.post(
            "/projects/ring-road/items/new/",
            item_form(towns, departments, code=code, name=name, duration_days=days),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    items = {item.code: item for item in WorkItem.objects.filter(project__code="ring-road")}
    response = office.post(
        "/projects/ring-road/links/",
        {
            "predecessor": items["a"].pk,
            "successor": items["b"].pk,
            "type": "FS",
            "lag_days": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Project.objects.get(code="ring-road")


def test_the_office_finds_the_forms(office, users, project):
    assert 'href="/projects/new/"' in office.get("/projects/").content.decode()
    page = office.get(f"/projects/{project.code}/").content.decode()
    assert f'href="/projects/{project.code}/edit/"' in page
    assert f'href="/projects/{project.code}/items/new/"' in page
    assert f'href="/projects/{project.code}/links/"' in page
    for role in ("town", "department", "leader"):
        client = client_for(users[role])
        assert 'href="/projects/new/"' not in client.get("/projects/").content.decode()
        assert "/edit/" not in client.get(f"/projects/{project.code}/").content.decode()
    form = office.get("/projects/new/")
    assert form.status_code == 200
    text = form.content.decode()
    assert "项目名称" in text or "名称" in text  # labels in Chinese
    assert "责任部门" in text and "开工日期" in text and "目标时间节点" in text
    item = office.get(f"/projects/{project.code}/items/new/").content.decode()
    assert "工期（天）" in item and "目标工程量" in item and "亩" in item and "户" in item


def test_the_office_creates_a_project_with_items_and_a_link(ring_road, towns, departments):
    project = ring_road
    assert project.name == "环城北路改造" and project.city.name == "测试市"
    assert project.supervised_from is not None and project.scheduled_at is not None
    a, b = project.work_items.order_by("order")
    assert (a.code, a.quantity_target, a.unit, a.town, a.owner_department) == (
        "a",
        120,
        "mu",
        towns["石柱镇"],
        departments["自然资源局"],
    )
    assert a.order < b.order
    link = Dependency.objects.get()
    assert (link.predecessor, link.successor, link.type) == (a, b, "FS")
    # Scheduled backwards from the target: b ends on it, a before b starts.
    assert b.late_finish == date(2020, 6, 30)
    assert a.late_finish < b.late_start
    actions = list(
        AuditEntry.objects.filter(allowed=True).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "project_create",
        "work_item_create",
        "work_item_create",
        "dependencies_add",
    ]


def test_the_office_edits_and_the_schedule_follows(office, ring_road, towns, departments):
    a = WorkItem.objects.get(project=ring_road, code="a")
    b = WorkItem.objects.get(project=ring_road, code="b")
    late_before = a.late_finish
    page = office.get(f"/items/{b.pk}/edit/")
    assert page.status_code == 200 and 'value="20"' in page.content.decode()
    response = office.post(
        f"/items/{b.pk}/edit/",
        item_form(towns, departments, code="b", name="建成", duration_days="40"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.duration_days == 40
    assert a.late_finish == late_before - timedelta(days=20)  # recomputed, one transaction
    entry = AuditEntry.objects.filter(action="work_item_update").latest("pk")
    assert entry.detail == {"duration_days": "40"}  # only what changed

    response = office.post(
        "/projects/ring-road/edit/",
        project_form(departments, code="other-code", name="环城北路改造（一期）"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ring_road.refresh_from_db()
    assert ring_road.name == "环城北路改造（一期）"
    assert ring_road.code == "ring-road"  # the code stays (the field is disabled)
    assert AuditEntry.objects.filter(action="project_update").latest("pk").detail == {
        "name": "环城北路改造（一期）"
    }
    # A new target moves the late dates of every item.
    response = office.post(
        "/projects/ring-road/edit/",
        project_form(departments, name="环城北路改造（一期）", deadline="2020-09-30"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    b.refresh_from_db()
    assert b.late_finish == date(2020, 9, 30)

    # A link taken away reschedules too.
    link = Dependency.objects.get(successor=b)
    response = office.post(f"/projects/ring-road/links/{link.pk}/remove/")
    assert response.status_code == 302
    assert not Dependency.objects.exists()
    a.refresh_from_db()
    assert a.late_finish == date(2020, 9, 30)
    assert AuditEntry.objects.filter(action="dependency_remove").exists()


def test_bad_input_is_refused_at_its_field_and_changes_nothing(
    office, ring_road, towns, departments
):
    other = City.objects.create(name="别市", code="330099")
    far_town = Town.objects.create(city=other, name="别镇", order=1)
    far_department = Department.objects.create(city=other, name="别市交通局", short_name="别交")
    b = WorkItem.objects.get(project=ring_road, code="b")
    before = world()
    new_item = "/projects/ring-road/items/new/"
    cases = [
        (new_item, item_form(towns, departments, code="c", quantity_target="1e30"),
         "quantity_target", None),
        (new_item, item_form(towns, departments, code="c", duration_days=str(2**31)),
         "duration_days", None),
        (new_item, item_form(towns, departments, code="c", deadline="9999-12-31"),
         "deadline", None),
        (new_item, item_form(towns, departments, code="c", planned_start="0000-01-01"),
         "planned_start", None),
        (new_item, item_form(towns, departments, code="c", town=far_town.pk), "town", None),
        (new_item, item_form(towns, departments, code="c", owner_department=far_department.pk),
         "owner_department", None),
        (new_item, item_form(towns, departments, code="a"), "code",
         "The project already has a work item with the code “%(code)s”."),
        (new_item, item_form(towns, departments, code="c", deadline="2020-07-01"), "deadline",
         "The time node is later than the project's target date %(target)s."),
        (new_item, item_form(towns, departments, code="c", unit=""), "unit", None),
        (new_item, item_form(towns, departments, code="c", kind="milestone"), "duration_days",
         None),
        (f"/items/{b.pk}/edit/", item_form(towns, departments, code="b", deadline="2021-01-01"),
         "deadline", "The time node is later than the project's target date %(target)s."),
        (f"/items/{b.pk}/edit/", item_form(towns, departments, code="a"), "code",
         "The project already has a work item with the code “%(code)s”."),
        ("/projects/new/", project_form(departments), "code", None),
        ("/projects/new/", project_form(departments, code="x", start_date="9999-01-01"),
         "start_date", None),
        ("/projects/new/", project_form(departments, code="x", deadline="0000-06-30"),
         "deadline", None),
        ("/projects/new/", project_form(departments, code="x", owner_department=far_department.pk),
         "owner_department", None),
        ("/projects/new/", project_form(departments, code="new"), "code",
         "This code is reserved; choose another."),
        ("/projects/ring-road/links/",
         {"predecessor": b.pk, "successor": b.pk, "type": "FS", "lag_days": "0"},
         "successor", None),
        ("/projects/ring-road/links/",
         {"predecessor": b.pk, "successor": b.pk - 1, "type": "FS", "lag_days": str(2**31)},
         "lag_days", None),
    ]  # fmt: skip
    for url, form, field, msgid in cases:
        response = office.post(url, form)
        errors = errors_at(response, field)
        assert in_chinese(errors, msgid), (url, field, form.get(field), errors)
        assert world() == before, (url, field, "changed something")
    # A target earlier than an item's node is refused at the target.
    b.deadline = date(2020, 6, 1)
    b.save(update_fields=["deadline"])
    before = world()
    response = office.post(
        "/projects/ring-road/edit/", project_form(departments, deadline="2020-05-31")
    )
    assert errors_at(response, "deadline")
    assert world() == before
    # A link that closes a cycle is refused, and nothing is stored.
    a = WorkItem.objects.get(project=ring_road, code="a")
    response = office.post(
        "/projects/ring-road/links/",
        {"predecessor": b.pk, "successor": a.pk, "type": "FS", "lag_days": "0"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert world() == before


@pytest.mark.parametrize("role", ["town", "department", "leader"])
def test_nobody_but_the_office_opens_the_forms(role, users, ring_road, towns, departments):
    client = client_for(users[role])
    a = WorkItem.objects.get(project=ring_road, code="a")
    link = Dependency.objects.get()
    forms = {
        "/projects/new/": project_form(departments, code="theirs"),
        "/projects/ring-road/edit/": project_form(departments, name="改名"),
        "/projects/ring-road/items/new/": item_form(towns, departments, code="z"),
        f"/items/{a.pk}/edit/": item_form(towns, departments, duration_days="99"),
        "/projects/ring-road/links/": {
            "predecessor": a.pk,
            "successor": link.successor_id,
            "type": "SS",
            "lag_days": "1",
        },
        f"/projects/ring-road/links/{link.pk}/remove/": {},
    }
    before = world()
    refused = AuditEntry.objects.filter(allowed=False).count()
    for url, form in forms.items():
        assert client.get(url).status_code == 403, url
        assert client.post(url, form).status_code == 403, url
    assert world() == before
    assert AuditEntry.objects.filter(allowed=False).count() == refused + 2 * len(forms)


def test_the_services_refuse_another_citys_units_wherever_they_come_from(
    users, ring_road, departments
):
    """Outside a request nothing filters the drop-downs (the admin of a deployment's
    operator, a command): the services themselves keep a project in its city."""
    from django.core.exceptions import ValidationError

    from guatu.projects.services import project_create, work_item_create, work_item_update

    other = City.objects.create(name="别市", code="330099")
    far_town = Town.objects.create(city=other, name="别镇", order=1)
    far_department = Department.objects.create(city=other, name="别市交通局", short_name="别交")
    before = world()
    office = users["supervisor"]
    with pytest.raises(ValidationError) as refused:
        work_item_create(project=ring_road, actor=office, code="x", name="x", town=far_town)
    assert "town" in refused.value.message_dict
    item = WorkItem.objects.get(project=ring_road, code="a")
    with pytest.raises(ValidationError) as refused:
        work_item_update(item=item, actor=office, owner_department=far_department)
    assert "owner_department" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        project_create(
            city=ring_road.city,
            actor=office,
            code="y",
            name="y",
            start_date=date(2019, 1, 1),
            owner_department=far_department,
        )
    assert "owner_department" in refused.value.message_dict
    assert world() == before


def test_the_admin_writes_through_the_same_services(users, ring_road, departments):
    """The admin's project form is not a third path: the same service, checks and audit."""
    client = client_for(users["supervisor"])
    form = {
        "city": ring_road.city_id,
        "code": "admin-made",
        "name": "后台新建项目",
        "programme": "",
        "description": "",
        "start_date": "2019-01-01",
        "deadline": "2020-06-30",
        "calendar": "calendar_day",
        "owner_department": departments["交通局"].pk,
        "supervised_from": "",
        "task_force-TOTAL_FORMS": "0",
        "task_force-INITIAL_FORMS": "0",
        "task_force-MIN_NUM_FORMS": "0",
        "task_force-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/projects/project/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Project.objects.get(code="admin-made")
    assert made.scheduled_at is not None and made.supervised_from is not None
    assert AuditEntry.objects.filter(action="project_create").latest("pk").target_id == str(made.pk)
    before = world()
    response = client.post("/admin/projects/project/add/", {**form, "code": "ring-road"})
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    response = client.post(
        f"/admin/projects/project/{made.pk}/change/",
        {**form, "deadline": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "deadline" in response.context["adminform"].form.errors
    assert world() == before
    kept = {"supervised_from": made.supervised_from.isoformat()}
    response = client.post(
        f"/admin/projects/project/{made.pk}/change/", {**form, **kept, "name": "后台改名"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEntry.objects.filter(action="project_update").latest("pk").detail == {
        "name": "后台改名"
    }
