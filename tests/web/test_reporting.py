"""The reporting loop on the pages, as a town official and others would use it."""

import re

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.audit.models import AuditEntry
from guatu.problems.services import problem_assign
from guatu.progress.models import Blocker, ProgressReport
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def sign_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    client.post(
        "/login/",
        {"username": username, "password": "guatu-demo-2019", "csrfmiddlewaretoken": token},
    )
    return client


def post(client: Client, url: str, data: dict):
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def item(project: str, code: str) -> WorkItem:
    return WorkItem.objects.get(project__code=project, code=code)


def test_a_town_official_reports_and_the_light_changes(demo):
    town = sign_in("town_shizhu")
    design = item("park-shizhu", "zj")  # 组卷报批, 85 % reported, green
    page = town.get(f"/items/{design.pk}/")
    assert "提交填报" in page.text and "绿灯" in page.text
    response = post(
        town,
        f"/items/{design.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "percent": "100",
            "note": "已报批",
        },
    )
    # 15 November is reported already: a second figure for it is refused, next to the date.
    assert response.status_code == 200
    assert "已填报过" in response.text and "更正" in response.text
    today = ProgressReport.objects.get(work_item=design, reported_on="2019-11-15")
    response = post(
        town,
        f"/items/{design.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "percent": "100",
            "note": "已报批",
            "supersedes": today.pk,
            "correction_reason": "下午已报批",
        },
    )
    assert response.status_code == 302
    page = town.get(f"/items/{design.pk}/")
    assert "完成" in page.text and "已报批" in page.text
    assert AuditEntry.objects.filter(action="report_correct", channel="web").exists()


def test_a_figure_above_target_waits_for_the_office(demo):
    """The seen bug: 200 亩 on a 126 亩 item was saved and turned the light to 完成."""
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")
    target = land.quantity_target
    today = ProgressReport.objects.get(work_item=land, reported_on="2019-11-15")
    figure = {
        "action": "report",
        "reported_on": "2019-11-15",
        "quantity": str(target * 2),
        "unit": "mu",
        "supersedes": today.pk,
        "correction_reason": "补报临时用地",
    }
    response = post(town, f"/items/{land.pk}/", figure)
    assert response.status_code == 200 and "超出目标" in response.text
    response = post(
        town, f"/items/{land.pk}/", {**figure, "above_target": "on", "note": "含临时用地"}
    )
    assert response.status_code == 302
    page = town.get(f"/items/{land.pk}/")
    assert "超目标待核实" in page.text
    assert "light-done" not in page.text
    supervisor = sign_in("supervisor")
    flagged = ProgressReport.objects.get(work_item=land, above_target=True)
    page = supervisor.get(f"/items/{land.pk}/")
    assert "review-form" in page.text
    response = post(
        supervisor,
        f"/items/{land.pk}/",
        {"action": "review", "report": flagged.pk, "decision": "confirm", "note": "已核实"},
    )
    assert response.status_code == 302
    page = town.get(f"/items/{land.pk}/")
    assert "超目标已确认" in page.text and "light-done" in page.text


def test_errors_are_shown_next_to_the_field_and_nothing_is_stored(demo):
    town = sign_in("town_shizhu")
    land = item("jintai-railway", "wq-zd")  # in 亩
    before = ProgressReport.objects.count()
    page = post(
        town,
        f"/items/{land.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "quantity": "5",
            "unit": "hh",
        },
    )
    assert page.status_code == 200
    assert "无法把 5 户 换算为亩" in page.text
    page = post(
        town,
        f"/items/{land.pk}/",
        {
            "action": "report",
            "reported_on": "2019-12-01",
            "quantity": "100",
            "unit": "mu",
        },
    )
    assert "晚于今天" in page.text
    assert ProgressReport.objects.count() == before


def test_another_towns_item_is_refused_and_logged(demo):
    town = sign_in("town_shizhu")
    other = item("jintai-railway", "wq-zc-2")  # 前仓镇
    page = town.get(f"/items/{other.pk}/")
    assert page.status_code == 200 and "提交填报" not in page.text
    before = ProgressReport.objects.count()
    response = post(
        town,
        f"/items/{other.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "quantity": "30",
            "unit": "hh",
        },
    )
    assert response.status_code == 403
    assert ProgressReport.objects.count() == before
    assert AuditEntry.objects.filter(allowed=False, user__username="town_shizhu").exists()


