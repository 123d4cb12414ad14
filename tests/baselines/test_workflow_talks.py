"""节点调整 as a workflow that talks: each step reaches the next actor and the proposer
(messages counted at every step); the office returns or refuses; the proposer revises;
a node past the project's target or a following node is refused at its field."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from guatu.baselines.models import Adjustment, AdjustmentStep
from guatu.baselines.services import (
    adjustment_decide,
    adjustment_propose,
    adjustment_refuse,
    adjustment_return,
    adjustment_review,
    adjustment_revise,
    adjustment_withdraw,
)
from guatu.notify.models import Notice
from guatu.projects.models import Project
from guatu.projects.services import Link, dependencies_add
from tests.office import office

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(project, make_item):
    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    works = make_item("kg", name="开工", duration_days=10)
    dependencies_add(project=project, links=[Link(land, works, "FS", 0)], actor=office())
    return land, works


class Inbox:
    """New adjustment notices since the last look, by recipient's role (one town official,
    one leader; the office has two people: the fixtures' supervisor and ``office()``)."""

    def __init__(self) -> None:
        self.seen = set(Notice.objects.values_list("pk", flat=True))

    def new(self) -> dict[str, list[Notice]]:
        found: dict[str, list[Notice]] = {}
        for notice in Notice.objects.exclude(pk__in=self.seen).select_related("recipient"):
            assert notice.kind == "adjustment"
            found.setdefault(notice.recipient.role, []).append(notice)
            self.seen.add(notice.pk)
        return found


def test_every_step_reaches_the_next_actor_and_the_proposer(plan, users):
    land, _works = plan
    inbox = Inbox()
    town, supervisor, leader = users["town"], users["supervisor"], users["leader"]
    request = adjustment_propose(
        actor=town, work_item=land, new_deadline=date(2016, 8, 31), reason="杆线迁改滞后"
    )
    step = inbox.new()
    assert list(step) == ["supervisor"] and len(step["supervisor"]) == 2  # each office user
    assert "节点调整待审核：外迁征地" == step["supervisor"][0].title
    assert f"/adjustments/{request.pk}/" == step["supervisor"][0].url

    adjustment_return(actor=supervisor, adjustment=request, note="请补充迁改协议")
    # The call to act is settled once acted on: no stale 待审核 stays unread.
    assert (
        not Notice.objects.filter(event__startswith=f"adjustment:{request.pk}:")
        .filter(recipient__role="supervisor", read_at__isnull=True)
        .exists()
    )
    step = inbox.new()
    assert list(step) == ["town"]
    assert "退回修改" in step["town"][0].title and "请补充迁改协议" in step["town"][0].body

    adjustment_revise(
        actor=town,
        adjustment=request,
        new_deadline=date(2016, 8, 25),
        reason="杆线迁改滞后，已补充协议",
        evidence="迁改协议",
    )
    step = inbox.new()
    assert list(step) == ["supervisor"] and "已修改" in step["supervisor"][0].title

    adjustment_review(actor=supervisor, adjustment=request, note="属实，建议同意")
    step = inbox.new()
    assert sorted(step) == ["leader", "town"]  # the next actor, and the proposer learns it
    assert "待决定" in step["leader"][0].title and "属实，建议同意" in step["town"][0].body
    assert "已报市领导" in step["town"][0].title  # the proposer cannot decide it

    adjustment_decide(actor=leader, adjustment=request, approve=True, note="同意")
    step = inbox.new()
    assert sorted(step) == ["supervisor", "town"]  # each once, the deciding leader not at all
    assert len(step["town"]) == 1 and len(step["supervisor"]) == 2
    assert "已批准" in step["town"][0].title and "2016年8月25日" in step["town"][0].body

    actions = list(request.steps.values_list("action", flat=True))
    assert actions == ["proposed", "returned", "resubmitted", "reviewed", "approved"]


def test_the_office_refuses_and_a_leader_rejects_and_the_proposer_hears_both(plan, users):
    _land, works = plan
    inbox = Inbox()
    first = adjustment_propose(
        actor=users["town"], work_item=works, new_duration_days=15, reason="雨季"
    )
    inbox.new()
    adjustment_refuse(actor=users["supervisor"], adjustment=first, note="工期已含雨季")
    step = inbox.new()
    assert list(step) == ["town"] and "不予受理" in step["town"][0].title
    assert Adjustment.objects.get(pk=first.pk).status == "refused"
    second = adjustment_propose(
        actor=users["town"], work_item=works, new_duration_days=12, reason="雨季"
    )
    adjustment_review(actor=users["supervisor"], adjustment=second, note="报领导")
    inbox.new()
    adjustment_decide(actor=users["leader"], adjustment=second, approve=False, note="不同意")
    step = inbox.new()
    assert "驳回" in step["town"][0].title and "不同意" in step["town"][0].body


