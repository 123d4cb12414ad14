"""三点估计: the office's own range overrides the history, at its fields, audited, office only."""

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.projects.models import WorkItem
from guatu.risk.models import ThreePoint
from guatu.risk.services import project_risk

pytestmark = pytest.mark.django_db


def test_the_office_sets_an_estimate_and_the_chances_follow_it(demo):
    railway = WorkItem.objects.get(project__code="jintai-railway", code="wq-zc-1").project
    before = project_risk(railway)
    driver = before.drivers[0].item  # the item that moves the finish most
    c = Client()
    c.force_login(User.objects.get(username="supervisor"))
    page = c.post(
        "/projects/jintai-railway/risk/estimates/",
        {"work_item": driver.pk, "optimistic": "10", "most_likely": "5", "pessimistic": "40",
         "shape": "pert"},
    )  # fmt: skip
    assert page.status_code == 200 and "最可能工期低于乐观工期" in page.content.decode()
    assert not ThreePoint.objects.exists()
    days = driver.duration_days
    response = c.post(
        "/projects/jintai-railway/risk/estimates/",
        {"work_item": driver.pk, "optimistic": days * 3, "most_likely": days * 4,
         "pessimistic": days * 6, "shape": "triangular", "note": "设计变更"},
    )  # fmt: skip
    assert response.status_code == 302
    after = project_risk(railway)
    assert ("分析师三点估计", 1, None, None) in after.sources
    assert after.finish[2] > before.finish[2]  # a longer range: a later P80
    assert AuditEntry.objects.filter(action="estimate_set").count() == 1
    page = c.get("/projects/jintai-railway/risk/").content.decode()
    assert "设计变更" in page
    c.post(f"/projects/jintai-railway/risk/estimates/{driver.pk}/clear/")
    assert not ThreePoint.objects.exists()


@pytest.mark.parametrize("who", ["leader", "town_shizhu", "dept_jiaotong"])
def test_only_the_office_sets_estimates(demo, who):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-zc-1")
    c = Client()
    c.force_login(User.objects.get(username=who))
    body = {"work_item": item.pk, "optimistic": 1, "most_likely": 2, "pessimistic": 3,
            "shape": "pert"}  # fmt: skip
    assert c.post("/projects/jintai-railway/risk/estimates/", body).status_code == 403
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=User.objects.get(username=who))}"}
    payload = {"optimistic": 1, "most_likely": 2, "pessimistic": 3}
    put = c.put(
        f"/api/v1/items/{item.pk}/estimate", payload, content_type="application/json", **auth
    )
    assert put.status_code == 403 and not ThreePoint.objects.exists()


def test_the_api_sets_and_clears(demo):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-zc-1")
    office = User.objects.get(username="supervisor")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=office)}"}
    c = Client()
    bad = c.put(
        f"/api/v1/items/{item.pk}/estimate",
        {"optimistic": 5, "most_likely": 4, "pessimistic": 9},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "most_likely" in str(bad.json())
    good = c.put(
        f"/api/v1/items/{item.pk}/estimate",
        {"optimistic": 5, "most_likely": 8, "pessimistic": 20, "shape": "pert"},
        content_type="application/json",
        **auth,
    )
    assert good.status_code == 200 and ThreePoint.objects.get().most_likely == 8
    assert c.delete(f"/api/v1/items/{item.pk}/estimate", **auth).status_code == 204
    assert not ThreePoint.objects.exists()
