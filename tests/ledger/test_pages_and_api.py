"""The ledger from the outside: pages, the REST API and the command, with each role."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.progress.models import ProgressReport
from guatu.projects.models import Project, WorkItem
from tests.ledger.files import csv_file
from tests.ledger.test_importing import TODAY, good_ledger

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def status_date(city):
    city.status_date = TODAY
    city.save(update_fields=["status_date"])
    return city


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_everyone_signed_in_downloads_the_template_and_the_export(users, status_date):
    for role in ("leader", "town", "supervisor"):
        client = signed_in(users[role])
        page = client.get("/ledger/")
        assert page.status_code == 200
        assert ("Check (dry run)" in page.text or "检查" in page.text) == (role != "leader")
        for url in ("/ledger/template.xlsx", "/ledger/export.xlsx"):
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"] == XLSX
            assert "attachment" in response["Content-Disposition"]
            load_workbook(io.BytesIO(response.content))
    assert Client().get("/ledger/export.xlsx").status_code == 302, "anonymous: to the login page"


def test_supervisor_checks_then_confirms_an_upload(tmp_path, users, status_date):
    client = signed_in(users["supervisor"])
    path = good_ledger(tmp_path / "台账.xlsx")
    with path.open("rb") as handle:
        preview = client.post("/ledger/import/", {"file": handle, "check": "1"})
    assert preview.status_code == 200
    assert not Project.objects.exists(), "checking writes nothing"
    token = preview.context["token"]
    assert preview.context["result"].items.counts["created"] == 3
    done = client.post("/ledger/import/", {"token": token, "confirm": "1"}, follow=True)
    assert done.status_code == 200
    assert WorkItem.objects.filter(project__code="railway-b").count() == 3
    assert ProgressReport.objects.count() == 3
    again = client.post("/ledger/import/", {"token": token, "confirm": "1"}, follow=True)
    assert ProgressReport.objects.count() == 3, "a confirmed upload is not written twice"
    assert again.status_code == 200


def test_a_bad_upload_lists_its_problems_and_writes_nothing(tmp_path, users, status_date):
    client = signed_in(users["supervisor"])
    path = csv_file(
        tmp_path / "bad.csv",
        [["项目编码", "事项编码", "事项名称", "镇街"], ["nope", "A1", "清表", "月亮镇"]],
    )
    with path.open("rb") as handle:
        response = client.post("/ledger/import/", {"file": handle, "write": "1"})
    assert response.status_code == 422
    assert "月亮镇" in response.text and "D（镇街）" in response.text
    assert not WorkItem.objects.exists()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with text.open("rb") as handle:
        assert client.post("/ledger/import/", {"file": handle}).status_code == 400


def test_other_roles_cannot_import_on_the_page(tmp_path, users, status_date):
    path = good_ledger(tmp_path / "台账.xlsx")
    with path.open("rb") as handle:
        response = signed_in(users["leader"]).post(
            "/ledger/import/", {"file": handle, "write": "1"}
        )
    assert response.status_code == 403
    for role in ("town", "department"):
        with path.open("rb") as handle:
            response = signed_in(users[role]).post(
                "/ledger/import/", {"file": handle, "write": "1"}
            )
        assert response.status_code == 422, "a whole ledger is the supervision office's"
    assert not Project.objects.exists()


def test_the_api_imports_for_the_supervisor_only(tmp_path, users, status_date):
    path = good_ledger(tmp_path / "台账.xlsx")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['supervisor'])}"}
    with path.open("rb") as handle:
        dry = Client().post("/api/v1/ledger/import?dry_run=true", {"file": handle}, **headers)
    assert dry.status_code == 200, dry.content
    assert dry.json()["items"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert dry.json()["written"] is False and not Project.objects.exists()
    with path.open("rb") as handle:
        done = Client().post("/api/v1/ledger/import", {"file": handle}, **headers)
    assert done.status_code == 200 and done.json()["written"] is True
    assert WorkItem.objects.count() == 3
    audit = AuditEntry.objects.get(action="ledger_import", allowed=True)
    assert audit.channel == "api"

    town = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['town'])}"}
    with path.open("rb") as handle:
        refused = Client().post("/api/v1/ledger/import", {"file": handle}, **town)
    assert refused.status_code == 422, "a town sends progress sheets only"
    leader = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['leader'])}"}
    with path.open("rb") as handle:
        denied = Client().post("/api/v1/ledger/import", {"file": handle}, **leader)
    assert denied.status_code == 403

    bad = csv_file(
        tmp_path / "bad.csv", [["项目编码", "事项编码", "事项名称"], ["railway-b", "A/1", "x"]]
    )
    with bad.open("rb") as handle:
        refused = Client().post("/api/v1/ledger/import", {"file": handle}, **headers)
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "file" and "B（事项编码）" in body["errors"]["file"][0]

    export = Client().get("/api/v1/ledger/export", **town)
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    schema = Client().get("/api/v1/openapi.json", **headers).json()
    assert "/api/v1/ledger/import" in schema["paths"]


def test_the_command(tmp_path, users, status_date, capsys):
    template = tmp_path / "template.xlsx"
    call_command("ledger", "template", str(template))
    assert load_workbook(template).sheetnames[:3] == ["项目", "工作事项", "进度"]
    path = good_ledger(tmp_path / "台账.xlsx")
    call_command("ledger", "import", str(path), "--dry-run")
    assert not Project.objects.exists()
    call_command("ledger", "import", str(path))
    assert WorkItem.objects.count() == 3
    exported = tmp_path / "export.xlsx"
    call_command("ledger", "export", str(exported))
    rows = list(load_workbook(exported)["工作事项"].iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == ["A01", "A02", "M1"]
    bad = csv_file(tmp_path / "bad.csv", [["项目编码", "事项编码", "事项名称"], ["x", "A1", "y"]])
    with pytest.raises(CommandError):
        call_command("ledger", "import", str(bad))
    assert "bad.csv" in capsys.readouterr().err
