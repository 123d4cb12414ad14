"""节点调整 and baselines through the pages, as each role would use them."""

from datetime import date

import pytest
from django.test import Client

from guatu.baselines.models import Adjustment, Baseline
from guatu.projects.services import Link, dependencies_add
from tests.office import office

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def land(project, make_item):
    item = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    works = make_item("kg", name="开工", duration_days=10)
    dependencies_add(project=project, links=[Link(item, works, "FS", 0)], actor=office())
    return item


def test_the_whole_workflow_through_the_pages(land, users, project):
    office_page = client(users["supervisor"])
    assert office_page.post("/projects/railway/baselines/", {"name": "计划批复"}).status_code == 302
    town = client(users["town"])
    form = town.get(f"/items/{land.pk}/adjust/").content.decode()
    assert "申请节点调整" in form
    sent = town.post(
        f"/items/{land.pk}/adjust/",
        {"new_deadline": "2016-08-31", "reason": "杆线迁改滞后", "evidence": "协调会纪要"},
    )
    assert sent.status_code == 302
    request = Adjustment.objects.get()
    item_page = town.get(f"/items/{land.pk}/").content.decode()
    assert "2016-08-31" in item_page and "仍按已批复" in item_page
    assert (
        office_page.post(
            f"/adjustments/{request.pk}/", {"action": "review", "note": "同意，报市领导"}
        ).status_code
        == 302
    )
    leader = client(users["leader"])
    assert (
        leader.post(
            f"/adjustments/{request.pk}/", {"action": "approve", "note": "同意"}
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == Adjustment.Status.APPROVED and Baseline.objects.count() == 2
    page = leader.get("/projects/railway/baselines/?a=1&b=2").content.decode()
    assert "0 项新增，0 项删除，1 项调整" in page and "+21" in page


@pytest.mark.parametrize("who", ["town", "department"])
def test_units_may_not_review_decide_or_freeze(land, users, who):
    Adjustment.objects.create(
        project=land.project, work_item=land, reason="x", proposed_by=users["town"],
        new_deadline=date(2016, 9, 1), status="reviewed",
    )  # fmt: skip
    c = client(users[who])
    request = Adjustment.objects.get()
    for action in ("review", "approve", "reject"):
        assert (
            c.post(f"/adjustments/{request.pk}/", {"action": action, "note": "x"}).status_code
            == 403
        )
    assert c.post("/projects/railway/baselines/", {"name": "x"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "reviewed" and not Baseline.objects.exists()


def test_another_towns_official_cannot_propose(land, users, towns):
    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create

    other = user_create(username="qc", password="pw-qc-1", role=Role.TOWN, town=towns["前仓镇"])
    c = client(other)
    assert "只有事项所属" in c.get(f"/items/{land.pk}/adjust/").content.decode()
    answer = c.post(f"/items/{land.pk}/adjust/", {"new_deadline": "2016-09-30", "reason": "x"})
    assert answer.status_code == 403 and not Adjustment.objects.exists()


def test_the_api_runs_the_same_workflow_with_the_same_roles(land, users, project):
    import json

    from guatu.accounts.tokens import token_create

    def api(user):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}

        def post(url, body):
            return Client().post(url, json.dumps(body), content_type="application/json", **auth)

        return post, lambda url: Client().get(url, **auth)

    town_post, _ = api(users["town"])
    made = town_post(
        f"/api/v1/items/{land.pk}/adjustments",
        {"new_deadline": "2016-08-31", "reason": "杆线迁改滞后"},
    )
    assert made.status_code == 201 and made.json()["status_label"] == "待督查办审核"
    adjustment = made.json()["id"]
    assert town_post(f"/api/v1/adjustments/{adjustment}/review", {"note": "x"}).status_code == 403
    office_post, _ = api(users["supervisor"])
    assert (
        office_post(f"/api/v1/adjustments/{adjustment}/review", {"note": "同意"}).status_code == 200
    )
    assert (
        office_post(f"/api/v1/adjustments/{adjustment}/decide", {"approve": True}).status_code
        == 403
    )
    leader_post, leader_get = api(users["leader"])
    decided = leader_post(f"/api/v1/adjustments/{adjustment}/decide", {"approve": True})
    assert decided.json()["status"] == "approved" and decided.json()["baseline"] == 1
    frozen = leader_get("/api/v1/projects/railway/baselines/1").json()
    assert {row["code"]: row["deadline"] for row in frozen["rows"]}["zd"] == "2016-08-31"
    assert frozen["links"] == [["zd", "kg", "FS", 0]]
