"""Which events notify whom, under the city's rules, and only once each."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from guatu.notify.models import Delivery, Kind, Notice, Robot, Rules
from guatu.notify.services import blocker_alerts, report_reminders
from guatu.progress.services import blocker_open, report_submit
from guatu.supervision.services import escalation_record
from tests.office import office

pytestmark = pytest.mark.django_db
WEDNESDAY = date(2019, 11, 13)  # the cut-off is Friday: two days before


@pytest.fixture
def land(make_item):
    item = make_item("zd", name="外迁征地", quantity_target=Decimal(126), unit="mu")
    item.refresh_from_db()
    return item


def test_a_new_escalation_reaches_the_towns_officials_and_robot_once(land, users, towns, city):
    Robot.objects.create(
        city=city, town=towns["石柱镇"], kind="dingtalk", name="石柱镇工作群",
        webhook="http://127.0.0.1:9/robot/send?access_token=x",
    )  # fmt: skip
    event, created = escalation_record(
        work_item=land, level="notice", period="2019-W46", evidence={}, issued_by=office()
    )
    assert created
    (notice,) = Notice.objects.all()
    assert notice.recipient == users["town"] and notice.kind == Kind.ESCALATION
    assert "外迁征地" in notice.title and notice.url.endswith(f"/escalations/{event.pk}/")
    assert Delivery.objects.filter(robot__name="石柱镇工作群").count() == 1
    escalation_record(work_item=land, level="notice", period="2019-W46", evidence={})
    assert Notice.objects.count() == 1 and Delivery.objects.count() == 1


def test_a_report_above_target_asks_the_office_to_verify(land, users):
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=date(2019, 11, 15),
        quantity=Decimal(130), above_target=True, note="设计变更", today=date(2019, 11, 15),
    )  # fmt: skip
    notice = Notice.objects.get(kind=Kind.REVIEW, recipient=users["supervisor"])
    assert "外迁征地" in notice.title
    assert not Notice.objects.filter(recipient=users["town"]).exists()


def test_a_switched_off_rule_sends_nothing(land, users, city):
    Rules.objects.create(city=city, reviews=False)
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=date(2019, 11, 15),
        quantity=Decimal(130), above_target=True, note="设计变更", today=date(2019, 11, 15),
    )  # fmt: skip
    assert not Notice.objects.exists()


def test_reminders_two_days_and_one_day_before_the_cutoff_list_unreported_items(
    land, users, city, towns
):
    Robot.objects.create(
        city=city, town=towns["石柱镇"], kind="wecom", name="石柱镇群",
        webhook="http://127.0.0.1:9/cgi-bin/webhook/send?key=x",
    )  # fmt: skip
    assert report_reminders(city, today=WEDNESDAY - timedelta(days=1)) == 0  # Tuesday
    report_reminders(city, today=WEDNESDAY)
    (notice,) = Notice.objects.filter(recipient=users["town"])
    assert "外迁征地" in notice.body and notice.kind == Kind.REPORT_REMINDER
    assert Delivery.objects.filter(robot__name="石柱镇群").count() == 1
    report_reminders(city, today=WEDNESDAY)  # the sweep runs again: nothing new
    assert Notice.objects.filter(recipient=users["town"]).count() == 1
    report_reminders(city, today=WEDNESDAY + timedelta(days=1))  # Thursday: the day before
    assert Notice.objects.filter(recipient=users["town"]).count() == 2
    report_submit(
        work_item=land, reported_by=users["town"], reported_on=date(2019, 11, 20),
        quantity=Decimal(10), today=date(2019, 11, 20),
    )  # fmt: skip
    report_reminders(city, today=date(2019, 11, 20))  # next Wednesday, reported: none
    assert Notice.objects.filter(recipient=users["town"]).count() == 2


def test_blockers_due_in_three_days_and_overdue_alert_the_owner_and_the_lead(
    land, users, departments, city
):
    blocker = blocker_open(
        actor=users["town"], work_item=land, description="杆线迁改未完成",
        owner_department=departments["自然资源局"], responsible_person="王某",
        opened_on=date(2019, 11, 1), due_on=date(2019, 11, 18),
    )  # fmt: skip
    assert blocker_alerts(city, today=date(2019, 11, 14)) == 0
    blocker_alerts(city, today=date(2019, 11, 15))  # three days before
    soon = Notice.objects.get(
        event=f"blocker:{blocker.pk}:soon:2019-11-18", recipient=users["department"]
    )
    assert "杆线迁改" in soon.body  # the project's lead department (交通局) hears of it
    assert "3" in soon.title
    blocker_alerts(city, today=date(2019, 11, 16))
    assert Notice.objects.filter(event__startswith="blocker:").count() == 1
    blocker_alerts(city, today=date(2019, 11, 19))
    assert Notice.objects.filter(event=f"blocker:{blocker.pk}:overdue:2019-11-18").count() == 1


def test_a_blocker_raised_inside_the_window_is_alerted_once(land, users, departments, city):
    """Raised the day before its due date, inside the 3-day window: one alert, not none."""
    Robot.objects.create(
        city=city, department=departments["自然资源局"], kind="dingtalk", name="资规局工作群",
        webhook="http://127.0.0.1:9/robot/send?access_token=x",
    )  # fmt: skip
    blocker = blocker_open(
        actor=users["town"], work_item=land, description="管线改迁",
        owner_department=departments["自然资源局"], responsible_person="王某",
        opened_on=date(2019, 11, 17), due_on=date(2019, 11, 18),
    )  # fmt: skip
    blocker_alerts(city, today=date(2019, 11, 17))  # one day before its due date
    blocker_alerts(city, today=date(2019, 11, 17))  # the next sweep
    blocker_alerts(city, today=date(2019, 11, 18))  # and the next day's, on the due date
    (soon,) = Notice.objects.filter(
        event__startswith=f"blocker:{blocker.pk}:soon", recipient=users["department"]
    )
    assert soon.title == "卡点 1 天后到期：外迁征地" and "2019-11-18" in soon.body
    assert Delivery.objects.filter(robot__name="资规局工作群").count() == 1


def test_a_blocker_due_today_says_today(land, users, departments, city):
    blocker_open(
        actor=users["town"], work_item=land, description="管线改迁",
        owner_department=departments["自然资源局"], responsible_person="王某",
        opened_on=date(2019, 11, 18), due_on=date(2019, 11, 18),
    )  # fmt: skip
    blocker_alerts(city, today=date(2019, 11, 18))
    (soon,) = Notice.objects.filter(recipient=users["department"])
    assert soon.title == "卡点今日到期：外迁征地"


def test_a_moved_due_date_is_alerted_again_once(land, users, departments, city):
    blocker = blocker_open(
        actor=users["town"], work_item=land, description="管线改迁",
        owner_department=departments["自然资源局"], responsible_person="王某",
        opened_on=date(2019, 11, 1), due_on=date(2019, 11, 18),
    )  # fmt: skip
    blocker_alerts(city, today=date(2019, 11, 16))
    blocker.due_on = date(2019, 11, 19)
    blocker.save(update_fields=["due_on"])
    blocker_alerts(city, today=date(2019, 11, 16))
    blocker_alerts(city, today=date(2019, 11, 17))
    events = set(
        Notice.objects.filter(recipient=users["department"]).values_list("event", flat=True)
    )
    assert events == {
        f"blocker:{blocker.pk}:soon:2019-11-18",
        f"blocker:{blocker.pk}:soon:2019-11-19",
    }
