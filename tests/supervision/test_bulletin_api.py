"""The bulletin and its ladder through the API: the same rules as the pages (issue 30)."""

import json

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.api import throttle
from guatu.supervision.models import EscalationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    throttle.forget()

    def call(username, method, url, body=None):
        token = token_create(user=User.objects.get(username=username))
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{url}", **headers)
        return client.post(
            f"/api/v1{url}", json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


def test_the_office_drafts_decides_and_publishes_through_the_api(api):
    drafted = api("supervisor", "post", "/bulletins", {"period": "2019年第46周"})
    assert drafted.status_code == 201, drafted.content
    body = drafted.json()
    assert body["status"] == "draft" and body["period"] == "2019-W46"
    proposed = [r for r in body["rungs"] if not r["recorded"]]
    assert proposed and {r["level"] for r in proposed} == {"reminder"}
    bulletin = body["id"]
    struck = proposed[0]["work_item"]
    refused = api("supervisor", "post", f"/bulletins/{bulletin}/rungs", {"work_item": struck})
    assert refused.status_code in (400, 422) and refused.json()["field"] == "reason"  # why?
    decided = api(
        "supervisor", "post", f"/bulletins/{bulletin}/rungs",
        {"work_item": struck, "level": "", "reason": "已完成签约"},
    )  # fmt: skip
    assert decided.status_code == 200
    assert [r["work_item"] for r in decided.json()["struck"]] == [struck]
    assert decided.json()["summary"]["struck"] == 1
    published = api("supervisor", "post", f"/bulletins/{bulletin}/publish", {})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["number_text"].startswith("永重点办〔2019〕")
    assert not EscalationEvent.objects.filter(period="2019-W46", work_item_id=struck).exists()
    # A town lists its own rungs only, each with its notice's number and files.
    mine = api("town_shizhu", "get", "/escalations").json()
    assert mine and {row["town"] for row in mine} == {"石柱镇"}
    fresh = [row for row in mine if row["period"] == "2019-W46"]
    assert fresh and all(row["number_text"].startswith("永重点办提〔2019〕") for row in fresh)
    assert all(row["notice_pdf"].endswith("/notice.pdf") for row in mine)


def test_only_the_office_writes_and_bad_input_is_named(api):
    assert api("town_shizhu", "post", "/bulletins", {"period": "2019-W46"}).status_code == 403
    assert api("leader", "post", "/bulletins", {"period": "2019-W46"}).status_code == 403
    for period in ("", "2019-W99", "9999-W52"):
        answer = api("supervisor", "post", "/bulletins", {"period": period})
        assert answer.status_code in (400, 422), (period, answer.status_code)
        assert answer.json()["field"] == "period"
    drafted = api("supervisor", "post", "/bulletins", {"period": "2019-W46"}).json()
    huge = api("supervisor", "post", f"/bulletins/{drafted['id']}/publish", {"number": 2**40})
    assert huge.status_code in (400, 422) and huge.json()["field"] == "number"
    town = api("town_shizhu", "post", f"/bulletins/{drafted['id']}/publish", {})
    assert town.status_code in (403, 404)
    # A draft is not a record: nobody but the office reads it.
    assert api("town_shizhu", "get", f"/bulletins/{drafted['id']}").status_code == 404
