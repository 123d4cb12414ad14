"""The inbox and the notification pages from the outside: who sees and changes what."""

import pytest
from django.test import Client

from guatu.audit.models import AuditEntry
from guatu.notify.models import Kind, Notice, Robot, Rules
from guatu.notify.services import notify

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def notice_for(city, user, event="escalation:1", url="/projects/"):
    notify(
        city=city, kind=Kind.ESCALATION, event=event, title="督办单：外迁征地",
        body="请于三日内办结。", url=url, users=[user],
    )  # fmt: skip
    return Notice.objects.get(recipient=user, event=event)


def test_a_town_official_sees_own_messages_with_the_unread_count(users, city):
    notice = notice_for(city, users["town"])
    notice_for(city, users["department"], event="escalation:2")
    page = client(users["town"]).get("/inbox/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "督办单：外迁征地" in text and 'class="count-badge"' in text
    assert text.count("督办单") == 1  # not the department's
    opened = client(users["town"]).get(f"/inbox/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/projects/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'class="count-badge"' not in client(users["town"]).get("/inbox/").content.decode()


def test_someone_elses_notice_is_not_found_and_not_marked(users, city):
    notice = notice_for(city, users["department"])
    assert client(users["town"]).get(f"/inbox/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_never_leads_off_the_site(users, city):
    notice = notice_for(city, users["town"], url="https://evil.example/phish")
    opened = client(users["town"]).get(f"/inbox/{notice.pk}/")
    assert opened["Location"] == "/inbox/"


def test_mark_all_read(users, city):
    notice_for(city, users["town"])
    notice_for(city, users["town"], event="escalation:9")
    client(users["town"]).post("/inbox/read/")
    assert not Notice.objects.filter(recipient=users["town"], read_at__isnull=True).exists()


@pytest.mark.parametrize("who", ["town", "department", "leader"])
def test_only_the_office_opens_or_changes_the_settings(users, city, who):
    c = client(users[who])
    assert c.get("/notify/").status_code == 403
    assert c.get("/notify/log/").status_code == 403
    answer = c.post("/notify/", {"action": "rules", "reminder_days": "0", "blocker_due_days": 9})
    assert answer.status_code == 403
    robot = c.post(
        "/notify/",
        {"action": "robot", "unit": "office", "kind": "dingtalk", "name": "x",
         "webhook": "https://oapi.dingtalk.com/robot/send?access_token=x"},
    )  # fmt: skip
    assert robot.status_code == 403
    assert not Rules.objects.exists() and not Robot.objects.exists()


def test_the_office_sets_rules_and_adds_a_robot_whose_secret_is_never_shown(users, city, towns):
    c = client(users["supervisor"])
    assert c.get("/notify/").status_code == 200
    saved = c.post(
        "/notify/",
        {"action": "rules", "report_reminders": "on", "report_cutoff_weekday": 3,
         "reminder_days": "1", "blocker_alerts": "on", "blocker_due_days": 5,
         "escalations": "on", "bulletins": "on", "quiet_start": "21:00", "quiet_end": "08:00"},
    )  # fmt: skip
    assert saved.status_code == 302
    rules = Rules.objects.get(city=city)
    assert (rules.report_cutoff_weekday, rules.reminder_days, rules.reviews) == (3, "1", False)
    added = c.post(
        "/notify/",
        {"action": "robot", "unit": f"town:{towns['石柱镇'].pk}", "kind": "dingtalk",
         "name": "石柱镇工作群", "webhook": "https://oapi.dingtalk.com/robot/send?access_token=abc",
         "secret": "SECabcdefghijklmnop1234", "at_mobiles": "13800000000"},
    )  # fmt: skip
    assert added.status_code == 302
    robot = Robot.objects.get()
    assert robot.town == towns["石柱镇"] and robot.secret == "SECabcdefghijklmnop1234"
    page = c.get("/notify/").content.decode()
    assert "••••1234" in page and "SECabcdefghijklmnop1234" not in page
    assert "access_token=abc" not in page and "oapi.dingtalk.com …=abc" in page
    assert AuditEntry.objects.filter(action="notify_robot_save").exists()
    assert "SECabcdefghijklmnop" not in str(AuditEntry.objects.values_list("detail", flat=True))


def test_a_bad_mobile_or_webhook_is_named(users, city):
    c = client(users["supervisor"])
    page = c.post(
        "/notify/",
        {"action": "robot", "unit": "office", "kind": "wecom", "name": "群",
         "webhook": "not a url", "at_mobiles": "12345"},
    )  # fmt: skip
    assert page.status_code == 200 and not Robot.objects.exists()
    text = page.content.decode()
    assert "12345" in text and 'role="alert"' in text


def test_the_log_shows_what_went_to_whom(users, city):
    users["town"].email = "town@example.cn"
    users["town"].save()
    Robot.objects.create(
        city=city, office=True, kind="wecom", name="督查办群",
        webhook="http://127.0.0.1:9/cgi-bin/webhook/send?key=x",
    )  # fmt: skip
    notify(
        city=city, kind=Kind.REVIEW, event="review:1", title="待核实：外迁征地", body="…",
        users=[users["supervisor"]], office=True,
    )  # fmt: skip
    page = client(users["supervisor"]).get("/notify/log/").content.decode()
    assert "督查办群" in page and "待核实：外迁征地" in page


def test_the_api_lists_and_marks_only_ones_own_messages(users, city):
    from guatu.accounts.tokens import token_create

    mine = notice_for(city, users["town"])
    theirs = notice_for(city, users["department"], event="escalation:2")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['town'])}"}
    c = Client()
    listed = c.get("/api/v1/inbox?unread=true", **auth).json()
    assert [row["id"] for row in listed] == [mine.pk]
    assert listed[0]["kind_label"] == "新的问责"
    assert c.post(f"/api/v1/inbox/{theirs.pk}/read", **auth).status_code == 404
    assert c.post(f"/api/v1/inbox/{mine.pk}/read", **auth).json()["read_at"] is not None
    assert c.get("/api/v1/inbox?unread=true", **auth).json() == []
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_robot_may_post_only_to_the_platforms(users, city):
    page = client(users["supervisor"]).post(
        "/notify/",
        {"action": "robot", "unit": "office", "kind": "dingtalk", "name": "群",
         "webhook": "http://169.254.169.254/latest/meta-data/"},
    )  # fmt: skip
    assert page.status_code == 200 and not Robot.objects.exists()
    assert "169.254.169.254" in page.content.decode()
