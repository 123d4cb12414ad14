"""The 问题清单 from outside: the API's fields and steps, the page's forms per role."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from guatu.accounts.tokens import token_create
from guatu.problems.models import ProblemFile
from guatu.progress.models import Blocker


def _pdf() -> bytes:
    """A real one-page PDF (evidence must open as a PDF, not only start like one)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def api(user) -> tuple[Client, dict]:
    token = token_create(user=user)
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_api_carries_level_colour_and_number_and_takes_each_step(blocker, users):
    office, office_h = api(users["supervisor"])
    dept, dept_h = api(users["department"])
    url = f"/api/v1/problems/{blocker.pk}"

    # 交办 by the town: 403; a level of 5 or a 时限 in year 9999: 422 naming the field.
    town, town_h = api(users["town"])
    body = {
        "category": "clearance",
        "level": 1,
        "action_required": "完成签约",
        "owner_department": blocker.owner_department_id,
        "responsible_person": "副镇长",
        "due_on": "2019-11-19",
    }
    assert post(town, url + "/assign", body, town_h).status_code == 403
    bad = post(office, url + "/assign", {**body, "level": 5}, office_h)
    assert bad.status_code == 422 and "level" in bad.content.decode()
    bad = post(office, url + "/assign", {**body, "due_on": "9999-12-31"}, office_h)
    assert bad.status_code in (400, 422) and "due_on" in bad.content.decode()
    huge = post(office, url + "/assign", {**body, "owner_department": 2**40}, office_h)
    assert huge.status_code == 422

    done = post(office, url + "/assign", body, office_h)
    assert done.status_code == 200, done.content
    row = done.json()
    # Due on Tuesday 11-19, two working days after Friday 11-15: blue.
    assert (row["level"], row["colour"], row["number"]) == (1, "blue", "测重点办交〔2019〕1号")
    assert (
        row["level_name"] == "责任单位分管领导协调" and row["category_name"] == "政策处理（征迁）"
    )

    replied = post(dept, url + "/reply", {"text": "已签约"}, dept_h)
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    returned = post(office, url + "/return", {"reason": "未全部签约"}, office_h)
    assert returned.json()["colour"] == "yellow"
    listed = office.get("/api/v1/problems?colour=yellow", **office_h).json()
    assert [p["id"] for p in listed] == [blocker.pk]
    assert office.get("/api/v1/problems?level=7", **office_h).status_code == 422

    asked = post(town, url + "/request-level", {"reason": "需局长协调"}, town_h)
    assert asked.json()["proposed_level"] == 2
    raised = post(office, url + "/raise", {"due_on": "2019-11-22"}, office_h)
    assert (raised.json()["level"], raised.json()["due_on"]) == (2, "2019-11-22")
    kinds = [step["kind"] for step in office.get(url, **office_h).json()["steps"]]
    assert kinds == ["reported", "assigned", "replied", "returned", "requested", "raised"]


def test_another_citys_problem_is_not_found(blocker, users, towns, departments):
    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create
    from guatu.org.models import City

    other = City.objects.create(name="别市", code="330100")
    stranger = user_create(
        username="other-office", password="pw-other-1", role=Role.SUPERVISOR, city=other
    )
    client, headers = api(stranger)
    assert client.get(f"/api/v1/problems/{blocker.pk}", **headers).status_code == 404
    assert client.get("/api/v1/problems", **headers).json() == []
    assert (
        post(client, f"/api/v1/problems/{blocker.pk}/close", {"text": "x"}, headers).status_code
        == 404
    )
    assert page(stranger).get(f"/problems/{blocker.pk}/").status_code == 404


def test_the_page_offers_each_role_its_step(blocker, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/problems/{blocker.pk}/"
    office = page(users["supervisor"])
    text = office.get(url).content.decode()
    # The office 交办s and verifies; the answer is the unit's.
    assert 'value="assign"' in text and 'value="reply"' not in text
    leader_page = page(users["leader"]).get(url).content.decode()
    assert 'name="step"' not in leader_page  # level 1: nothing for a leader to do

    # A leader posting a step: 403, nothing written.
    refused = page(users["leader"]).post(url, {"step": "close", "close-text": "x"})
    assert refused.status_code == 403

    from guatu.problems.services import problem_assign

    problem_assign(
        actor=users["supervisor"],
        blocker=blocker,
        category="clearance",
        level=1,
        action_required="签约",
        owner_department=blocker.owner_department,
        responsible_person="副镇长",
        due_on=date(2019, 11, 29),
    )
    answer = page(users["department"]).post(
        url,
        {
            "step": "reply",
            "reply-text": "已签约",
            "reply-files": [SimpleUploadedFile("协议.pdf", PDF, "application/pdf")],
        },
    )
    assert answer.status_code == 302
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.REPLIED
    stored = ProblemFile.objects.get()
    assert stored.name == "协议.pdf"
    assert page(users["supervisor"]).get(f"/problems/files/{stored.pk}/").content == PDF
    # Another town's official sees neither the step nor the file.
    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create
    from guatu.org.models import Town

    other_town = user_create(
        username="qiancang",
        password="pw-qc-1",
        role=Role.TOWN,
        town=Town.objects.get(name="前仓镇"),
    )
    assert page(other_town).get(f"/problems/files/{stored.pk}/").status_code == 403

    # An empty verification names its field and changes nothing.
    empty = office.post(url, {"step": "close", "close-text": ""})
    assert empty.status_code == 200 and "has-error" in empty.content.decode()
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.REPLIED


def test_the_board_shows_colour_level_and_number(blocker, users):
    from guatu.problems.services import problem_assign

    problem_assign(
        actor=users["supervisor"],
        blocker=blocker,
        category="clearance",
        level=2,
        action_required="签约",
        owner_department=blocker.owner_department,
        responsible_person="副镇长",
        due_on=date(2019, 11, 18),
    )
    board = page(users["leader"]).get("/blockers/?colour=blue").content.decode()
    assert "测重点办交〔2019〕1号" in board and "3户未签约" in board
    assert "3户未签约" not in page(users["leader"]).get("/blockers/?colour=red").content.decode()
    assert page(users["leader"]).get("/blockers/?level=9").status_code == 400


@pytest.mark.parametrize("role", ["leader", "town", "department"])
def test_only_the_office_changes_the_rules(users, role, today_city):
    client = page(users[role])
    assert client.get("/problems/rules/").status_code == 200
    assert client.post("/problems/rules/", {"blue_days": 3}).status_code == 403
