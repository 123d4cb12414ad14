"""新建 / 编辑项目 through the API: the pages' services, their refusals at the field, the
office only."""

import pytest
from django.test import Client

from guatu.audit.models import AuditEntry
from guatu.projects.models import Dependency, Project, WorkItem

pytestmark = pytest.mark.django_db
JSON = "application/json"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_creates_a_project_its_items_and_a_link_and_edits_them(
    users, departments, towns
):
    office = client_of(users["supervisor"])
    made = office.post(
        "/api/v1/projects",
        {
            "code": "bridge",
            "name": "江南大桥",
            "owner_department": departments["交通局"].pk,
            "start_date": "2020-03-02",
            "deadline": "2020-12-31",
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    for code, days in (("a", 10), ("b", 20)):
        answer = office.post(
            "/api/v1/projects/bridge/items",
            {
                "code": code,
                "name": f"事项{code}",
                "duration_days": days,
                "town": towns["石柱镇"].pk,
            },
            content_type=JSON,
        )
        assert answer.status_code == 201, answer.content
    linked = office.post(
        "/api/v1/projects/bridge/links", {"predecessor": "a", "successor": "b"}, content_type=JSON
    )
    assert linked.status_code == 201 and Dependency.objects.count() == 1
    a = WorkItem.objects.get(code="a")
    before = a.late_finish
    b = WorkItem.objects.get(code="b")
    changed = office.patch(f"/api/v1/items/{b.pk}", {"duration_days": 40}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["duration_days"] == 40
    a.refresh_from_db()
    assert a.late_finish < before  # the longer successor pulls its predecessor earlier
    renamed = office.patch(
        "/api/v1/projects/bridge", {"name": "江南大桥（一期）"}, content_type=JSON
    )
    assert renamed.json()["name"] == "江南大桥（一期）"
    assert AuditEntry.objects.filter(action="project_update", channel="api").exists()


def test_bad_values_are_refused_at_their_field_and_change_nothing(project, users, make_item):
    office = client_of(users["supervisor"])
    item = make_item("x", duration_days=5)
    late = office.patch(f"/api/v1/items/{item.pk}", {"deadline": "2021-01-31"}, content_type=JSON)
    assert late.status_code in (400, 422) and "deadline" in late.content.decode()
    huge = office.patch(f"/api/v1/items/{item.pk}", {"duration_days": 2**31}, content_type=JSON)
    assert huge.status_code == 422
    far = office.patch(
        f"/api/v1/projects/{project.code}", {"deadline": "9999-12-31"}, content_type=JSON
    )
    assert far.status_code == 422
    ghost = office.post(
        "/api/v1/projects",
        {"code": "g", "name": "g", "owner_department": 987654321, "start_date": "2020-01-01"},
        content_type=JSON,
    )
    assert ghost.status_code in (400, 422) and "owner_department" in ghost.content.decode()
    item.refresh_from_db()
    assert item.duration_days == 5 and item.deadline is None
    assert Project.objects.count() == 1


@pytest.mark.parametrize("role", ["town", "department", "leader"])
def test_nobody_but_the_office_writes(project, users, make_item, role):
    item = make_item("x", duration_days=5)
    other = client_of(users[role])
    assert (
        other.patch(f"/api/v1/items/{item.pk}", {"duration_days": 9}, content_type=JSON).status_code
        == 403
    )
    assert (
        other.patch(
            f"/api/v1/projects/{project.code}", {"name": "x"}, content_type=JSON
        ).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.duration_days == 5


def test_the_pages_own_addresses_are_no_project_codes(users, departments):
    office = client_of(users["supervisor"])
    for code in ("new", "import"):
        answer = office.post(
            "/api/v1/projects",
            {"code": code, "name": "x", "owner_department": departments["交通局"].pk,
             "start_date": "2020-01-01"},
            content_type=JSON,
        )  # fmt: skip
        assert answer.status_code == 400 and "code" in answer.json()["errors"]
    assert not Project.objects.exists()
