"""Plans through the API, from the outside: a token, a multipart upload, JSON back."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.core.mspdi import read_mspdi
from guatu.projects.models import Project

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "core" / "data" / "mspdi"


def client_for(username: str) -> tuple[Client, dict]:
    token = token_create(user=User.objects.get(username=username))
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def upload(name: str, code: str, department: int) -> dict:
    return {
        "file": SimpleUploadedFile(name, (DATA / name).read_bytes()),
        "code": code,
        "owner_department": department,
    }


def test_the_office_imports_a_plan_and_exports_it_again(demo, tmp_path):
    client, auth = client_for("supervisor")
    department = User.objects.get(username="dept_jiaotong").department_id
    response = client.post(
        "/api/v1/plans/import",
        upload("task-links-project2010-mspdi.xml", "links-api", department),
        **auth,
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "code": "links-api",
        "name": "task-links-project2010-mspdi.xml",  # the file's own <Name>
        "items": 16,
        "links": 8,
    }
    exported = client.get("/api/v1/plans/links-api.xml", **auth)
    assert exported.status_code == 200 and exported["Content-Type"] == "application/xml"
    (tmp_path / "back.xml").write_bytes(exported.content)
    again = read_mspdi(tmp_path / "back.xml")
    assert len(again.tasks) == 16
    assert AuditEntry.objects.filter(action="project_import_mspdi").exists()


def test_a_refused_plan_is_a_400_naming_the_task_and_nothing_is_created(demo):
    client, auth = client_for("supervisor")
    department = User.objects.get(username="dept_jiaotong").department_id
    response = client.post(
        "/api/v1/plans/import",
        upload("mspditimephasedsegments.xml", "segments", department),
        **auth,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "file" and "Task Fifteen（UID 16）" in body["message"]
    assert "整分钟" in body["message"]
    assert not Project.objects.filter(code="segments").exists()


@pytest.mark.parametrize("username", ["town_shizhu", "dept_jiaotong", "leader"])
def test_only_the_office_may_import(demo, username):
    client, auth = client_for(username)
    department = User.objects.get(username="dept_jiaotong").department_id
    response = client.post(
        "/api/v1/plans/import",
        upload("task-links-project2010-mspdi.xml", f"by-{username}", department),
        **auth,
    )
    assert response.status_code == 403
    assert not Project.objects.filter(code=f"by-{username}").exists()