def test_a_correction_keeps_the_original(demo):
    town = sign_in("town_shizhu")
    target = item("jintai-railway", "wq-zc-1")
    original = ProgressReport.objects.filter(work_item=target).latest("reported_on")
    response = post(
        town,
        f"/items/{target.pk}/",
        {
            "action": "report",
            "reported_on": "2019-11-15",
            "quantity": "54",
            "unit": "hh",
            "supersedes": original.pk,
            "correction_reason": "1户协议作废",
        },
    )
    assert response.status_code == 302
    page = town.get(f"/items/{target.pk}/")
    assert "1户协议作废" in page.text and "已被更正" in page.text
    assert ProgressReport.objects.filter(pk=original.pk).exists()


def test_blockers_from_the_item_page(demo):
    town = sign_in("town_shizhu")
    target = item("jintai-railway", "wq-xl")
    department = target.owner_department
    response = post(
        town,
        f"/items/{target.pk}/",
        {
            "action": "blocker",
            "description": "线路工程进场受阻",
            "owner_department": department.pk,
            "responsible_person": "副镇长",
            "due_on": "2019-11-30",
        },
    )
    assert response.status_code == 302
    blocker = Blocker.objects.get(description="线路工程进场受阻")
    leader = sign_in("leader")
    refused = post(
        leader,
        f"/items/{target.pk}/",
        {"action": "resolve", "blocker": blocker.pk, "resolution": "x"},
    )
    assert refused.status_code == 403
    problem_assign(  # the answer is to the office's 交办单
        actor=User.objects.get(username="supervisor"),
        blocker=blocker,
        category="site",
        level=1,
        action_required="协调进场",
        owner_department=blocker.owner_department,
        responsible_person="副镇长",
        due_on=blocker.due_on,
    )
    owner = sign_in("dept_jiaotong")
    done = post(
        owner,
        f"/items/{target.pk}/",
        {"action": "resolve", "blocker": blocker.pk, "resolution": "已协调进场"},
    )
    assert done.status_code == 302
    blocker.refresh_from_db()
    assert blocker.status == "replied"  # the unit's answer, for the office to verify
    office = sign_in("supervisor")
    closed = post(
        office,
        f"/items/{target.pk}/",
        {"action": "resolve", "blocker": blocker.pk, "resolution": "现场核实已进场"},
    )
    assert closed.status_code == 302
    blocker.refresh_from_db()
    assert blocker.status == "resolved"


def test_pages_show_lights_and_the_town_ranking(demo):
    leader = sign_in("leader")
    projects = leader.get("/projects/").text
    assert "红灯" in projects and "绿灯" in projects and "数据日期 2019-11-15" in projects
    railway = leader.get("/projects/jintai-railway/").text
    assert "预警" in railway and "完成" in railway
    towns = leader.get("/towns/").text
    assert towns.index("象珠镇") < towns.index("古山镇")


def test_history_shows_the_items_unit_and_what_was_entered(demo):
    """The seen bug: a 亩 item's history showed "38093.3333 平方米"."""
    land = item("jintai-railway", "wq-zd")  # 126 亩, reported in 平方米
    page = sign_in("town_shizhu").get(f"/items/{land.pk}/").text
    history = page[page.index("填报记录") :]
    assert "88.2 亩" in history  # 70 % of 126 亩 on 15 November
    assert re.search(r"按 \d+ 平方米 填报", history)
    assert not re.search(r"\d+\.\d{3,}", history), "no four-decimal figures"


def test_pages_keep_their_title_and_scores_before_any_publish(demo):
    leader = sign_in("leader")
    page = leader.get("/projects/jintai-railway/").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "&lt;" not in title and "<" not in title and title.startswith("金台铁路永康段")
    scores = leader.get("/scores/")
    assert scores.status_code == 200 and "2019" in scores.text and "0 年" not in scores.text
    bad = leader.get("/scores/?year=abc")
    assert bad.status_code == 400 and "不是年份" in bad.text and "topbar" in bad.text


def test_times_are_the_citys_and_the_demo_stamps_reports_at_their_story_dates(demo):
    """The seen bug: every demo report was stamped "2026-12-02 05:10" whatever its 2019 date."""
    from zoneinfo import ZoneInfo

    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    shanghai = ZoneInfo("Asia/Shanghai")
    for report in ProgressReport.objects.all()[:50]:
        assert report.created_at.astimezone(shanghai).date() == report.reported_on
    land = item("jintai-railway", "wq-zd")
    page = sign_in("town_shizhu").get(f"/items/{land.pk}/").text
    assert "2019-11-15 17:30" in page  # submitted at, in Asia/Shanghai
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "— 请选择 —"
