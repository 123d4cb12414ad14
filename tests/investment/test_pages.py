"""The investment pages: who reads and who writes what, the lines as ``lines`` words them
from ``city_standing``, the forms writing through the services, bad queries answered 400.

The fixture: two projects of a city on 2019-11-15 (so the month shown is October).
- 金台铁路永康段 (石柱镇, 交通局, 续建, 建设): plan 12,000 万元; January 6,000 and
  October 4,500 reported (each above 1,000 万元 this year without a 形象进度确认单: a check).
- 前仓镇小微企业园 (前仓镇, 自然资源局, 新开工, not started, 前期 用地报批): plan 6,000;
  January 800, February 200 (no check); October not reported.
By hand for January–October: done 11,500 of 18,000 → 1.15 亿元, 63.9 % of the plan; due
15,000 (10/12) → 83.3 %; 19.4 points behind (欠). The park is behind by 66.7 points
(16.7 % against 83.3 %), its reason 开工滞后; the railway is ahead (87.5 %).
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfWriter

from guatu.core.investment import Check
from guatu.investment import lines
from guatu.investment.models import (
    AnnualPlan,
    CheckFlag,
    InvestmentRuleSet,
    MonthlyReport,
    MonthlyReview,
)
from guatu.investment.selectors import city_standing
from guatu.investment.services import check_text, monthly_submit, plan_set
from guatu.investment.views_pages import project_panel
from guatu.org.models import City, Department
from guatu.projects.models import Project
from tests.investment.conftest import figures
from tests.web.test_every_url import CODES, SNAKE, visible_text

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)


@pytest.fixture
def two(city, towns, departments, users, project):
    city.status_date = TODAY
    city.save()
    office = users["supervisor"]
    railway = project
    railway.responsible_town = towns["石柱镇"]
    railway.total_investment = Decimal("50000")
    railway.stage = Project.Stage.BUILDING
    railway.category = Project.Category.CONTINUING
    railway.level = Project.Level.PROVINCIAL
    railway.save()
    park = Project.objects.create(
        city=city,
        code="qiancang-park",
        name="前仓镇小微企业园",
        start_date=date(2019, 1, 1),
        owner_department=departments["自然资源局"],
        responsible_town=towns["前仓镇"],
        category=Project.Category.NEW,
        level=Project.Level.CITY,
        preparation="用地报批",
    )
    plan_set(actor=office, project=railway, year=2019, amount=Decimal("12000"))
    plan_set(actor=office, project=park, year=2019, amount=Decimal("6000"))
    for who, target, month, amount in [
        (users["town"], railway, 1, 6000),
        (users["town"], railway, 10, 4500),
        (office, park, 1, 800),
        (office, park, 2, 200),
    ]:
        monthly_submit(
            actor=who, project=target, year=2019, month=month, figures=figures(amount), today=TODAY
        )
    return railway, park


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report(project, month) -> MonthlyReport:
    return MonthlyReport.objects.get(project=project, month=month, superseded_by__isnull=True)


# --- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "city_page", "review", "rules", "project_page"),
    [
        ("supervisor", 200, 200, 200, 200),
        ("leader", 200, 200, 200, 200),
        ("town", 200, 403, 200, 200),
        ("department", 200, 403, 200, 200),
    ],
)
def test_every_page_for_each_role(two, users, who, city_page, review, rules, project_page):
    railway, park = two
    client = client_for(users[who])
    assert client.get("/investment/").status_code == city_page
    assert client.get("/investment/review/").status_code == review
    assert client.get("/investment/rules/").status_code == rules
    for project in (railway, park):
        assert client.get(f"/projects/{project.pk}/investment/").status_code == project_page


def test_signed_out_is_sent_to_sign_in(two):
    railway, _park = two
    for url in ("/investment/", "/investment/review/", f"/projects/{railway.pk}/investment/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_headline_is_lines_own_sentence_with_the_hand_computed_figures(two, users, city):
    page = client_for(users["leader"]).get("/investment/").content.decode()
    with translation.override("zh-hans"):
        standing = city_standing(city, 2019, 10)
        headline = lines.headline(standing)
        start = lines.start_line(standing)
    assert escape(headline) in page
    assert escape(start) in page
    # The figures worked out by hand (module docstring), whatever the wording.
    for figure in ("1.15", "63.9", "19.4"):
        assert figure in headline
    assert standing.total.done == 11500 and standing.total.plan == 18000
    assert headline == (
        "1–10月，全市重点项目完成投资 1.15 亿元，完成年度计划的 63.9%，欠序时进度 19.4 个百分点。"
    )


def test_the_city_page_lists_who_is_behind_not_started_and_not_reported(two, users):
    _railway, park = two
    page = client_for(users["town"]).get("/investment/?year=2019&month=10").content.decode()
    behind = page.split('id="behind"')[1].split("</section>")[0]
    assert "前仓镇小微企业园" in behind and "开工滞后" in behind
    assert "金台铁路永康段" not in behind  # ahead of its 序时
    start = page.split('id="start"')[1].split("</section>")[0]
    assert "前仓镇小微企业园" in start and "用地报批" in start
    unreported = page.split('id="unreported"')[1].split("</section>")[0]
    assert "前仓镇小微企业园" in unreported and "金台铁路永康段" not in unreported
    # Each dimension's table, with the city's sum (the figures as the standing has them).
    for label in ("省重点", "市重点", "石柱镇", "前仓镇", "市交通运输局", "续建", "新开工"):
        assert label in page, label
    assert "11500.00" in page and "18000.00" in page
    # An earlier month is the standing of that month: January alone.
    january = client_for(users["town"]).get("/investment/?year=2019&month=1").content.decode()
    with translation.override("zh-hans"):
        assert escape(lines.headline(city_standing(park.city, 2019, 1))) in january


def test_the_counts_link_to_the_office_list_and_agree_with_it(two, users, city):
    standing = city_standing(city, 2019, 10)
    assert standing.waiting_review == 4 and standing.open_checks == 2
    office_page = client_for(users["supervisor"]).get("/investment/").content.decode()
    assert 'href="/investment/review/#reports"' in office_page
    town_page = client_for(users["town"]).get("/investment/").content.decode()
    assert "/investment/review/" not in town_page
    review = client_for(users["supervisor"]).get("/investment/review/")
    assert len(review.context["reports"]) == standing.waiting_review
    assert len(review.context["flags"]) == standing.open_checks
    text = review.content.decode()
    railway, _park = two
    assert f"/projects/{railway.pk}/investment/?year=2019#report-" in text


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=9999",
        "year=1999",
        "month=13",
        "month=0",
        "month=x",
        "year=2019&month=%00",
        "year=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%99",
    ],
)
def test_a_bad_year_or_month_is_a_400_that_says_which(two, users, query):
    railway, _park = two
    client = client_for(users["leader"])
    response = client.get(f"/investment/?{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "年份" in text or "月份" in text
    if "month" not in query:
        assert client.get(f"/projects/{railway.pk}/investment/?{query}").status_code == 400


def test_another_city_s_project_is_not_found(two, users):
    other = City.objects.create(name="别市", code="331000")
    department = Department.objects.create(city=other, name="别市交通局", short_name="交通")
    elsewhere = Project.objects.create(
        city=other,
        code="elsewhere",
        name="别处项目",
        start_date=date(2019, 1, 1),
        owner_department=department,
    )
    assert (
        client_for(users["supervisor"]).get(f"/projects/{elsewhere.pk}/investment/").status_code
        == 404
    )


def test_the_project_page_shows_the_curve_the_history_and_the_checks(two, users):
    railway, _park = two
    response = client_for(users["leader"]).get(f"/projects/{railway.pk}/investment/?year=2019")
    page = response.content.decode()
    assert page.count("<svg") >= 2 and "<path" in page and "<rect" in page
    assert "10,500" in page  # the actual cumulative written at October's point
    assert "12,000" in page  # the plan's December
    # The months' table read from project_months; funds by source from funds_by_source.
    assert [m.done for m in response.context["months"]][9] == 10500
    assert response.context["funds"][0][1] == Decimal(0)
    # The history: both months, their checks' sentences, who reported.
    flag = CheckFlag.objects.filter(report=report(railway, 10)).get()
    assert flag.check_code == Check.NO_CONFIRMATION
    with translation.override("zh-hans"):
        assert escape(check_text(flag)) in page
    assert "town" in page  # reported by the town's official
    # Readers get no forms.
    assert 'name="action" value="report"' not in page
    assert 'name="action" value="review"' not in page


def test_forms_by_role(two, users):
    railway, park = two
    town_page = client_for(users["town"]).get(f"/projects/{railway.pk}/investment/").content
    assert b'value="report"' in town_page and b'value="review"' not in town_page
    assert (
        b'value="report"'
        not in client_for(users["town"]).get(f"/projects/{park.pk}/investment/").content
    )
    office_page = client_for(users["supervisor"]).get(f"/projects/{railway.pk}/investment/")
    text = office_page.content.decode()
    for action in ("report", "review", "clear", "plan"):
        assert f'name="action" value="{action}"' in text, action


def test_the_panel_include_reads_the_standing(two):
    railway, park = two
    panel = project_panel(railway)
    assert (panel.year, panel.month) == (2019, 10)
    assert panel.row is not None and panel.row.done == 10500
    html = render_to_string("investment/_project_panel.html", {"investment_panel": panel})
    assert "12000.00" in html and "10500.00" in html and "87.5%" in html
    assert f"/projects/{railway.pk}/investment/?year=2019" in html
    # A project without a plan: no figures, still the link.
    park_plan = AnnualPlan.objects.get(project=park)
    assert park_plan.amount == 6000
    other = Project.objects.create(
        city=railway.city,
        code="no-plan",
        name="无计划项目",
        start_date=date(2019, 1, 1),
        owner_department=railway.owner_department,
    )
    html = render_to_string(
        "investment/_project_panel.html", {"investment_panel": project_panel(other)}
    )
    assert "10500" not in html and f"/projects/{other.pk}/investment/" in html


# --- writing through the services --------------------------------------------------------


def _month(**fields) -> dict:
    return {
        "action": "report",
        "year": "2019",
        "month": "9",
        "amount": "300",
        "in_library": "on",
        **fields,
    }


def test_a_town_reports_its_project_and_is_refused_on_another_s(two, users):
    railway, park = two
    client = client_for(users["town"])
    response = client.post(f"/projects/{railway.pk}/investment/", _month(fund_self="300"))
    assert response.status_code == 302
    stored = report(railway, 9)
    assert stored.amount == 300 and stored.reported_by == users["town"]
    assert stored.fund_self == 300 and stored.in_library
    # Another town's project: refused, nothing written.
    response = client.post(f"/projects/{park.pk}/investment/", _month())
    assert response.status_code == 403
    assert not MonthlyReport.objects.filter(project=park, month=9).exists()


def test_the_report_form_shows_the_service_s_errors_at_their_fields(two, users):
    railway, _park = two
    client = client_for(users["town"])
    # The split does not add up (figures_problems) and a month not yet over (the service).
    response = client.post(
        f"/projects/{railway.pk}/investment/",
        _month(month="9", construction="100", equipment="100", other="0"),
    )
    assert response.status_code == 200
    assert response.context["report_form"].errors["amount"]
    response = client.post(f"/projects/{railway.pk}/investment/", _month(month="11"))
    assert response.context["report_form"].errors["month"]
    # Bounded at the field: 1e30 万元, a NUL, year 9999.
    response = client.post(
        f"/projects/{railway.pk}/investment/",
        _month(amount="1e30", progress_text="a\x00b", year="9999"),
    )
    errors = response.context["report_form"].errors
    assert {"amount", "progress_text", "year"} <= set(errors)
    assert not MonthlyReport.objects.filter(project=railway, month__in=[9, 11]).exists()


def test_a_month_reported_is_corrected_only_with_a_reason(two, users):
    railway, _park = two
    client = client_for(users["town"])
    first = report(railway, 1)
    response = client.post(f"/projects/{railway.pk}/investment/", _month(month="1", amount="5800"))
    assert response.status_code == 200
    assert response.context["report_form"].errors["month"]  # already reported: correct it
    response = client.post(
        f"/projects/{railway.pk}/investment/",
        _month(month="1", amount="5800", correction_reason="漏计设备款"),
    )
    assert response.status_code == 302
    corrected = report(railway, 1)
    assert corrected.supersedes == first and corrected.correction_reason == "漏计设备款"
    page = client.get(f"/projects/{railway.pk}/investment/").content.decode()
    assert "漏计设备款" in page


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_confirmation_is_checked_by_content_and_served_to_those_who_may(
    two, users, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    railway, _park = two
    client = client_for(users["town"])
    fake = SimpleUploadedFile("确认单.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        f"/projects/{railway.pk}/investment/", {**_month(), "confirmation": fake}
    )
    assert response.status_code == 200
    assert response.context["report_form"].errors["confirmation"]
    good = SimpleUploadedFile("确认单.pdf", _pdf(), content_type="application/pdf")
    response = client.post(
        f"/projects/{railway.pk}/investment/", {**_month(), "confirmation": good}
    )
    assert response.status_code == 302
    stored = report(railway, 9)
    assert stored.confirmation
    url = f"/investment/reports/{stored.pk}/confirmation/"
    download = client.get(url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client_for(users["leader"]).get(url).status_code == 200
    other = users["department"]
    other.department = Department.objects.get(short_name="自然资源局")
    other.save()
    assert client_for(other).get(url).status_code == 403


def test_the_office_approves_returns_with_a_reason_and_clears_a_check(two, users):
    railway, park = two
    client = client_for(users["supervisor"])
    url = f"/projects/{park.pk}/investment/"
    january, february = report(park, 1), report(park, 2)
    response = client.post(
        url, {"action": "review", "report": january.pk, f"r{january.pk}-decision": "approve"}
    )
    assert response.status_code == 302
    january.refresh_from_db()
    assert january.review.decision == "approved"
    # A return without its reason is refused at the note; with it, recorded.
    response = client.post(
        url, {"action": "review", "report": february.pk, f"r{february.pk}-decision": "return"}
    )
    assert response.status_code == 200
    assert (
        not MonthlyReport.objects.get(pk=february.pk)
        .__class__.objects.filter(pk=february.pk, review__isnull=False)
        .exists()
    )
    response = client.post(
        url,
        {
            "action": "review",
            "report": february.pk,
            f"r{february.pk}-decision": "return",
            f"r{february.pk}-note": "与形象进度不符",
        },
    )
    assert response.status_code == 302
    february.refresh_from_db()
    assert february.review.decision == "returned" and february.review.note == "与形象进度不符"
    # A check cleared with the reason the figure stands.
    flag = CheckFlag.objects.get(report=report(railway, 1))
    response = client.post(
        f"/projects/{railway.pk}/investment/",
        {"action": "clear", "flag": flag.pk, f"f{flag.pk}-note": "确认单已补交纸质件"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_by == users["supervisor"] and flag.clear_note == "确认单已补交纸质件"


def test_an_approval_with_a_check_not_cleared_shows_the_error(two, users):
    railway, _park = two
    october = report(railway, 10)
    response = client_for(users["supervisor"]).post(
        f"/projects/{railway.pk}/investment/",
        {"action": "review", "report": october.pk, f"r{october.pk}-decision": "approve"},
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = translation.gettext(
            "Clear each statistics check of this report (say why the figure stands) "
            "before approving it, or return it."
        )
    assert escape(message) in response.content.decode()
    assert not MonthlyReview.objects.filter(report=october).exists()


def test_only_the_office_reviews_clears_and_plans(two, users):
    railway, park = two
    client = client_for(users["town"])
    october = report(railway, 10)
    flag = CheckFlag.objects.get(report=october)
    url = f"/projects/{railway.pk}/investment/"
    assert (
        client.post(
            url, {"action": "review", "report": october.pk, f"r{october.pk}-decision": "approve"}
        ).status_code
        == 403
    )
    assert (
        client.post(url, {"action": "clear", "flag": flag.pk, f"f{flag.pk}-note": "x"}).status_code
        == 403
    )
    assert (
        client.post(url, {"action": "plan", "plan-year": "2019", "plan-amount": "1"}).status_code
        == 403
    )
    assert AnnualPlan.objects.get(project=railway).amount == 12000
    # A report of another project is not this page's to act on.
    other = report(park, 1)
    office = client_for(users["supervisor"])
    assert office.post(url, {"action": "review", "report": other.pk}).status_code == 404
    assert office.post(url, {"action": "review", "report": "abc"}).status_code == 404
    assert office.post(url, {"action": "nothing"}).status_code == 400


def test_the_office_sets_the_annual_plan_with_its_own_curve(two, users):
    railway, _park = two
    client = client_for(users["supervisor"])
    url = f"/projects/{railway.pk}/investment/"
    curve = "5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100"
    response = client.post(
        url, {"action": "plan", "plan-year": "2019", "plan-amount": "15000", "plan-curve": curve}
    )
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(project=railway, year=2019)
    assert plan.amount == 15000 and plan.curve[0] == 5 and plan.curve[-1] == 100
    # A curve that falls is the service's error, at the field; nothing changes.
    response = client.post(
        url,
        {
            "action": "plan",
            "plan-year": "2019",
            "plan-amount": "1",
            "plan-curve": "50, 40" + ", 100" * 10,
        },
    )
    assert response.status_code == 200 and response.context["plan_form"].errors["curve"]
    response = client.post(
        url, {"action": "plan", "plan-year": "2019", "plan-amount": "1", "plan-curve": "a, b"}
    )
    assert response.context["plan_form"].errors["curve"]
    assert AnnualPlan.objects.get(project=railway, year=2019).amount == 15000


def test_the_rules_page_the_office_adds_a_version_others_read(two, users, city):
    data = {
        "valid_from": "2019-12-01",
        "yellow_gap": "3",
        "red_gap": "8",
        "due_day": "10",
        "curve": "",
        "start_targets": "3:30, 6:60, 9:85, 12:100",
        "overrun_ratio": "1.2",
        "idle_months": "3",
        "confirmation_above": "1000",
        "month_share": "50",
        "note": "2020 口径",
    }
    assert client_for(users["town"]).post("/investment/rules/", data).status_code == 403
    office = client_for(users["supervisor"])
    assert office.post("/investment/rules/", data).status_code == 302
    version = InvestmentRuleSet.objects.get(city=city)
    assert version.red_gap == 8 and version.start_targets == {"3": 30, "6": 60, "9": 85, "12": 100}
    # Red below yellow, a past date: the service's and the database's rules, beside the fields.
    response = office.post(
        "/investment/rules/", {**data, "red_gap": "1", "valid_from": "2019-01-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = office.post("/investment/rules/", {**data, "start_targets": "13:50"})
    assert response.context["form"].errors["start_targets"]
    assert InvestmentRuleSet.objects.filter(city=city).count() == 1
    page = client_for(users["town"]).get("/investment/rules/").content.decode()
    assert "2020 口径" in page and 'name="yellow_gap"' not in page


def test_no_page_shows_a_code(two, users):
    """The words people read: no light, decision or field name as the code stores it."""
    railway, park = two
    client = client_for(users["supervisor"])
    urls = [
        "/investment/",
        "/investment/review/",
        "/investment/rules/",
        f"/projects/{railway.pk}/investment/",
        f"/projects/{park.pk}/investment/",
    ]
    for url in urls:
        text = visible_text(client.get(url).content.decode())
        shown = {*CODES.findall(text), *SNAKE.findall(text)}
        assert not shown, (url, shown)


def test_saving_the_rules_page_keeps_the_score_weight_and_the_lists_size(two, users, city):
    """The form once had no field for them: every save reset investment's part of the
    督查考核 score to 0 and the 红黑榜 to three a list."""
    from guatu.investment.services import rules_change

    rules_change(
        actor=users["supervisor"], city=city, score_weight=20, list_size=2,
        valid_from=date(2019, 11, 20),
    )  # fmt: skip
    data = {
        "valid_from": "2019-12-01", "yellow_gap": "3", "red_gap": "8", "due_day": "10",
        "curve": "", "start_targets": "", "overrun_ratio": "1.2", "idle_months": "3",
        "confirmation_above": "1000", "month_share": "50",
    }  # fmt: skip
    office = client_for(users["supervisor"])
    page = office.get("/investment/rules/").content.decode()
    assert 'name="score_weight"' in page and 'name="list_size"' in page
    assert office.post("/investment/rules/", data).status_code == 302
    latest = InvestmentRuleSet.objects.filter(city=city).latest("version")
    assert (latest.score_weight, latest.list_size) == (20, 2)
    assert office.post("/investment/rules/", {**data, "score_weight": "35"}).status_code == 302
    assert InvestmentRuleSet.objects.filter(city=city).latest("version").score_weight == 35
