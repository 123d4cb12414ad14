"""投资调度 through the API, from the outside: a token, JSON in, JSON out.

The city's month and a project's year read the same selectors as the pages; the writes
go through the same services (roles, once a month, corrections with reasons, reviews,
checks the office clears); every figure and text is refused at its field when out of
bounds; another city's ids are not found.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.accounts.tokens import token_create
from guatu.core.investment import Check
from guatu.investment.models import AnnualPlan, CheckFlag, MonthlyReport, MonthlyReview
from guatu.investment.services import MonthFigures, monthly_submit, plan_set
from guatu.org.models import City, Department
from guatu.projects.models import Project
from tests.office import office

pytestmark = pytest.mark.django_db


def client_for(user) -> tuple[Client, dict]:
    token = token_create(user=user)
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def figures(amount, **changes) -> MonthFigures:
    return MonthFigures(amount=Decimal(str(amount)), in_library=True, **changes)


@pytest.fixture
def invested(project, towns, users):
    """The railway: 2019 plan 12,000 万元, 建设, reported by 石柱镇; January–September
    reported at 800 a month (7,200: 60 % against a 序时 of 75 % at October's end)."""
    project.responsible_town = towns["石柱镇"]
    project.total_investment = Decimal("50000")
    project.stage = Project.Stage.BUILDING
    project.category = Project.Category.CONTINUING
    project.level = Project.Level.CITY
    project.save()
    plan_set(actor=office(), project=project, year=2019, amount=Decimal("12000"))
    for month in range(1, 10):
        monthly_submit(
            actor=users["town"], project=project, year=2019, month=month, figures=figures(800)
        )
    return project


@pytest.fixture
def other_towns_project(city, towns, departments):
    """A project of 前仓镇 and the 自然资源局: neither 石柱镇's nor the 交通局's."""
    return Project.objects.create(
        city=city,
        code="qiancang-road",
        name="前仓大道",
        start_date=date(2019, 1, 1),
        owner_department=departments["自然资源局"],
        responsible_town=towns["前仓镇"],
    )


@pytest.fixture
def elsewhere(users):
    """Another city with a project, its plan, a report and the check it raised."""
    other = City.objects.create(name="他市", code="330900")
    department = Department.objects.create(city=other, name="他市交通局", short_name="他交")
    its_office = user_create(
        username="other_office", password="pw-other-1", role=Role.SUPERVISOR, city=other
    )
    project = Project.objects.create(
        city=other,
        code="other-road",
        name="他市大道",
        start_date=date(2019, 1, 1),
        owner_department=department,
    )
    plan_set(actor=its_office, project=project, year=2019, amount=Decimal("1000"))
    report = monthly_submit(
        actor=its_office,
        project=project,
        year=2019,
        month=1,
        figures=MonthFigures(amount=Decimal(900)),  # above half the plan, not 入库
    )
    return {"project": project, "report": report, "flag": report.flags.first()}


# --- reading ----------------------------------------------------------------------------


def test_the_city_month_reads_city_standing(invested, users):
    client, headers = client_for(users["leader"])
    response = client.get("/api/v1/investment/city?year=2019&month=10", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["month"]) == (2019, 10)
    # 7,200 of 12,000 = 60 %; 序时 10/12 = 83.3 %: 23.3 points behind.
    assert body["total"]["done"] == 7200 and body["total"]["plan"] == 12000
    assert body["total"]["rate"] == pytest.approx(60.0)
    assert body["total"]["schedule"] == pytest.approx(1000 / 12)
    assert body["total"]["light"] == "red"
    assert "0.72" in body["headline"] and "23.3" in body["headline"]  # lines.headline's
    assert [group["key"] for group in body["groups"]] == ["category", "level", "town", "department"]
    town = next(group for group in body["groups"] if group["key"] == "town")
    assert [(row["label"], row["count"]) for row in town["rows"]] == [("石柱镇", 1)]
    assert [row["id"] for row in body["behind"]] == [invested.pk]
    assert body["behind"][0]["reason"] == "投资滞后"
    assert body["unreported"] == [invested.pk]  # October is not reported
    assert body["waiting_review"] == 9
    assert body["start"]["target"] == 100.0  # October's (Zhejiang's default)


def test_the_city_month_defaults_to_the_last_month_ended(invested, users, city):
    city.status_date = date(2019, 11, 15)
    city.save(update_fields=["status_date"])
    client, headers = client_for(users["leader"])
    body = client.get("/api/v1/investment/city", **headers).json()
    assert (body["year"], body["month"]) == (2019, 10)
    past = client.get("/api/v1/investment/city?year=2018", **headers).json()
    assert (past["year"], past["month"]) == (2018, 12)


def test_a_projects_year(invested, users):
    client, headers = client_for(users["department"])
    response = client.get(f"/api/v1/projects/{invested.pk}/investment?year=2019", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"]["amount"] == "12000.00" and body["plan"]["curve"] is None
    assert len(body["months"]) == 12
    assert body["months"][8]["done"] == 7200 and body["months"][8]["plan_due"] == 9000
    assert body["months"][9]["amount"] is None and body["months"][9]["report"] is None
    assert len(body["reports"]) == 9 and all(r["counts"] for r in body["reports"])
    assert [f["source"] for f in body["funds"]][:2] == ["fund_central", "fund_provincial"]


# --- reporting ------------------------------------------------------------------------------


def test_a_town_reports_its_own_project_and_corrects_it(invested, users):
    client, headers = client_for(users["town"])
    url = f"/api/v1/projects/{invested.pk}/investment/reports"
    body = {
        "year": 2019,
        "month": 10,
        "amount": "7000",
        "construction": "6000",
        "equipment": "1000",
        "funds": {"fund_bond": "5000", "fund_self": "2000"},
        "progress_text": "路基完成八成",
        "in_library": True,
    }
    response = send(client, "post", url, body, headers)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["amount"] == "7000.00" and report["reported_by"] == "town"
    funds = {f["source"]: f["amount"] for f in report["funds"]}
    assert funds["fund_bond"] == "5000.00" and funds["fund_central"] == "0.00"
    # 7,000 is above half the year's plan and the year above 1,000 without a 确认单.
    codes = {check["check"] for check in report["checks"]}
    assert codes == {Check.MONTH_SHARE, Check.NO_CONFIRMATION}
    assert all(check["text"] and not check["cleared"] for check in report["checks"])
    # The same month again is a correction, with its reason.
    once = {**body, "amount": "700", "construction": None, "equipment": None}
    again = send(client, "post", url, once, headers)
    assert again.status_code == 400 and again.json()["field"] == "month"
    correction = {**body, "amount": "700", "construction": "700", "equipment": None}
    no_reason = send(client, "post", url, {**correction, "supersedes": report["id"]}, headers)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "correction_reason"
    corrected = send(
        client,
        "post",
        url,
        {**correction, "supersedes": report["id"], "correction_reason": "多报了设备"},
        headers,
    )
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["supersedes"] == report["id"]
    assert MonthlyReport.objects.get(pk=report["id"]).amount == Decimal(7000)  # history stays


def test_a_town_is_refused_another_towns_project(invested, other_towns_project, users):
    client, headers = client_for(users["town"])
    before = MonthlyReport.objects.count()
    response = send(
        client,
        "post",
        f"/api/v1/projects/{other_towns_project.pk}/investment/reports",
        {"year": 2019, "month": 10, "amount": "10"},
        headers,
    )
    assert response.status_code == 403
    assert "无权" in response.json()["message"] or "不允许" in response.json()["message"]
    assert MonthlyReport.objects.count() == before


def test_plans_are_the_offices(invested, users):
    url = f"/api/v1/projects/{invested.pk}/investment/plans/2020"
    body = {"amount": "6000", "curve": [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]}
    town, town_headers = client_for(users["town"])
    assert send(town, "put", url, body, town_headers).status_code == 403
    client, headers = client_for(users["supervisor"])
    response = send(client, "put", url, body, headers)
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "6000.00" and response.json()["curve"][-1] == 100
    assert AnnualPlan.objects.get(project=invested, year=2020).amount == Decimal(6000)
    falling = send(client, "put", url, {**body, "curve": [50, 40, *range(50, 140, 10)]}, headers)
    assert falling.status_code == 422 and falling.json()["field"].startswith("curve")
    rises_wrong = {**body, "curve": [50, 40, 50, 60, 70, 80, 90, 95, 96, 97, 98, 100]}
    refused = send(client, "put", url, rises_wrong, headers)
    assert refused.status_code == 400 and refused.json()["field"] == "curve"


# --- the office -------------------------------------------------------------------------------


def test_the_office_reviews_returns_and_clears(invested, users):
    report = monthly_submit(
        actor=users["town"],
        project=invested,
        year=2019,
        month=10,
        figures=MonthFigures(amount=Decimal(7000)),  # above half the plan; not 入库
    )
    flags = list(report.flags.order_by("check_code"))
    assert flags
    client, headers = client_for(users["supervisor"])
    review_url = f"/api/v1/investment/reports/{report.pk}/review"
    # Listed: waiting, and with checks open.
    waiting = client.get("/api/v1/investment/reports?status=waiting", **headers).json()
    assert report.pk in [row["id"] for row in waiting] and len(waiting) == 10
    open_checks = client.get("/api/v1/investment/reports?status=open_checks", **headers).json()
    # Oldest first: the fixture's months (above 1,000 万 without a 确认单), then October.
    assert [row["month"] for row in open_checks] == list(range(2, 11))
    assert open_checks[-1]["id"] == report.pk
    second_page = client.get("/api/v1/investment/reports?status=waiting&page=2", **headers)
    assert second_page.status_code == 200 and second_page.json() == []
    # Not approved while a check stands; not returned without a reason.
    approve = send(client, "post", review_url, {"approve": True}, headers)
    assert approve.status_code == 400
    no_note = send(client, "post", review_url, {"approve": False, "note": "  "}, headers)
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    assert not MonthlyReview.objects.filter(report=report).exists()
    # A town does not clear a check; the office does, saying why.
    clear_url = f"/api/v1/investment/checks/{flags[0].pk}/clear"
    town, town_headers = client_for(users["town"])
    assert send(town, "post", clear_url, {"note": "无"}, town_headers).status_code == 403
    empty = send(client, "post", clear_url, {"note": ""}, headers)
    assert empty.status_code in (400, 422) and empty.json()["field"] == "note"
    cleared = send(client, "post", clear_url, {"note": "十月设备集中到货"}, headers)
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["cleared"] and cleared.json()["note"] == "十月设备集中到货"
    assert CheckFlag.objects.get(pk=flags[0].pk).cleared_by == users["supervisor"]
    # Returned with its reason: it no longer counts.
    returned = send(client, "post", review_url, {"approve": False, "note": "未入库"}, headers)
    assert returned.status_code == 200, returned.content
    assert returned.json()["review"]["decision"] == "returned"
    assert returned.json()["review"]["note"] == "未入库" and not returned.json()["counts"]
    again = send(client, "post", review_url, {"approve": True}, headers)
    assert again.status_code == 400


def test_a_town_does_not_review(invested, users):
    report = MonthlyReport.objects.filter(project=invested).first()
    client, headers = client_for(users["town"])
    url = f"/api/v1/investment/reports/{report.pk}/review"
    assert send(client, "post", url, {"approve": True}, headers).status_code == 403
    assert not MonthlyReview.objects.exists()


# --- bounds and other cities ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 9999}, "year"),
        ({"year": 0}, "year"),
        ({"month": 13}, "month"),
        ({"month": 0}, "month"),
        ({"amount": 1e30}, "amount"),
        ({"amount": "-1e30"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"construction": "1e30"}, "construction"),
        ({"funds": {"fund_bond": "1e30"}}, "funds.fund_bond"),
        ({"funds": {"fund_loan": "-5"}}, "funds.fund_loan"),
        ({"progress_text": "路基\x00完成"}, "progress_text"),
        ({"progress_text": "字" * 2001}, "progress_text"),
        ({"correction_reason": "\x00"}, "correction_reason"),
        ({"supersedes": 2**63}, "supersedes"),
    ],
)
def test_a_report_out_of_bounds_is_refused_at_its_field(invested, users, change, field):
    client, headers = client_for(users["town"])
    before = MonthlyReport.objects.count()
    response = send(
        client,
        "post",
        f"/api/v1/projects/{invested.pk}/investment/reports",
        {"year": 2019, "month": 10, "amount": "10", **change},
        headers,
    )
    assert response.status_code in (400, 422), response.content[:300]
    assert response.json()["field"] == field, response.json()
    assert MonthlyReport.objects.count() == before


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/investment/city?year=9999&month=10", "query.year"),
        ("/api/v1/investment/city?year=2019&month=13", "query.month"),
        ("/api/v1/investment/city?year=2019&month=%00", "query.month"),
        ("/api/v1/investment/reports?status=%00", "query.status"),
        ("/api/v1/investment/reports?page=99999999999999999999", "query.page"),
        ("/api/v1/projects/{pk}/investment?year=9999", "query.year"),
    ],
)
def test_a_read_out_of_bounds_is_refused_at_its_field(invested, users, url, field):
    client, headers = client_for(users["leader"])
    response = client.get(url.format(pk=invested.pk), **headers)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("plans/9999", {"amount": "1"}, "path.year"),
        ("plans/2019", {"amount": "1e30"}, "amount"),
        ("plans/2019", {"amount": "-1"}, "amount"),
        ("plans/2019", {"amount": "1", "curve": [1e30] * 12}, "curve.0"),
        ("plans/2019", {"amount": "1", "curve": list(range(100_000))}, "curve"),
    ],
)
def test_a_plan_out_of_bounds_is_refused_at_its_field(invested, users, url, body, field):
    client, headers = client_for(users["supervisor"])
    response = send(
        client, "put", f"/api/v1/projects/{invested.pk}/investment/{url}", body, headers
    )
    assert response.status_code == 422, response.content[:300]
    assert response.json()["field"] == field
    assert AnnualPlan.objects.get(project=invested, year=2019).amount == Decimal(12000)


