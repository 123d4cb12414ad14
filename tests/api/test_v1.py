"""The API from the outside: a client with a token, JSON in, JSON out."""

import json

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.progress.models import ProgressReport
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def client_for(username: str) -> tuple[Client, dict]:
    token = token_create(user=User.objects.get(username=username))
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def item(project: str, code: str) -> WorkItem:
    return WorkItem.objects.get(project__code=project, code=code)


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_no_token_no_entry(demo):
    response = Client().get("/api/v1/projects")
    assert response.status_code == 401
    assert "令牌" in response.json()["message"]
    bad = Client().get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer nonsense")
    assert bad.status_code == 401


def test_projects_and_items_with_lights(demo):
    client, headers = client_for("leader")
    projects = client.get("/api/v1/projects", **headers).json()
    railway = next(p for p in projects if p["code"] == "jintai-railway")
    assert railway["light"] == "red" and railway["deadline"] == "2020-06-30"
    items = {
        i["code"]: i for i in client.get("/api/v1/projects/jintai-railway/items", **headers).json()
    }
    assert items["zx-jd"]["light"] == "done" and items["zx-jd"]["flag"] == "done_on_time"
    assert items["wq-zc-2"]["light"] == "red"
    assert items["zx-tj-2"]["warning"] and items["zx-tj-2"]["forecast_finish"]
    assert items["tc-jf"]["late_finish"] == "2020-06-30" and items["tc-jf"]["critical"]


def test_a_town_reports_on_its_own_item(demo):
    client, headers = client_for("town_shizhu")
    target = item("jintai-railway", "wq-xl")  # 8.6 km, nothing reported yet
    report = {"reported_on": "2019-11-15", "quantity": 1.2, "unit": "公里", "note": "已完成清表"}
    response = post(client, f"/api/v1/items/{target.pk}/reports", report, headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent_complete"] == "13.95" and body["reported_by"] == "town_shizhu"
    assert body["counts"] and body["review"] is None and not body["above_target"]
    assert ProgressReport.objects.filter(pk=body["id"]).exists()
    assert AuditEntry.objects.filter(action="report_submit", channel="api", allowed=True).exists()
    # The same date again is a correction, never a second report.
    again = post(client, f"/api/v1/items/{target.pk}/reports", {**report, "quantity": 2}, headers)
    assert again.status_code == 400 and again.json()["field"] == "reported_on"
    assert "更正" in again.json()["message"]


def test_another_towns_item_is_forbidden_and_nothing_changes(demo):
    client, headers = client_for("town_shizhu")
    other = item("jintai-railway", "wq-zc-2")
    before = ProgressReport.objects.count()
    response = post(
        client,
        f"/api/v1/items/{other.pk}/reports",
        {"reported_on": "2019-11-15", "quantity": 30, "unit": "户"},
        headers,
    )
    assert response.status_code == 403
    assert "无权" in response.json()["message"]
    assert ProgressReport.objects.count() == before
    assert AuditEntry.objects.filter(allowed=False, channel="api").exists()


def test_errors_name_the_field_in_chinese(demo):
    client, headers = client_for("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    response = post(
        client,
        f"/api/v1/items/{land.pk}/reports",
        {"reported_on": "2019-11-15", "quantity": 3, "unit": "户"},
        headers,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "unit" and "无法把 3 户 换算为亩" in body["message"]
    missing = post(client, f"/api/v1/items/{land.pk}/reports", {"quantity": 3}, headers)
    assert missing.status_code == 422 and missing.json()["field"] == "reported_on"


def test_a_correction_keeps_the_original(demo):
    client, headers = client_for("town_shizhu")
    target = item("jintai-railway", "wq-zc-1")
    original = ProgressReport.objects.filter(work_item=target).latest("reported_on")
    response = post(
        client,
        f"/api/v1/reports/{original.pk}/correct",
        {"reported_on": "2019-11-15", "quantity": 54, "unit": "hh", "reason": "1户协议作废"},
        headers,
    )
    assert response.status_code == 201, response.content
    history = client.get(f"/api/v1/items/{target.pk}/reports", **headers).json()
    old = next(r for r in history if r["id"] == original.pk)
    new = next(r for r in history if r["id"] == response.json()["id"])
    assert old["superseded_by"] == new["id"] and new["supersedes"] == old["id"]
    assert old["percent_complete"] == str(original.percent_complete)


def test_blockers_through_the_api(demo):
    town, town_headers = client_for("town_shizhu")
    target = item("jintai-railway", "wq-xl")
    created = post(
        town,
        "/api/v1/blockers",
        {
            "work_item": target.pk,
            "description": "施工便道未通",
            "responsible_person": "副镇长",
            "owner_department": target.owner_department_id,
            "due_on": "2019-11-20",
        },
        town_headers,
    )
    assert created.status_code == 201, created.content
    blocker_id = created.json()["id"]
    # The alias of the 问题清单's steps: the town's word is its answer (反馈), the office's
    # closes it (销号); a leader takes neither step.
    leader, leader_headers = client_for("leader")
    refused = post(
        leader, f"/api/v1/blockers/{blocker_id}/resolve", {"resolution": "x"}, leader_headers
    )
    assert refused.status_code == 403
    office, office_headers = client_for("supervisor")
    assigned = post(
        office,
        f"/api/v1/problems/{blocker_id}/assign",
        {
            "category": "site",
            "level": 1,
            "action_required": "打通便道",
            "owner_department": target.owner_department_id,
            "responsible_person": "副镇长",
            "due_on": "2019-11-20",
        },
        office_headers,
    )
    assert assigned.status_code == 200, assigned.content
    answered = post(
        town, f"/api/v1/blockers/{blocker_id}/resolve", {"resolution": "已通"}, town_headers
    )
    assert answered.status_code == 200 and answered.json()["status"] == "replied"
    done = post(
        office, f"/api/v1/blockers/{blocker_id}/resolve", {"resolution": "核实已通"}, office_headers
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    owner, owner_headers = client_for("dept_jiaotong")
    listed = owner.get("/api/v1/blockers", **owner_headers).json()
    assert listed[0]["overdue"]


def test_the_openapi_schema(demo):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "重点项目挂图作战 API"
    for path in (
        "/api/v1/projects",
        "/api/v1/items/{item_id}/reports",
        "/api/v1/reports/{report_id}/correct",
        "/api/v1/blockers",
    ):
        assert path in schema["paths"], path
    assert "BearerAuth" in json.dumps(schema) or "TokenAuth" in json.dumps(schema)


def test_the_token_command_prints_a_working_token(demo):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("token", "leader", stdout=out)
    key = out.getvalue().strip()
    response = Client().get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
