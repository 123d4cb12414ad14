"""前期 on the pages and in the API: the template page, the project's button, the chart's
band, and the API's template and 生成前期节点 — who may, and refusals at the field."""

import json
from datetime import date

import pytest
from django.test import Client

from guatu.accounts.tokens import token_create
from guatu.core.prework import DEFAULT
from guatu.projects.models import PreworkTemplate, Project, WorkItem
from guatu.projects.prework import prework_apply, template_rows
from guatu.projects.services import work_item_create
from guatu.web.wallchart import wall_rows

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def park(city, departments) -> Project:
    city.status_date = date(2019, 9, 2)
    city.save()
    return Project.objects.create(
        city=city,
        code="park",
        name="龙山小微园",
        start_date=date(2019, 1, 2),
        deadline=date(2020, 12, 31),
        calendar=Project.Calendar.WORKING_DAY,
        planned_groundbreaking=date(2019, 12, 31),
        owner_department=departments["交通局"],
    )


def form(nodes: list[tuple], links: list[tuple]) -> dict:
    return {
        "node-code": [n[0] for n in nodes],
        "node-name": [n[1] for n in nodes],
        "node-duration_days": [n[2] for n in nodes],
        "node-department": [n[3] for n in nodes],
        "link-predecessor": [k[0] for k in links],
        "link-successor": [k[1] for k in links],
        "link-kind": [k[2] for k in links],
        "link-lag_days": [k[3] for k in links],
    }


def test_everyone_reads_the_template_and_only_the_office_gets_the_form(users):
    for role in ("leader", "town", "department", "supervisor"):
        page = client_for(users[role]).get("/projects/prework/")
        assert page.status_code == 200, role
        text = page.text
        assert "可行性研究报告批复" in text and "施工许可证核发" in text
        assert ('name="node-code"' in text) == (role == "supervisor"), role
    assert not PreworkTemplate.objects.exists()  # reading writes nothing


def test_the_office_saves_the_template_from_the_page(users, departments):
    land = departments["自然资源局"].pk
    data = form(
        [("a", "立项", "3", land), ("b", "可研批复", "2", ""), ("", "", "", "")],  # a blank row
        [("a", "b", "SS", "1"), ("", "", "FS", "0")],
    )
    answer = client_for(users["supervisor"]).post("/projects/prework/", data)
    assert answer.status_code == 302 and answer["Location"] == "/projects/prework/"
    rows = template_rows(users["supervisor"].city)
    assert [(n.code, n.duration_days, n.department) for n in rows.nodes] == [
        ("a", 3, departments["自然资源局"]),
        ("b", 2, None),
    ]
    assert [(k.predecessor, k.successor, k.kind, k.lag_days) for k in rows.links] == [
        ("a", "b", "SS", 1)
    ]


