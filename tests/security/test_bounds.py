"""Bounded at the edge (issue 28, items 3 and 4): a number or a date out of any sane range
is a 4xx at its field, never a 500; and a value already stored at an extreme (a node
approved at 9999-12-31) leaves every page, export and screen answering."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def client_for(username: str) -> tuple[Client, dict]:
    token = token_create(user=User.objects.get(username=username))
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, headers, method="post"):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def item(project: str, code: str) -> WorkItem:
    return WorkItem.objects.get(project__code=project, code=code)


@pytest.mark.parametrize(
    "body",
    [
        {"reported_on": "2019-11-15", "percent": 1e30},
        {"reported_on": "2019-11-15", "quantity": "1e30", "unit": "km"},
        {"reported_on": "2019-11-15", "quantity": "-1e30", "unit": "mu"},
        {"reported_on": "9999-12-31", "percent": 10},
        {"reported_on": "0001-01-01", "percent": 10},
        {"reported_on": 0, "percent": 10},
    ],
)
def test_a_report_out_of_range_is_refused_at_its_field(demo, body):
    client, headers = client_for("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    response = post(client, f"/api/v1/items/{land.pk}/reports", body, headers)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["field"], response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"new_duration_days": 2147483648, "reason": "延期"},
        {"new_duration_days": -5, "reason": "延期"},
        {"new_deadline": "9999-12-31", "reason": "延期"},
    ],
)
def test_an_adjustment_out_of_range_is_refused_at_its_field(demo, body):
    client, headers = client_for("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    response = post(client, f"/api/v1/items/{land.pk}/adjustments", body, headers)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["field"], response.json()


def test_an_estimate_out_of_range_is_refused(demo):
    client, headers = client_for("supervisor")
    land = item("jintai-railway", "wq-zd")
    body = {"optimistic": 1, "most_likely": 2, "pessimistic": 10000000}
    response = post(client, f"/api/v1/items/{land.pk}/estimate", body, headers, "put")
    assert 400 <= response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("day", ["9999-12-31", "0", "1899-12-31"])
def test_as_of_a_date_out_of_range(demo, day):
    client, headers = client_for("leader")
    response = client.get(f"/api/v1/projects/jintai-railway/as-of?date={day}", **headers)
    assert 400 <= response.status_code < 500, response.content[:300]


def test_huge_ids_are_not_found(demo):
    client, headers = client_for("leader")
    for url in (f"/api/v1/items/{2**63}", f"/api/v1/items/{2**31}", "/api/v1/items/-1"):
        assert client.get(url, **headers).status_code in (404, 422), url


def test_schema_names_are_unique(demo):
    client, headers = client_for("leader")
    schema = client.get("/api/v1/openapi.json", **headers).json()
    titles = [s.get("title") for s in schema["components"]["schemas"].values()]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)


def test_a_refusal_behind_a_proxy_that_sends_no_address(demo, settings):
    settings.GUATU_TRUSTED_PROXIES = ["127.0.0.1"]
    client, headers = client_for("town_shizhu")
    other = (
        item("jintai-railway", "wq-zd")
        .__class__.objects.exclude(town__name="石柱镇")
        .exclude(town=None)
        .first()
    )
    response = post(
        client, f"/api/v1/items/{other.pk}/reports", {"reported_on": "2019-11-15", "percent": 1},
        {**headers, "HTTP_X_FORWARDED_FOR": "unknown", "REMOTE_ADDR": "127.0.0.1"},
    )  # fmt: skip
    assert response.status_code == 403
    refusal = AuditEntry.objects.filter(allowed=False).latest("id")
    assert refusal.action == "report_submit" and refusal.address is None  # PostgreSQL's inet


def test_a_node_stored_at_the_end_of_time_breaks_no_page(demo):
    """Stored before the bounds existed (or by hand): every page, file and screen answers."""
    from guatu.projects.scheduling import schedule_recalculate
    from guatu.screens.services import screen_token_create
    from tests.web.test_every_url import FILES, concrete, routes

    node = item("jintai-railway", "tc-jf")
    WorkItem.objects.filter(pk=node.pk).update(deadline=date(9999, 12, 31))
    schedule_recalculate(project=node.project)
    supervisor = User.objects.get(username="supervisor")
    _screen, token = screen_token_create(actor=supervisor, name="大屏")
    values = {
        "projects.code": "jintai-railway",
        "items.pk": str(node.pk),
        "projects.fmt": "svg",
        "token": token,
    }
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    failed = []
    for route in routes():
        if "<" in route and not route.startswith(("projects/", "items/", "screen/")):
            continue
        for url in concrete(route, values)[:1]:
            for query in ("",) if FILES.search(route) else ("", "?paper=a3", "?n=1"):
                if client.get(url + query).status_code >= 500:
                    failed.append(url + query)
    api, headers = client_for("leader")
    for url in (
        "/api/v1/projects",
        "/api/v1/projects/jintai-railway/items",
        f"/api/v1/items/{node.pk}",
        "/api/v1/projects/jintai-railway/risk",
        "/api/v1/plans/jintai-railway.xml",
    ):
        if api.get(url, **headers).status_code >= 500:
            failed.append(url)
    assert not failed, failed


def test_an_over_long_reason_is_refused_not_cut(demo):
    """A reason over 2,000 characters used to be stored cut without a word."""
    client, headers = client_for("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    body = {"new_duration_days": land.duration_days + 5, "reason": "延" * 2001}
    response = post(client, f"/api/v1/items/{land.pk}/adjustments", body, headers)
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert not land.adjustments.exists()


def test_first_passwords_are_written_formula_safe(tmp_path):
    from guatu.org.passwords import write_passwords

    target = tmp_path / "passwords.csv"
    write_passwords(target, [("x", '=HYPERLINK("https://evil.example","点我")', "pw")])
    row = target.read_text(encoding="utf-8-sig").splitlines()[1]
    assert row.startswith("x,\"'=HYPERLINK(") or row.startswith("x,'=HYPERLINK("), row


@pytest.mark.parametrize("data", [b"x\ry", b'a,"b\r\nc', b"\r"])
def test_a_tiny_odd_csv_is_a_problem_not_a_500(demo, data):
    client, headers = client_for("town_shizhu")
    upload = SimpleUploadedFile("进度.csv", data, content_type="text/csv")
    response = client.post("/api/v1/ledger/import?dry_run=true", {"file": upload}, **headers)
    assert 400 <= response.status_code < 500, response.content[:300]
