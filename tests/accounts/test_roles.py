"""Who may use the admin, checked from the outside with a signed-in client."""

import pytest
from django.test import Client

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
    assert client_for(users["supervisor"]).get("/admin/accounts/user/").status_code == 403


@pytest.mark.parametrize("role", ["leader", "department", "town"])
def test_other_roles_are_kept_out_of_the_admin(users, role):
    response = client_for(users[role]).get("/admin/projects/workitem/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