def test_only_its_proposer_revises_and_only_a_returned_request(plan, users):
    land, _works = plan
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改"
    )
    with pytest.raises(ValidationError):
        adjustment_revise(
            actor=users["town"], adjustment=request, new_deadline=date(2016, 8, 20), reason="x"
        )
    adjustment_return(actor=users["supervisor"], adjustment=request, note="补充")
    client = Client()
    client.force_login(users["department"])
    refused = client.post(
        f"/adjustments/{request.pk}/revise/", {"new_deadline": "2016-08-20", "reason": "x"}
    )
    assert refused.status_code in (200, 403)
    assert Adjustment.objects.get(pk=request.pk).status == "returned"
    assert AdjustmentStep.objects.filter(adjustment=request).count() == 2


def test_a_node_past_the_target_is_refused_at_its_field_unless_the_target_moves(plan, users):
    _land, works = plan
    client = Client()
    client.force_login(users["town"])
    url = f"/items/{works.pk}/adjust/"
    page = client.post(url, {"new_deadline": "2020-09-30", "reason": "征迁滞后"})
    assert page.status_code == 200
    form = page.context["form"]
    assert "项目目标日期 2020-06-30" in " ".join(form.errors["new_deadline"])
    assert not Adjustment.objects.exists()
    preview = client.get(f"{url}preview/?new_deadline=2020-09-30").content.decode()
    assert "如获批准" in preview and "项目目标日期 2020-06-30" in preview

    answer = client.post(
        url,
        {"new_deadline": "2020-09-30", "new_target_date": "2020-09-30", "reason": "征迁滞后"},
    )
    assert answer.status_code == 302
    request = Adjustment.objects.get()
    assert (request.old_target_date, request.new_target_date) == (
        date(2020, 6, 30),
        date(2020, 9, 30),
    )
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    works.refresh_from_db()
    assert Project.objects.get(pk=works.project_id).deadline == date(2020, 9, 30)
    assert works.deadline == date(2020, 9, 30) and works.late_finish == date(2020, 9, 30)


def test_a_node_past_the_next_items_own_node_names_it(plan, users):
    land, works = plan
    works.deadline = date(2016, 9, 30)
    works.save()
    with pytest.raises(ValidationError) as refused:
        adjustment_propose(
            actor=users["town"], work_item=land, new_deadline=date(2016, 12, 31), reason="迁改"
        )
    problem = " ".join(refused.value.message_dict["new_deadline"])
    assert "“开工”" in problem and "2016-09-30" in problem
    assert not Adjustment.objects.exists()


def test_the_page_shows_the_consequence_and_the_steps_to_the_office(plan, users):
    land, _works = plan
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改滞后"
    )
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get(f"/adjustments/{request.pk}/").content.decode()
    assert "本事项最迟完成" in page and "2016-08-10 → <strong>2016-08-31</strong>" in page
    assert "退回修改" in page and "不予受理" in page and "提出申请" in page
    listing = client.get("/adjustments/?status=pending").content.decode()
    assert f"/adjustments/{request.pk}/" in listing
    assert (
        f"/adjustments/{request.pk}/"
        not in client.get("/adjustments/?status=approved").content.decode()
    )
    assert client.get("/adjustments/?town=abc").status_code == 400
    assert client.get("/adjustments/?q=%00").status_code == 400  # a 500 on PostgreSQL
    # The search box opens empty (it read "None", and a filter then found nothing) and
    # keeps the search and the sort when filtering again.
    empty = client.get("/adjustments/").content.decode()
    assert 'name="q" value=""' in empty
    kept = client.get("/adjustments/?q=外迁&sort=item").content.decode()
    assert 'name="q" value="外迁"' in kept and 'name="sort" value="item"' in kept


