"""Notifications end to end against real servers on loopback: SMTP (aiosmtpd) and
钉钉 / 企业微信 robots that check signatures and rate limits as the platforms do."""

from datetime import time, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from time import sleep

import pytest
from django.utils import timezone

from guatu.notify.delivery import deliver_due
from guatu.notify.models import Channel, Delivery, Kind, Notice, Preference, Robot, Rules
from guatu.notify.services import notify
from tests.notify.robots import Platform

pytestmark = pytest.mark.django_db
#: Tomorrow 12:00 city time: after every delivery the test writes, outside quiet hours.
NOON = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)


def robot(city, base, kind=Channel.DINGTALK, *, token="jt", secret="SECdemo", **unit) -> Robot:
    path = (
        f"/robot/send?access_token={token}"
        if kind == Channel.DINGTALK
        else (f"/cgi-bin/webhook/send?key={token}")
    )
    return Robot.objects.create(
        city=city, kind=kind, name=f"群{token}", webhook=base + path, secret=secret, **unit
    )


def alert(city, event, **to) -> int:
    return notify(
        city=city, kind=Kind.ESCALATION, event=event, title="督办单：征地", body="请于三日内办结。",
        url="/items/1/", **to,
    )  # fmt: skip


def test_an_event_reaches_inbox_email_and_robots_once(users, departments, towns, city, smtp):
    users["town"].email = "town@example.cn"
    users["town"].save()
    with Platform({"jt": "SECdemo"}) as ding, Platform() as wecom:
        robot(city, ding.base, town=towns["石柱镇"])
        robot(city, wecom.base, Channel.WECOM, token="wk", secret="", town=towns["石柱镇"])
        queued = alert(city, "escalation:1", users=[users["town"]], towns=[towns["石柱镇"]])
        assert queued == 3  # one email, two robots
        assert alert(city, "escalation:1", users=[users["town"]], towns=[towns["石柱镇"]]) == 3
        assert Delivery.objects.count() == 3 and Notice.objects.count() == 1  # not twice
        counts = deliver_due(now=NOON)
        assert counts["sent"] == 3
        assert deliver_due(now=NOON + timedelta(minutes=5))["sent"] == 0  # nothing again
    ((token, message),) = ding.received
    assert token == "jt" and message["msgtype"] == "actionCard"
    assert "督办单：征地" in message["actionCard"]["text"]
    assert wecom.received[0][1]["markdown"]["content"].startswith("### 督办单：征地")
    (mail,) = smtp.messages
    assert mail.rcpt_tos == ["town@example.cn"]
    parsed = message_from_bytes(mail.content)
    assert str(make_header(decode_header(parsed["Subject"]))) == "督办单：征地"
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3


def test_a_wrong_secret_fails_with_the_platforms_reason_and_is_not_retried(city, towns):
    with Platform({"jt": "SECright"}) as ding:
        robot(city, ding.base, secret="SECwrong", town=towns["石柱镇"])
        alert(city, "escalation:2", towns=[towns["石柱镇"]])
        assert deliver_due(now=NOON)["failed"] == 1
    (delivery,) = Delivery.objects.all()
    assert delivery.status == Delivery.Status.FAILED and "310000" in delivery.last_error
    assert ding.received == []


def test_a_robot_is_paced_at_twenty_a_minute_so_the_platform_never_refuses(city, towns):
    with Platform({"jt": "SECdemo"}) as ding:
        robot(city, ding.base, town=towns["石柱镇"])
        for n in range(25):
            alert(city, f"escalation:{n}", towns=[towns["石柱镇"]])
        first = deliver_due(now=NOON)
        assert first["sent"] == 20 and first["waiting"] == 5
        waiting = Delivery.objects.filter(status=Delivery.Status.PENDING)
        assert all(d.next_attempt_at > NOON for d in waiting)
        assert ding.rejected == []
        # The minute passes for guatu (its clock is given); for the platform, let it pass too.
        ding.window_s = 0.5
        sleep(0.6)
        later = deliver_due(now=NOON + timedelta(seconds=61))
        assert later["sent"] == 5
    assert len(ding.received) == 25 and ding.rejected == []


def test_pacing_counts_from_when_the_platform_answered_not_from_the_round(city, towns):
    """Sending takes time: stamping a round's messages with its start let the next window
    open early, and the platform refused some (258 of 1,000 in the real-time benchmark)."""
    with Platform({"jt": "SECdemo"}) as ding:
        ding.window_s, ding.delay_s = 2.0, 0.03
        robot(city, ding.base, town=towns["石柱镇"])
        Rules.objects.create(city=city, quiet_start=None, quiet_end=None)  # any hour
        for n in range(50):
            alert(city, f"escalation:{n}", towns=[towns["石柱镇"]])
        while Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            deliver_due(now=timezone.now(), window_s=2.0)
            sleep(0.05)
    assert len(ding.received) == 50 and ding.rejected == []