def test_bad_rows_come_back_named_and_nothing_is_saved(users):
    client = client_for(users["supervisor"])
    client.cookies["django_language"] = "zh-hans"
    data = form([("a", "立项", "3", ""), ("a", "", "x", "")], [("a", "zz", "FS", "0")])
    answer = client.post("/projects/prework/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 200
    text = answer.text
    assert 'class="errors"' in text
    assert "“a”" in text and "“zz”" in text  # the codes, in the messages naming their rows
    assert text.count('class="row-errors"') >= 4  # beside the rows: code, name, duration, link
    assert not PreworkTemplate.objects.exists()


@pytest.mark.parametrize("role", ["leader", "town", "department"])
def test_nobody_but_the_office_saves_the_template(users, role):
    answer = client_for(users[role]).post("/projects/prework/", form([("a", "立项", "3", "")], []))
    assert answer.status_code == 403
    assert not PreworkTemplate.objects.exists()


def test_the_project_page_offers_the_button_to_the_office_until_it_is_used(park, users):
    office = client_for(users["supervisor"])
    page = office.get(f"/projects/{park.code}/").text
    assert f'action="/projects/{park.code}/prework/"' in page
    town = client_for(users["town"]).get(f"/projects/{park.code}/").text
    assert '/prework/"' not in town.replace('href="/projects/prework/"', "")
    answer = office.post(f"/projects/{park.code}/prework/")
    assert answer.status_code == 302 and answer["Location"] == f"/projects/{park.code}/"
    items = WorkItem.objects.filter(project=park).exclude(prework_code="")
    assert items.count() == len(DEFAULT.nodes)
    page = office.get(f"/projects/{park.code}/").text
    assert f'action="/projects/{park.code}/prework/"' not in page
    assert "施工许可证核发" in page  # listed like any item
    assert office.post(f"/projects/{park.code}/prework/").status_code == 302  # refused, said
    assert items.count() == len(DEFAULT.nodes)


def test_without_planned_groundbreaking_there_is_no_button_and_the_post_says_why(park, users):
    park.planned_groundbreaking = None
    park.save()
    office = client_for(users["supervisor"])
    assert "prework-apply" not in office.get(f"/projects/{park.code}/").text
    answer = office.post(f"/projects/{park.code}/prework/", follow=True)
    assert answer.status_code == 200
    assert "计划开工" in answer.text
    assert not WorkItem.objects.filter(project=park).exists()


@pytest.mark.parametrize("role", ["leader", "town", "department"])
def test_nobody_but_the_office_makes_the_nodes(park, users, role):
    assert client_for(users[role]).post(f"/projects/{park.code}/prework/").status_code == 403
    assert not WorkItem.objects.filter(project=park).exists()


def test_the_button_answers_posts_only(park, users):
    assert client_for(users["supervisor"]).get(f"/projects/{park.code}/prework/").status_code == 405


def test_the_chart_draws_the_prework_band_first(park, users, towns):
    work_item_create(
        actor=users["supervisor"], project=park, code="works", name="主体施工",
        duration_days=30, planned_start=date(2019, 3, 1), town=towns["石柱镇"],
    )  # fmt: skip
    prework_apply(actor=users["supervisor"], project=park)
    rows = wall_rows(project=park)
    prework = {row.name for row in rows[: len(DEFAULT.nodes)]}
    assert prework == {node.name for node in DEFAULT.nodes}
    assert {row.group for row in rows[: len(DEFAULT.nodes)]} == {rows[0].group}
    assert rows[0].group != rows[-1].group and rows[-1].name == "主体施工"
    assert "前期" in rows[0].group
    for group in ("town", "phase"):
        assert wall_rows(project=park, group=group)[0].group == rows[0].group
    page = client_for(users["leader"]).get(f"/projects/{park.code}/").text
    assert rows[0].group in page


# --- the API ----------------------------------------------------------------------------------


def api(user, method: str, path: str, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}
    client = Client(raise_request_exception=False)
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **headers
    )


def test_the_api_gives_the_template_to_everyone(users, departments):
    answer = api(users["town"], "get", "/api/v1/prework/template")
    assert answer.status_code == 200
    body = answer.json()
    assert not body["stored"] and len(body["nodes"]) == len(DEFAULT.nodes)
    site = next(n for n in body["nodes"] if n["code"] == "site")
    assert site["department_id"] == departments["自然资源局"].pk
    assert {"predecessor": "approval", "successor": "site", "kind": "FS", "lag_days": 0} in body[
        "links"
    ]


def test_the_api_makes_the_nodes_for_the_office_only(park, users):
    url = f"/api/v1/projects/{park.code}/prework"
    for role in ("leader", "town", "department"):
        assert api(users[role], "post", url).status_code == 403, role
    answer = api(users["supervisor"], "post", url)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["finish_by"] == "2019-12-30"
    assert len(body["items"]) == len(DEFAULT.nodes)
    permit = next(i for i in body["items"] if i["prework_code"] == "construction-permit")
    assert (permit["planned_start"], permit["deadline"], permit["duration_days"]) == (
        "2019-12-24",
        "2019-12-30",
        5,
    )
    again = api(users["supervisor"], "post", url)
    assert again.status_code == 400
    assert str(len(DEFAULT.nodes)) in again.json()["message"]


def test_the_api_refuses_a_project_without_planned_groundbreaking_at_that_field(park, users):
    park.planned_groundbreaking = None
    park.save()
    answer = api(users["supervisor"], "post", f"/api/v1/projects/{park.code}/prework")
    assert answer.status_code == 400
    assert answer.json()["field"] == "planned_groundbreaking"
    assert api(users["supervisor"], "post", "/api/v1/projects/nope/prework").status_code == 404