def test_another_citys_ids_are_not_found(invested, users, elsewhere):
    client, headers = client_for(users["supervisor"])
    project, report, flag = elsewhere["project"], elsewhere["report"], elsewhere["flag"]
    answers = {
        "project": client.get(f"/api/v1/projects/{project.pk}/investment", **headers),
        "report": send(
            client,
            "post",
            f"/api/v1/projects/{project.pk}/investment/reports",
            {"year": 2019, "month": 2, "amount": "1"},
            headers,
        ),
        "plan": send(
            client,
            "put",
            f"/api/v1/projects/{project.pk}/investment/plans/2019",
            {"amount": "1"},
            headers,
        ),
        "review": send(
            client,
            "post",
            f"/api/v1/investment/reports/{report.pk}/review",
            {"approve": False, "note": "越权"},
            headers,
        ),
        "clear": send(
            client, "post", f"/api/v1/investment/checks/{flag.pk}/clear", {"note": "越权"}, headers
        ),
        "huge": client.get(f"/api/v1/projects/{2**63}/investment", **headers),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    # A correction naming the other city's report is refused at its field.
    own = send(
        client,
        "post",
        f"/api/v1/projects/{invested.pk}/investment/reports",
        {
            "year": 2019,
            "month": 10,
            "amount": "1",
            "supersedes": report.pk,
            "correction_reason": "x",
        },
        headers,
    )
    assert own.status_code == 400 and own.json()["field"] == "supersedes"
    # Nothing of the other city is listed, counted or changed.
    for status in ("waiting", "open_checks"):
        rows = client.get(f"/api/v1/investment/reports?status={status}", **headers).json()
        assert report.pk not in [row["id"] for row in rows]
    city = client.get("/api/v1/investment/city?year=2019&month=1", **headers).json()
    assert city["total"]["plan"] == 12000
    assert MonthlyReport.everywhere.filter(project=project).count() == 1
    assert not MonthlyReview.everywhere.filter(report=report).exists()
    assert CheckFlag.everywhere.get(pk=flag.pk).cleared_at is None
    assert AnnualPlan.everywhere.get(project=project).amount == Decimal(1000)


def test_the_office_lists_are_the_office_s_and_leaders(invested, users):
    for role, code in (("town", 403), ("department", 403), ("leader", 200), ("supervisor", 200)):
        client, headers = client_for(users[role])
        assert client.get("/api/v1/investment/reports", **headers).status_code == code, role
