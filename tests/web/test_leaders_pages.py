"""领导包联 on the pages (issue 34): the project form's 包联市领导, the 工作专班 page, the
project page, a leader's home and the 会办 agendas — each open to whom it should be."""

import re

import pytest
from django.test import Client

from guatu.accounts.models import Role, User
from guatu.audit.models import AuditEntry
from guatu.projects.models import Project

pytestmark = pytest.mark.django_db

RAILWAY = "/projects/jintai-railway/"


def sign_in(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


def edit_form(project: Project, **changes) -> dict:
    """The 编辑项目 form as the page fills it for *project*."""
    page = sign_in("supervisor").get(f"/projects/{project.code}/edit/").content.decode()
    form = {}
    for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page):
        form[name] = value
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        form[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', page, re.S):
        form[name] = text.strip()
    form.pop("csrfmiddlewaretoken", None)
    form.pop("code", None)
    return {**form, **changes}


def test_the_project_form_offers_the_citys_leaders_only(demo):
    page = sign_in("supervisor").get(f"{RAILWAY}edit/").content.decode()
    select = re.search(r'<select name="leader"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}
    leaders = set(User.objects.filter(role=Role.LEADER).values_list("pk", flat=True))
    assert offered == leaders and len(leaders) == 2
    assert "王立新副市长（演示）" in select and "重点办督查员" not in select


def test_the_office_sets_the_leader_and_a_non_leader_is_refused_at_the_field(demo):
    project = Project.objects.get(code="park-xixi")
    office = sign_in("supervisor")
    town = User.objects.get(username="town_shizhu")
    refused = office.post(f"/projects/{project.code}/edit/", edit_form(project, leader=town.pk))
    assert refused.status_code == 200
    errors = re.search(r'name="leader".*?</select>\s*(.*?)</div>', refused.text, re.S).group(1)
    assert 'class="errors"' in errors
    assert Project.objects.get(pk=project.pk).leader.username == "leader_hu"
    leader = User.objects.get(username="leader")
    saved = office.post(f"/projects/{project.code}/edit/", edit_form(project, leader=leader.pk))
    assert saved.status_code == 302
    assert Project.objects.get(pk=project.pk).leader == leader


def test_the_project_page_shows_the_leader_and_the_task_force_with_units_and_phones(demo):
    text = sign_in("town_shizhu").get(RAILWAY).content.decode()
    leader = re.search(r'id="project-leader">(.*?)</p>', text, re.S).group(1)
    assert "王立新副市长（演示）" in leader
    team = re.search(r'id="task-force">(.*?)</section>', text, re.S).group(1)
    for words in (
        "徐卫东",
        "石柱镇人民政府",
        "0579-0000 0003",
        "孙建军",
        "金台铁路有限责任公司（示例）",
    ):
        assert words in team
    for role in ("责任领导", "牵头单位负责人", "驻点干部", "业主联络人", "施工负责人"):
        assert role in team  # every 五合一 role, by its name
    assert "task-force/" not in team  # the edit link is the office's


def formset(client: Client, code: str) -> dict:
    """The 工作专班 page's form as it comes, every row as shown."""
    page = client.get(f"/projects/{code}/task-force/").content.decode()
    form = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and "checkbox" not in tag and name.group(1) != "csrfmiddlewaretoken":
            form[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        form[name] = chosen.group(1) if chosen else ""
    return form


def test_the_office_edits_the_task_force_and_one_bad_phone_stores_nothing(demo):
    office = sign_in("supervisor")
    project = Project.objects.get(code="park-shizhu")
    before = list(project.task_force.order_by("pk").values_list("name", "phone"))
    form = formset(office, project.code)
    total = int(form["member-TOTAL_FORMS"])
    stored = int(form["member-INITIAL_FORMS"])
    assert stored == len(before) and total == stored + 3
    new = f"member-{stored}"
    form.update({f"{new}-role": "resident", f"{new}-name": "驻点干部甲", f"{new}-unit": "石柱镇"})
    form[f"{new}-phone"] = "0579-8888 abc"
    form["member-0-phone"] = "0579-0000 0009"
    refused = office.post(f"/projects/{project.code}/task-force/", form)
    assert refused.status_code == 200
    row = re.search(rf'id="member-row-{stored}">(.*?)</tr>', refused.text, re.S).group(1)
    assert 'class="errors"' in row  # the phone's refusal, under its own row
    assert list(project.task_force.order_by("pk").values_list("name", "phone")) == before
    form[f"{new}-phone"] = "+86 579 8888 0000"
    saved = office.post(f"/projects/{project.code}/task-force/", form)
    assert saved.status_code == 302
    members = dict(project.task_force.values_list("name", "phone"))
    assert members["驻点干部甲"] == "+86 579 8888 0000"
    assert members[before[0][0]] == "0579-0000 0009"
    assert AuditEntry.objects.filter(action="task_force_save", allowed=True).exists()
    # Ticking a row's removal removes it, with the rest kept.
    form = formset(office, project.code)
    last = int(form["member-INITIAL_FORMS"]) - 1
    form[f"member-{last}-DELETE"] = "on"
    assert office.post(f"/projects/{project.code}/task-force/", form).status_code == 302
    assert project.task_force.count() == len(before)


@pytest.mark.parametrize("who", ["leader", "dept_jiaotong", "town_shizhu"])
def test_only_the_office_opens_the_task_force_page(demo, who):
    client = sign_in(who)
    assert client.get(f"{RAILWAY}task-force/").status_code == 403
    assert client.post(f"{RAILWAY}task-force/", {"member-TOTAL_FORMS": "0"}).status_code == 403
    assert AuditEntry.objects.filter(action="page:task_force_view", allowed=False).exists()


def test_a_leaders_home_shows_their_projects_first(demo):
    page = sign_in("leader").get("/").content.decode()
    assert page.index('id="led-projects"') < page.index('class="counts"')
    card = re.search(r'id="led-projects">(.*?)</section>', page, re.S).group(1)
    rows = dict(re.findall(r'data-project="([\w-]+)">(.*?)</tr>', card, re.S))
    assert set(rows) == {"jintai-railway", "park-shizhu", "park-kaifaqu"}
    railway = rows["jintai-railway"]
    assert re.search(r'class="red-count"[^>]*>3</a>', railway)  # the 待办's red items
    open_problems = re.search(r'class="problem-count"[^>]*>(\d+)</a>', railway).group(1)
    assert int(open_problems) >= 1
    assert "万元" in railway  # investment against 序时: the railway has its annual plan
    assert "/supervision/agenda/" in card
    other = sign_in("leader_hu").get("/").content.decode()
    theirs = re.search(r'id="led-projects">(.*?)</section>', other, re.S).group(1)
    assert set(re.findall(r'data-project="([\w-]+)"', theirs)) == {
        "park-gushan",
        "park-longshan",
        "park-xiangzhu",
        "park-xixi",
    }
    assert 'id="led-projects"' not in sign_in("supervisor").get("/").content.decode()


def test_the_agenda_list_the_office_sees_all_a_leader_their_own(demo):
    leader = User.objects.get(username="leader")
    other = User.objects.get(username="leader_hu")
    office = sign_in("supervisor").get("/supervision/agenda/?month=2019-11").content.decode()
    assert f"/supervision/agenda/{leader.pk}/agenda.docx?month=2019-11" in office
    assert f"/supervision/agenda/{other.pk}/agenda.pdf?month=2019-11" in office
    own = sign_in("leader").get("/supervision/agenda/").content.decode()
    assert f"/supervision/agenda/{leader.pk}/agenda.docx" in own
    assert f"/supervision/agenda/{other.pk}/" not in own
    mine = sign_in("leader").get(f"/supervision/agenda/{leader.pk}/agenda.docx?month=2019-11")
    assert mine.status_code == 200 and "attachment" in mine["Content-Disposition"]
    theirs = sign_in("leader").get(f"/supervision/agenda/{other.pk}/agenda.pdf?month=2019-11")
    assert theirs.status_code == 403
    assert AuditEntry.objects.filter(action="agenda_read", allowed=False).exists()


@pytest.mark.parametrize("who", ["dept_jiaotong", "town_shizhu"])
def test_towns_and_departments_read_no_agenda(demo, who):
    leader = User.objects.get(username="leader")
    client = sign_in(who)
    assert client.get("/supervision/agenda/").status_code == 403
    assert client.get(f"/supervision/agenda/{leader.pk}/agenda.docx").status_code == 403


@pytest.mark.parametrize("month", ["2019-13", "abc", "2019-12", "1999-01", "2019-1x"])
def test_a_month_the_agenda_cannot_use_is_a_400_naming_it(demo, month):
    leader = User.objects.get(username="leader")
    client = sign_in("supervisor")
    for url in ("/supervision/agenda/", f"/supervision/agenda/{leader.pk}/agenda.docx"):
        answer = client.get(f"{url}?month={month}")
        assert answer.status_code == 400, (url, month)
        assert "month" in answer.content.decode()


def test_a_user_who_is_not_a_leader_has_no_agenda(demo):
    supervisor = User.objects.get(username="supervisor")
    assert (
        sign_in("supervisor").get(f"/supervision/agenda/{supervisor.pk}/agenda.docx").status_code
        == 404
    )
