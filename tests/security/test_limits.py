"""Bounded inputs: decompression bombs, oversize bodies and texts, bad tokens — refused."""

import io
import json
import resource
import zipfile

import pytest
from django.test import Client
from django.utils import translation

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.ledger.importing import ledger_import
from guatu.progress.models import Blocker, ProgressReport
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def bearer(username: str) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=User.objects.get(username=username))}"
    }


def bomb(size_mb: int) -> bytes:
    """A small .xlsx whose one sheet unpacks to *size_mb* MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<c><v>0</v></c>" * 70_000
            for _ in range(size_mb):
                sheet.write(chunk[: 2**20])
    return out.getvalue()


def test_a_decompression_bomb_is_refused_unread(demo):
    """The seen attack: a 3.7 MB .xlsx unpacking to 1.5 GB took the server to 3.58 GB."""
    data = bomb(320)
    assert len(data) < 5 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with translation.override("zh-hans"):
        result = ledger_import(
            source=io.BytesIO(data),
            name="bomb.xlsx",
            actor=User.objects.get(username="town_shizhu"),
            dry_run=True,
        )
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    assert not result.ok and "解压" in str(result.problems[0])
    assert grown < 100 * 1024, f"memory grew by {grown // 1024} MB"


def test_a_json_body_over_the_limit_is_a_413_in_chinese(demo):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")
    body = json.dumps({"reported_on": "2019-11-15", "quantity": 1, "note": "x" * 3_000_000})
    response = Client().post(
        f"/api/v1/items/{item.pk}/reports",
        body,
        content_type="application/json",
        **bearer("town_shizhu"),
    )
    assert response.status_code == 413
    assert "过大" in response.json()["message"]


def test_long_texts_are_refused_with_their_limit(demo):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")
    before = ProgressReport.objects.count()
    note = post_json(
        f"/api/v1/items/{item.pk}/reports",
        {"reported_on": "2019-11-15", "quantity": 1, "unit": "公里", "note": "长" * 6000},
        "town_shizhu",
    )
    assert note.status_code == 422 and note.json()["field"] == "note"
    blocker = post_json(
        "/api/v1/blockers",
        {
            "work_item": item.pk,
            "description": "卡" * 600,
            "owner_department": item.owner_department_id,
            "responsible_person": "某人",
            "due_on": "2019-11-30",
        },
        "town_shizhu",
    )
    assert blocker.status_code == 422 and blocker.json()["field"] == "description"
    intake = post_json(
        "/api/v1/intake", {"text": "字" * 250_000, "issue": "2019-11-16"}, "supervisor"
    )
    assert intake.status_code == 400 and "分" in intake.json()["message"]
    assert ProgressReport.objects.count() == before
    assert not Blocker.objects.filter(description__startswith="卡卡卡").exists()


def post_json(url: str, body: dict, username: str):
    return Client().post(url, json.dumps(body), content_type="application/json", **bearer(username))


def test_a_bad_token_is_a_401_not_a_csrf_403(demo):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")
    response = Client().post(
        f"/api/v1/items/{item.pk}/reports",
        json.dumps({"reported_on": "2019-11-15", "quantity": 1}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 401 and "令牌" in response.json()["message"]


def test_five_megabytes_of_text_to_intake_is_refused_not_a_500(demo):
    """The seen bug: 5 MB of text to intake answered 500."""
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.post("/intake/", {"issue": "2019-11-16", "source": "x", "text": "字" * 5_000_000})
    assert page.status_code == 400 and "topbar" in page.content.decode()
    api = post_json(
        "/api/v1/intake", {"text": "字" * 2_000_000, "issue": "2019-11-16"}, "supervisor"
    )
    assert api.status_code == 413
