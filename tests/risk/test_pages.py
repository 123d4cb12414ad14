"""The demo's 金台铁路 through the risk page and the API: chances, drivers, sources, what-if."""

import io

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_chances_the_drivers_and_where_they_come_from(demo):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    page = c.get("/projects/jintai-railway/risk/").content.decode()
    assert "进度风险" in page and "2020-06-30" in page and "达成概率" in page
    assert "主线、连接线和相关站场同期交付" in page  # the joint node has its row
    assert "项）" in page  # each distribution says how many items it rests on
    assert 'class="tornado-bar"' in page


def test_a_what_if_changes_the_chance_and_stores_nothing(demo):
    c = Client()
    c.force_login(User.objects.get(username="leader"))
    node = WorkItem.objects.get(project__code="jintai-railway", code="zx-tj-5")
    before = node.deadline
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(user=User.objects.get(username='leader'))}"
    }
    plain = c.get("/api/v1/projects/jintai-railway/risk", **auth).json()
    moved = c.get(
        f"/api/v1/projects/jintai-railway/risk?node_item={node.pk}&node_date=2022-12-31", **auth
    ).json()
    row = next(r for r in plain["nodes"] if r["item"] == node.pk)
    after = next(r for r in moved["nodes"] if r["item"] == node.pk)
    assert after["node"] == "2022-12-31" and after["probability"] > row["probability"]
    assert plain["sources"] and plain["sources"][0]["items"] > 0
    node.refresh_from_db()
    assert node.deadline == before  # nothing stored
    page = c.get(f"/projects/jintai-railway/risk/?node_item={node.pk}&node_date=2022-12-31")
    assert page.status_code == 200 and "2022-12-31" in page.content.decode()
    bad = c.get(f"/projects/jintai-railway/risk/?node_item={node.pk}").content.decode()
    assert "请填写时间节点的新日期" in bad


def test_the_bulletin_says_the_chance_of_each_deadline(demo, settings, tmp_path):
    from docx import Document

    from guatu.org.models import City
    from guatu.risk.services import city_risks
    from guatu.supervision import render
    from guatu.supervision.services import bulletin_draft

    settings.MEDIA_ROOT = tmp_path
    office = User.objects.get(username="supervisor")
    draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    railway = next(r for r in draft.content["risk"] if r["project"] == "金台铁路永康段")
    page = next(
        r for r in city_risks(City.objects.get()) if r.project.code == "jintai-railway"
    )  # the page's own figure, same day
    assert railway["target"] == "2020-06-30"
    assert railway["probability"] == round(page.target_probability * 100)
    text = "\n".join(p.text for p in Document(io.BytesIO(render.to_docx(draft.content))).paragraphs)
    assert f"按目前节奏，2020年6月30日前完成的达成概率为{railway['probability']}%" in text
    assert draft.content["risk_nodes"]  # nodes under even odds are listed


def test_the_wall_chart_draws_the_p80_of_late_nodes(demo):
    from guatu.risk.services import project_risk_cached

    c = Client()
    c.force_login(User.objects.get(username="leader"))
    svg = c.get("/projects/jintai-railway/wallchart.svg").content.decode()
    railway = WorkItem.objects.get(project__code="jintai-railway", code="zx-tj-5").project
    late = [r for r in project_risk_cached(railway).nodes if r.p80 > r.item.early_finish]
    assert late and svg.count('class="wc-p80"') == len(late)
    assert "P80完成（进度风险）" in svg  # the legend


def test_a_what_if_the_plan_cannot_judge_is_refused_at_its_field(demo):
    leader = User.objects.get(username="leader")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=leader)}"}
    node = WorkItem.objects.get(project__code="jintai-railway", code="zx-tj-5")
    c = Client()
    far = c.get(
        f"/api/v1/projects/jintai-railway/risk?node_item={node.pk}&node_date=9999-12-31", **auth
    )
    assert far.status_code == 400 and "node_date" in str(far.json())
    huge = c.get(
        f"/api/v1/projects/jintai-railway/risk?delay_item={node.pk}&delay_days=99999", **auth
    )
    assert huge.status_code == 400 and "delay_days" in str(huge.json())
    c.force_login(leader)
    page = c.get(f"/projects/jintai-railway/risk/?node_item={node.pk}&node_date=2300-01-01")
    assert page.status_code == 200 and "之间的时间节点" in page.content.decode()
    page = c.get(f"/projects/jintai-railway/risk/?delay_item={node.pk}&delay_days=5000")
    assert "增减均不超过 1000 个工作日" in page.content.decode()


