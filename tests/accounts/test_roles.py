"""Who may use the admin, checked from the outside with a signed-in client."""

import pytest
from django.test import Client

from tests.office import office

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_supervisor_manages_projects_in_the_admin(users, project):
    client = client_for(users["supervisor"])
    assert client.get("/admin/projects/project/").status_code == 200
    assert client.get(f"/admin/projects/project/{project.pk}/change/").status_code == 200
    assert client.get("/admin/projects/workitem/add/").status_code == 200


def test_nobody_rewrites_history_or_links_in_the_admin(users):
    for role in ("supervisor", "admin"):
        client = client_for(users[role])
        assert client.get("/admin/progress/progressreport/add/").status_code == 403
        assert client.get("/admin/projects/dependency/add/").status_code == 403


def test_the_supervisor_cannot_manage_users(users):
    from guatu.audit.models import AuditEntry

    assert client_for(users["supervisor"]).get("/admin/accounts/user/").status_code == 403
    refused = AuditEntry.objects.get(allowed=False, action="admin")
    assert refused.user == users["supervisor"] and refused.detail["path"] == "/admin/accounts/user/"


@pytest.mark.parametrize("role", ["leader", "department", "town"])
def test_other_roles_are_kept_out_of_the_admin(users, role):
    response = client_for(users[role]).get("/admin/projects/workitem/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_edit_reschedules_in_the_same_transaction(users, project):
    from datetime import date

    from guatu.projects.models import WorkItem
    from guatu.projects.services import work_item_create

    project.city.status_date = date(2016, 6, 30)  # seen before it starts: the plan
    project.city.save(update_fields=["status_date"])
    item = work_item_create(
        actor=office(),
        project=project,
        code="a",
        name="征地",
        duration_days=10,
        planned_start=date(2020, 6, 1),
    )
    client = client_for(users["supervisor"])
    page = client.get(f"/admin/projects/workitem/{item.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/projects/workitem/{item.pk}/change/",
        {
            "project": project.pk,
            "code": "a",
            "name": "征地",
            "kind": "task",
            "duration_days": 40,
            "planned_start": "2020-06-01",
            "order": 0,
            "quantity_target": "",
            "unit": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = WorkItem.objects.get(pk=item.pk)
    assert item.early_finish == date(2020, 7, 10) and item.total_float == -10
    # The admin wrote through the service: the change is in the audit, by its author.
    from guatu.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="work_item_update").latest("pk")
    assert entry.user == users["supervisor"] and entry.detail["duration_days"] == "40"
