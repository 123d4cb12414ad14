"""The demo's 金台铁路: its approved plan, one approved and one pending 节点调整."""

from datetime import date

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.baselines.models import Adjustment, Baseline
from guatu.baselines.services import baseline_rows
from guatu.core.baselines import compare

pytestmark = pytest.mark.django_db


def test_the_railway_has_two_baselines_one_approved_and_one_pending_adjustment(demo):
    baselines = list(Baseline.objects.filter(project__code="jintai-railway"))
    assert [b.number for b in baselines] == [1, 2]
    statuses = sorted(
        Adjustment.objects.filter(project__code="jintai-railway").values_list("status", flat=True)
    )
    assert statuses == ["approved", "pending"]
    diff = compare(baseline_rows(baselines[0]), baseline_rows(baselines[1]))
    assert [(m.code, m.field, m.after) for m in diff.moved] == [
        ("zx-tj-5", "deadline", date(2020, 5, 31))
    ]


def test_the_leader_sees_the_pending_request_and_the_comparison(demo):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    page = c.get("/projects/jintai-railway/adjustments/").content.decode()
    assert "待督查办审核" in page and "已批准" in page and "剩余3户" in page
    compared = c.get("/projects/jintai-railway/baselines/?a=1&b=2").content.decode()
    assert "1 项调整" in compared


def test_the_wall_chart_draws_a_chosen_baseline_beneath_the_bars(demo):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    plain = c.get("/projects/jintai-railway/wallchart/?zoom=quarter").content.decode()
    assert "wc-baseline" not in plain and "zoom=quarter&baseline=1" in plain
    drawn = c.get("/projects/jintai-railway/wallchart/?zoom=quarter&baseline=1").content.decode()
    assert drawn.count('class="wc-baseline"') >= 10
    assert c.get("/projects/jintai-railway/wallchart/?baseline=99").status_code == 200


def test_the_weeks_bulletin_counts_the_approved_adjustment_by_unit(demo):
    from guatu.core.periods import parse_period
    from guatu.org.models import City
    from guatu.supervision.bulletins import bulletin_content
    from guatu.supervision.render import to_html

    city = City.objects.get()
    content = bulletin_content(city=city, period=parse_period("2019-W46")).as_dict()
    (row,) = content["adjustments"]
    assert row["count"] == 1 and row["items"] == ["主线路基桥涵工程（舟山镇段）"]
    html = to_html(content)
    assert "本期批准的节点调整" in html and "主线路基桥涵工程（舟山镇段）" in html
    earlier = bulletin_content(city=city, period=parse_period("2019-W45")).as_dict()
    assert earlier["adjustments"] == []


def test_the_railway_as_of_a_day_before_the_approval_shows_the_old_plan(demo):
    from guatu.baselines.asof import project_as_of
    from guatu.projects.models import Project

    railway = Project.objects.get(code="jintai-railway")
    before = project_as_of(railway, date(2019, 11, 12))
    after = project_as_of(railway, date(2019, 11, 15))
    assert (before.baseline.number, after.baseline.number) == (1, 2)
    roadbed = {r.code: r for r in before.rows}["zx-tj-5"]
    assert roadbed.then.deadline is None and roadbed.now.deadline == date(2020, 5, 31)


def test_the_printed_sheets_carry_the_baseline_bars_too(demo):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    url = "/projects/jintai-railway/wallchart.svg?paper=A1&sheet=1"
    assert "wc-baseline" not in c.get(url).content.decode()
    assert c.get(url + "&baseline=2").content.decode().count('class="wc-baseline"') >= 10
    pdf = c.get("/projects/jintai-railway/wallchart.pdf?paper=A3&baseline=1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_consequence_speaks_of_the_finish_the_project_page_shows(demo):
    """The preview's 项目最早完成 is the project's, from the data date (not the plan's)."""
    from guatu.projects.models import Project, WorkItem

    c = Client()
    c.force_login(User.objects.get(username="town_shizhu"))
    project = Project.objects.get(code="jintai-railway")
    item = WorkItem.objects.get(project=project, code="wq-zd")
    preview = c.get(f"/items/{item.pk}/adjust/preview/", {"new_duration_days": 400}).content
    finish = project.early_finish.isoformat()
    assert f"{finish}</span> → " in preview.decode()
    assert finish in c.get(f"/projects/{project.code}/").content.decode()
