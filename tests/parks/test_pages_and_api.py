"""Parks from the outside: the demo's two parks on the pages and through the API, by role."""

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.parks.models import Application, CriteriaSet, Evaluation, ParkUnit

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def bearer(username: str) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=User.objects.get(username=username))}"
    }


def test_the_pages_show_occupancy_ranking_and_reasons(demo):
    client = signed_in("leader")
    listing = client.get("/parks/")
    assert listing.status_code == 200
    assert "石柱镇小微企业园" in listing.text and "古山镇小微企业园" in listing.text
    park = client.get("/parks/park-shizhu/")
    assert park.status_code == 200
    text = park.text
    assert "永康市创亿智能科技有限公司" in text and "v2" in text and "v1" in text
    assert "≥ 30.00" in text, "the reason of a November rejection"
    assert "New criteria version" not in text and "新准入条件版本" not in text, "leaders read only"
    rejected = Application.objects.get(enterprise__name="永康市宏达电动工具厂")
    page = client.get(f"/applications/{rejected.pk}/")
    assert "≥ 25.00" in page.text and "22.50" in page.text, "explained by version 1"
    sheet = client.get("/parks/park-shizhu/results.xlsx")
    rows = list(
        load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=3, values_only=True)
    )
    assert rows[0][1] == "永康市创亿智能科技有限公司" or rows[0][11] in ("准入", "admitted")
    assert [row[0] for row in rows] == list(range(1, 7))


def test_the_town_manages_its_park_and_no_other(demo):
    client = signed_in("town_shizhu")
    waiting = Application.objects.get(enterprise__name="永康市创亿智能科技有限公司")
    vacant = ParkUnit.objects.filter(park__code="park-shizhu", status="vacant").first()
    response = client.post(
        "/parks/park-shizhu/allocate/",
        {"application": waiting.pk, "unit": vacant.pk, "status": "let"},
        follow=True,
    )
    assert response.status_code == 200
    vacant.refresh_from_db()
    assert vacant.enterprise == waiting.enterprise
    other = Application.objects.get(enterprise__name="永康市新航电器有限公司")
    gushan_unit = ParkUnit.objects.filter(park__code="park-gushan", status="vacant").first()
    refused = client.post(
        "/parks/park-gushan/allocate/",
        {"application": other.pk, "unit": gushan_unit.pk, "status": "let"},
    )
    assert refused.status_code == 403
    gushan_unit.refresh_from_db()
    assert gushan_unit.status == "vacant"
    assert signed_in("leader").post(f"/applications/{other.pk}/").status_code == 403
    before = CriteriaSet.objects.count()
    assert (
        signed_in("dept_jiaotong")
        .post("/parks/park-gushan/criteria/", {"valid_from": "2019-11-20"})
        .status_code
        == 403
    )
    assert CriteriaSet.objects.count() == before


def test_the_api(demo):
    parks = Client().get("/api/v1/parks", **bearer("leader")).json()
    shizhu = next(p for p in parks if p["code"] == "park-shizhu")
    assert shizhu["units"] == 8 and shizhu["applications"] == 6
    ranked = Client().get("/api/v1/parks/park-shizhu/applications", **bearer("leader")).json()
    assert ranked[0]["latest"]["admitted"] is True
    rejected = next(a for a in ranked if a["enterprise"] == "永康市金辉铸造有限公司")
    failed = [r["key"] for r in rejected["latest"]["results"] if not r["passed"]]
    assert "negative_list" in failed and rejected["latest"]["criteria_version"] == 2
    application = Application.objects.get(enterprise__name="永康市宏达电动工具厂")
    count = Evaluation.objects.count()
    denied = Client().post(
        f"/api/v1/parks/applications/{application.pk}/evaluate", **bearer("town_gushan")
    )
    assert denied.status_code == 403 and Evaluation.objects.count() == count
    done = Client().post(
        f"/api/v1/parks/applications/{application.pk}/evaluate", **bearer("supervisor")
    )
    assert done.status_code == 200 and done.json()["latest"]["criteria_version"] == 2
    body = json.dumps({"application": application.pk, "unit": "1号楼-03"})
    refused = Client().post(
        "/api/v1/parks/park-shizhu/allocate",
        body,
        content_type="application/json",
        **bearer("supervisor"),
    )
    assert refused.status_code == 400, "a rejected application gets no unit"
    assert "admitted" in refused.json()["message"] or "准入" in refused.json()["message"]


def test_the_supervision_office_sets_up_parks_in_the_admin(demo):
    assert signed_in("supervisor").get("/admin/parks/park/add/").status_code == 200
    assert signed_in("supervisor").get("/admin/parks/parkunit/add/").status_code == 200
    assert signed_in("town_shizhu").get("/admin/parks/park/add/").status_code == 302


def test_the_grading_scheme_is_versioned_by_the_supervision_office(demo):
    from guatu.parks.models import GradingScheme

    form = {
        "valid_from": "2019-11-15",
        "cap": "1.5",
        "mode": "share",
        "cutoff_a": 90,
        "cutoff_b": 70,
        "cutoff_c": 50,
        "share_a": 0.2,
        "share_b": 0.5,
        "share_c": 0.2,
    }
    for key, weight, benchmark in [
        ("tax_per_mu", 50, 35),
        ("value_added_per_mu", 20, 200),
        ("value_added_per_energy", 10, 4),
        ("labour_productivity", 10, 25),
        ("rd_share", 5, 5),
    ]:
        form[f"weight_{key}"], form[f"benchmark_{key}"] = weight, benchmark
    page = signed_in("leader").get("/parks/grading/")
    assert page.status_code == 200 and "v1" in page.text
    assert signed_in("leader").post("/parks/grading/", form).status_code == 403
    wrong = signed_in("supervisor").post("/parks/grading/", form)
    assert wrong.status_code == 400 and "95" in wrong.text, "weights add up to 95"
    form["weight_rd_share"] = 10
    assert signed_in("supervisor").post("/parks/grading/", form).status_code == 302
    latest = GradingScheme.objects.order_by("-version").first()
    assert (latest.version, latest.mode, latest.weights["tax_per_mu"]) == (2, "share", 50)