def test_a_project_computed_alone_equals_the_same_project_among_the_whole_city(demo):
    """The city's risks fetch every plan, estimate and the calibration once; the project page
    computes one project; both must give the same runs (the page may read the city's)."""
    from django.core.cache import cache

    from guatu.projects.models import Project
    from guatu.risk.services import city_risks, project_risk, project_risk_cached

    cache.clear()
    railway = Project.objects.get(code="jintai-railway")
    alone = project_risk(railway)
    among = next(r for r in city_risks(railway.city) if r.project.pk == railway.pk)
    read = project_risk_cached(railway)  # taken from the city's, now cached
    for risk in (among, read):
        assert risk.runs == alone.runs and risk.finish == alone.finish
        assert risk.target_probability == alone.target_probability
        assert [(n.item.pk, n.p80, n.probability) for n in risk.nodes] == [
            (n.item.pk, n.p80, n.probability) for n in alone.nodes
        ]
        assert [d.item.pk for d in risk.drivers] == [d.item.pk for d in alone.drivers]


def test_every_items_distribution_on_the_api_and_in_a_workbook_from_the_page(demo):
    """P10–P90 per item (not only the nodes): the API on request and an .xlsx linked from
    the page; the nodes' figures are the same either way; a formula-like name stays text."""
    from openpyxl import load_workbook

    leader = User.objects.get(username="leader")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=leader)}"}
    c = Client()
    c.force_login(leader)
    items = WorkItem.objects.filter(project__code="jintai-railway")
    plain = c.get("/api/v1/projects/jintai-railway/risk", **auth).json()
    every = c.get("/api/v1/projects/jintai-railway/risk?every_item=true", **auth).json()
    assert plain["items"] is None and len(every["items"]) == items.count()
    by_item = {row["item"]: row for row in every["items"]}
    for node in plain["nodes"]:
        assert by_item[node["item"]]["p80"] == node["p80"]
    for row in every["items"]:
        assert row["p10"] <= row["p50"] <= row["p80"] <= row["p90"] and row["source"]
    assert every["runs"] == plain["runs"] and every["nodes"] == plain["nodes"]

    hostile = items.exclude(deadline=None).first()
    WorkItem.objects.filter(pk=hostile.pk).update(name='=HYPERLINK("http://evil.example","x")')
    page = c.get("/projects/jintai-railway/risk/").content.decode()
    assert "/projects/jintai-railway/risk/items.xlsx" in page
    response = c.get("/projects/jintai-railway/risk/items.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["完成日期分布"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "金台铁路永康段" in rows[0][0] and "次" in rows[0][0]
    assert rows[1][:3] == ("事项编码", "工作事项", "镇街区") and rows[1][6:10] == (
        "P10", "P50", "P80", "P90"
    )  # fmt: skip
    assert len(rows) == items.count() + 2
    cell = next(c for c in sheet.iter_rows(min_row=3) if c[0].value == hostile.code)[1]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert Client().get("/projects/jintai-railway/risk/items.xlsx").status_code == 302


def test_a_what_if_runs_the_same_draws_so_what_it_cannot_reach_keeps_its_figures(demo):
    """Only what the change moves may move: a node no path leads to from the delayed item
    keeps its dates and chance exactly (same runs, same seed), page and API alike."""
    from guatu.projects.models import Dependency, Project
    from guatu.risk.services import WhatIf, what_if_risk

    railway = Project.objects.get(code="jintai-railway")
    delayed = WorkItem.objects.get(project=railway, code="lj-zc")  # 连接线征迁
    after: dict[int, set[int]] = {}
    for pred, succ in Dependency.objects.filter(predecessor__project=railway).values_list(
        "predecessor_id", "successor_id"
    ):
        after.setdefault(pred, set()).add(succ)
    reached, todo = set(), [delayed.pk]
    while todo:
        for succ in after.get(todo.pop(), ()):
            if succ not in reached:
                reached.add(succ)
                todo.append(succ)
    today, tried = what_if_risk(railway, WhatIf(extra_days={delayed.pk: 200}))
    assert tried.runs == today.runs
    figures = {
        r.item.pk: (r.p10, r.p50, r.p80, r.p90, r.probability) for r in tried.nodes
    }  # fmt: skip
    untouched = [r for r in today.nodes if r.item.pk not in reached | {delayed.pk}]
    assert untouched
    for r in untouched:
        assert figures[r.item.pk] == (r.p10, r.p50, r.p80, r.p90, r.probability), r.item.name
    own = next(r for r in today.nodes if r.item.pk == delayed.pk)
    assert figures[delayed.pk][2] > own.p80  # its own node shows the change
    leader = User.objects.get(username="leader")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=leader)}"}
    api = (
        Client()
        .get(f"/api/v1/projects/jintai-railway/risk?delay_item={delayed.pk}&delay_days=200", **auth)
        .json()
    )
    assert api["runs"] == today.runs
    assert {n["item"]: n["p80"] for n in api["nodes"]} == {
        pk: value[2].isoformat() for pk, value in figures.items()
    }