def test_server_errors_and_rate_limit_answers_are_retried_with_back_off(city, towns):
    with Platform({"jt": "SECdemo"}, per_minute=1) as ding:
        robot(city, ding.base, town=towns["石柱镇"])
        ding.fail_next = 1
        alert(city, "escalation:1", towns=[towns["石柱镇"]])
        now = NOON
        assert deliver_due(now=now)["retry"] == 1
        (delivery,) = Delivery.objects.all()
        assert delivery.attempts == 1 and "HTTP 500" in delivery.last_error
        assert delivery.next_attempt_at == now + timedelta(seconds=30)
        assert deliver_due(now=now + timedelta(seconds=31))["sent"] == 1
        # The platform's own limit (here 1 a minute) answers 130101: retried, not lost.
        alert(city, "escalation:2", towns=[towns["石柱镇"]])
        assert deliver_due(now=now + timedelta(seconds=32))["retry"] == 1
        assert "130101" in Delivery.objects.get(event="escalation:2").last_error
        ding.window_s = 0.5  # the platform's minute passes too
        sleep(0.6)
        assert deliver_due(now=now + timedelta(minutes=3))["sent"] == 1
    assert [event for _, event in ding.rejected] == [130101]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2


def test_quiet_hours_hold_messages_until_morning(city, towns):
    Rules.objects.create(city=city, quiet_start=time(22, 0), quiet_end=time(7, 30))
    with Platform({"jt": "SECdemo"}) as ding:
        robot(city, ding.base, town=towns["石柱镇"])
        alert(city, "escalation:1", towns=[towns["石柱镇"]])
        night = NOON.replace(hour=23, minute=15)
        assert deliver_due(now=night)["waiting"] == 1
        (delivery,) = Delivery.objects.all()
        morning = (night + timedelta(days=1)).replace(hour=7, minute=30)
        assert timezone.localtime(delivery.next_attempt_at) == morning
        assert ding.received == []


def test_several_messages_to_one_person_go_as_one_email(users, city, smtp):
    users["town"].email = "town@example.cn"
    users["town"].save()
    for n in range(3):
        notify(
            city=city, kind=Kind.ESCALATION, event=f"escalation:{n}", title=f"督办单 {n}",
            body="请办结。", users=[users["town"]],
        )  # fmt: skip
    assert deliver_due(now=NOON)["sent"] == 3
    (mail,) = smtp.messages
    text = message_from_bytes(mail.content).get_payload(decode=True).decode()
    assert all(f"督办单 {n}" in text for n in range(3))
    assert Delivery.objects.values("digest").distinct().count() == 1


def test_at_most_one_email_a_day_the_rest_in_the_next_mornings_digest(users, city, smtp):
    users["town"].email = "town@example.cn"
    users["town"].save()
    alert(city, "escalation:1", users=[users["town"]])
    assert deliver_due(now=NOON)["sent"] == 1
    alert(city, "escalation:2", users=[users["town"]])
    alert(city, "escalation:3", users=[users["town"]])
    assert deliver_due(now=NOON + timedelta(hours=2))["waiting"] == 2
    assert len(smtp.messages) == 1
    morning = (NOON + timedelta(days=1)).replace(hour=8)
    assert deliver_due(now=morning)["sent"] == 2
    assert len(smtp.messages) == 2  # the two as one digest


def test_a_person_who_turned_email_off_gets_the_inbox_only(users, city, smtp):
    users["town"].email = "town@example.cn"
    users["town"].save()
    Preference.objects.create(user=users["town"], email=False)
    assert alert(city, "escalation:1", users=[users["town"]]) == 0
    assert Notice.objects.filter(recipient=users["town"]).count() == 1
    deliver_due(now=NOON)
    assert smtp.messages == []


def test_an_unreachable_robot_is_retried_then_failed_with_the_reason(city, towns):
    with Platform() as gone:
        base = gone.base
    robot(city, base, town=towns["石柱镇"])
    alert(city, "escalation:1", towns=[towns["石柱镇"]])
    now = NOON
    for _attempt in range(6):
        deliver_due(now=now)
        now += timedelta(hours=1)  # back-off is at most 8 minutes by then; no quiet hours
    (delivery,) = Delivery.objects.all()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 6
    assert "network" in delivery.last_error or "网络" in delivery.last_error


def test_a_robot_message_ats_the_people_it_concerns_in_its_unit(users, city, towns):
    Preference.objects.create(user=users["town"], mobile="13800000001")
    Preference.objects.create(user=users["department"], mobile="13900000002")
    with Platform({"jt": "SECdemo"}) as ding:
        Robot.objects.create(
            city=city, town=towns["石柱镇"], kind="dingtalk", name="石柱镇群",
            webhook=f"{ding.base}/robot/send?access_token=jt", secret="SECdemo",
            at_mobiles="13700000000",
        )  # fmt: skip
        alert(city, "escalation:1", users=[users["town"], users["department"]],
              towns=[towns["石柱镇"]])  # fmt: skip
        deliver_due(now=NOON)
    ((_, message),) = ding.received
    assert message["at"]["atMobiles"] == ["13700000000", "13800000001"]  # not the department's
    assert "@13800000001" in message["actionCard"]["text"]


def test_a_paused_or_removed_robot_sends_nothing_and_the_log_says_why(city, towns):
    with Platform({"jt": "SECdemo"}) as ding:
        paused = robot(city, ding.base, town=towns["石柱镇"])
        removed = robot(city, ding.base, token="gone", town=towns["石柱镇"])
        alert(city, "escalation:1", towns=[towns["石柱镇"]])
        paused.enabled = False
        paused.save()
        removed.delete()
        assert deliver_due(now=NOON)["failed"] == 2
    assert ding.received == []
    reasons = sorted(Delivery.objects.values_list("address", "last_error"))
    assert reasons == [("群gone", "机器人已移除"), ("群jt", "机器人已暂停")]