def test_the_api_returns_revises_and_tells_the_consequence(plan, users):
    _land, works = plan
    town, office_client = Client(), Client()
    town.force_login(users["town"])
    office_client.force_login(users["supervisor"])
    seen = town.get(
        f"/api/v1/items/{works.pk}/adjustments/consequence", {"new_deadline": "2020-09-30"}
    ).json()
    assert seen["late_before"] == "2020-06-30" and "new_deadline" in seen["problems"]
    refused = town.post(
        f"/api/v1/items/{works.pk}/adjustments",
        {"new_deadline": "2020-09-30", "reason": "征迁滞后"},
        content_type="application/json",
    )
    assert refused.status_code in (400, 422) and not Adjustment.objects.exists()
    made = town.post(
        f"/api/v1/items/{works.pk}/adjustments",
        {"new_duration_days": 12, "reason": "雨季"},
        content_type="application/json",
    ).json()
    back = office_client.post(
        f"/api/v1/adjustments/{made['id']}/return",
        {"note": "请说明天数"},
        content_type="application/json",
    ).json()
    assert back["status"] == "returned" and back["steps"][-1]["note"] == "请说明天数"
    assert back["steps"][-1]["at"].endswith("+08:00")
    again = town.post(
        f"/api/v1/adjustments/{made['id']}/revise",
        {"new_duration_days": 11, "reason": "雨季三天，已扣除一天"},
        content_type="application/json",
    ).json()
    assert again["status"] == "pending" and again["new_duration_days"] == 11
    assert [s["action"] for s in again["steps"]] == ["proposed", "returned", "resubmitted"]
    listed = office_client.get("/api/v1/adjustments", {"status": "pending"}).json()
    assert [row["id"] for row in listed] == [made["id"]]
    assert office_client.get("/api/v1/adjustments", {"status": "nope"}).status_code == 422


def test_the_list_exports_exactly_the_filtered_rows(plan, users):
    land, works = plan
    first = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改滞后"
    )
    adjustment_propose(actor=users["town"], work_item=works, new_duration_days=12, reason="雨季")
    adjustment_refuse(actor=users["supervisor"], adjustment=first, note="不予受理")
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get("/adjustments/", {"status": "pending"}).content.decode()
    assert "开工" in page and "外迁征地" not in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/adjustments/", {"status": "pending", "export": "xlsx"}).content)
    )
    rows = [row for row in book.active.iter_rows(min_row=3, values_only=True) if any(row)]
    assert len(rows) == 1 and "开工" in rows[0] and "工期 10 → 12 个工作日" in rows[0]
    # Handed out by the city's office, as the file's properties say (not "openpyxl").
    assert book.properties.creator == land.project.city.issuer


def test_its_proposer_withdraws_and_the_office_hears_and_the_item_is_free(plan, users):
    land, _works = plan
    inbox = Inbox()
    request = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 31), reason="迁改"
    )
    inbox.new()
    with pytest.raises(PermissionDenied):
        adjustment_withdraw(actor=users["department"], adjustment=request)
    adjustment_withdraw(actor=users["town"], adjustment=request, note="已解决，不再需要")
    step = inbox.new()
    assert list(step) == ["supervisor"] and "撤回" in step["supervisor"][0].title
    again = adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 20), reason="迁改"
    )
    adjustment_return(actor=users["supervisor"], adjustment=again, note="补充材料")
    # Left unanswered, a returned request is closed by the office: the item is free again.
    adjustment_refuse(actor=users["supervisor"], adjustment=again, note="逾期未补充")
    assert Adjustment.objects.get(pk=again.pk).status == "refused"
    adjustment_propose(
        actor=users["town"], work_item=land, new_deadline=date(2016, 8, 25), reason="迁改"
    )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"new_duration_days": 3}, "new_duration_days", "没有工期"),  # on the milestone
        ({"new_deadline": date(2016, 6, 1)}, "new_deadline", "2016-07-01"),  # before the start
        (
            {"new_deadline": date(2016, 8, 31), "new_target_date": date(2020, 12, 31)},
            "new_target_date",
            "晚于项目目标日期",
        ),
        (
            {"new_deadline": date(2020, 9, 30), "new_target_date": date(2020, 5, 31)},
            "new_target_date",
            "只能推后",
        ),
    ],
)
def test_a_request_that_cannot_be_applied_is_refused_at_its_field(
    plan, users, make_item, fields, field, words
):
    land, works = plan
    node = make_item("jd", name="节点", kind="milestone", duration_days=0)
    item = (
        node
        if "new_duration_days" in fields
        else (
            works if "new_target_date" in fields and fields["new_deadline"].year == 2020 else land
        )
    )
    with pytest.raises(ValidationError) as refused:
        adjustment_propose(actor=users["supervisor"], work_item=item, reason="测试", **fields)
    assert words in " ".join(refused.value.message_dict[field])
