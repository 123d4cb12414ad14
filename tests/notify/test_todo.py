"""待办 per role on the demo: the home page, the menu count and the API agree, each entry
links to where it is done, and disappears once it is done."""

import re
from datetime import date

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.baselines.models import Adjustment
from guatu.notify.models import Delivery, Notice
from guatu.notify.todo import todo
from guatu.org.models import City
from guatu.supervision.models import EscalationEvent
from guatu.supervision.replies import notice_reply

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def kinds(username: str) -> dict[str, int]:
    user = User.objects.get(username=username)
    return {entry.kind: entry.count for entry in todo(user, City.objects.get())}


def api_kinds(client: Client) -> dict[str, int]:
    rows = client.get("/api/v1/todo").json()
    return {row["kind"]: row["count"] for row in rows}


def test_each_role_lands_on_what_waits_for_it(demo):
    assert kinds("supervisor") == {
        "unreported": 5,
        # 投资调度: 龙山's October waits with its check open; 开发区's October is overdue.
        "investment_review": 1,
        "investment_checks": 1,
        "investment_overdue": 1,
        "adjustment_review": 1,
        # 问题清单: 林地 waits for its 交办, 电力 for its 核实; 3户 (overdue at level 2) and
        # 古山 (asks for level 4) are proposed for the next level.
        "problem_assign": 1,
        "problem_verify": 1,
        "problem_level": 2,
        "answer_late": 1,
        # 公开: 龙山's 施工许可 (approved 11-12, after October was published) is due 12-10.
        "public_due": 1,
    }
    assert kinds("leader") == {"red_items": 3}  # the projects the leader owns: the railway
    assert kinds("town_shizhu") == {"report_to_file": 1, "notice_answer": 1, "blocker_assigned": 1}
    assert kinds("admin") == {}  # the system administrator runs the system, not the office


@pytest.mark.parametrize("username", ["supervisor", "leader", "town_shizhu", "dept_jiaotong"])
def test_the_home_page_the_menu_and_the_api_say_the_same(demo, username):
    client = signed_in(username)
    expected = kinds(username)
    assert api_kinds(client) == expected
    home = client.get("/", follow=True).content.decode()
    listed = dict(
        (kind, int(count))
        for kind, count in re.findall(
            r'data-kind="(\w+)"><a [^>]*>.*?<strong class="todo-count">(\d+)</strong>', home
        )
    )
    assert listed == expected
    menu = re.search(
        r'class="todo-link">待办(?: <span class="count-badge"[^>]*>(\d+)</span>)?', home
    )
    assert int(menu.group(1) or 0) == sum(expected.values())
    page = client.get("/todo/").content.decode()
    for kind in expected:
        assert f'id="{kind}"' in page


def test_the_town_reports_and_its_entry_and_the_offices_go(demo):
    town = signed_in("town_shizhu")
    entry = next(e for e in todo(User.objects.get(username="town_shizhu"), City.objects.get()))
    assert entry.kind == "report_to_file" and entry.url.endswith("/report/")
    item_id = int(re.search(r"/items/(\d+)/", entry.url).group(1))
    answer = town.post(
        f"/items/{item_id}/",
        {"action": "report", "reported_on": "2019-11-15", "quantity": "0.1", "note": "进场"},
    )
    assert answer.status_code == 302, re.findall(r'role="alert">(.*?)</', answer.content.decode())
    assert "report_to_file" not in kinds("town_shizhu")
    office = signed_in("supervisor")
    page = office.get("/todo/unreported/").content.decode()
    assert "石柱镇" not in page and "古山镇" in page  # wq-xl was 石柱镇's and 交通局's only item
    assert kinds("supervisor")["unreported"] == 3


def test_the_office_reminds_exactly_the_units_not_reported_once_a_day(demo):
    office = signed_in("supervisor")
    town_user = User.objects.get(username="town_shizhu")
    other = User.objects.get(username="dept_jiaotong")
    before = Notice.objects.count()
    answer = office.post("/todo/unreported/", follow=True)
    assert "已提醒 5 个单位" in answer.content.decode()
    sent = Notice.objects.filter(kind="report_reminder").exclude(pk__lte=before)
    assert sent.filter(recipient=town_user).count() == 1
    assert "金温铁路外迁线路工程" in sent.get(recipient=town_user).body
    assert sent.filter(recipient=other).count() == 1
    assert not sent.filter(recipient__role__in=["supervisor", "leader"]).exists()
    robots = Delivery.objects.filter(event__startswith="remind:office:").exclude(robot=None)
    assert robots.exists()  # the units' group robots that the demo has
    assert not robots.filter(robot__office=True).exists()
    again = office.post("/todo/unreported/", follow=True).content.decode()
    assert "今天都已提醒过" in again
    assert Notice.objects.filter(kind="report_reminder").exclude(pk__lte=before).count() == (
        sent.count()
    )
    assert signed_in("town_shizhu").post("/todo/unreported/").status_code == 403


def test_the_request_moves_from_the_office_to_the_leader_and_out(demo):
    request = Adjustment.objects.get(status="pending")
    office = signed_in("supervisor")
    answer = office.post(f"/adjustments/{request.pk}/", {"action": "review", "note": "属实"})
    assert answer.status_code == 302
    assert "adjustment_review" not in kinds("supervisor")
    assert kinds("leader")["adjustment_decide"] == 1
    signed_in("leader").post(f"/adjustments/{request.pk}/", {"action": "approve", "note": "同意"})
    assert "adjustment_decide" not in kinds("leader")


def test_an_answered_notice_leaves_the_towns_list(demo):
    town = User.objects.get(username="town_shizhu")
    event = EscalationEvent.objects.get(town=town.town, reply_by=date(2019, 11, 22))
    notice_reply(actor=town, escalation=event, text="已约谈3户，力争月底签约。")
    assert "notice_answer" not in kinds("town_shizhu")


def test_the_offices_reminder_goes_out_even_with_the_weekly_reminders_off(demo):
    from guatu.notify.models import Rules

    Rules.objects.update_or_create(city=City.objects.get(), defaults={"report_reminders": False})
    answer = signed_in("supervisor").post("/todo/unreported/", follow=True).content.decode()
    assert "已提醒 5 个单位" in answer
    assert Notice.objects.filter(recipient__username="town_shizhu", kind="report_reminder").exists()


def test_the_reporter_learns_whether_the_office_confirmed_a_figure_above_target(demo):
    from decimal import Decimal

    from guatu.progress.services import report_review, report_submit
    from guatu.projects.models import WorkItem

    town = User.objects.get(username="town_shizhu")
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-xl")  # 8.6 公里
    report = report_submit(
        work_item=item, reported_by=town, reported_on=date(2019, 11, 15), quantity=Decimal(9),
        above_target=True, note="超出", today=date(2019, 11, 15),
    )  # fmt: skip
    assert kinds("supervisor")["review"] == 1
    office = User.objects.get(username="supervisor")
    asked = Notice.objects.get(recipient=office, event=f"review:{report.pk}")
    report_review(actor=office, report=report, confirm=False, note="现场核实未完成")
    assert "review" not in kinds("supervisor")
    asked.refresh_from_db()
    assert asked.read_at is not None  # the call to verify is settled
    told = Notice.objects.get(recipient=town, event=f"reviewed:{report.pk}")
    assert "未予认定" in told.title and "现场核实未完成" in told.body
