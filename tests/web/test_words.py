"""The words people read (issue 32): language names in their own language, 系统管理
for the system administrator only, every time in the city's zone (the inbox's API as
the reports'), periods as a bulletin names them, the product's own name."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client

from guatu.accounts.tokens import token_create
from guatu.notify.models import Notice
from guatu.supervision.models import EscalationEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(users, language):
    client = _client(users["town"])
    client.cookies["django_language"] = language
    html = client.get("/").content.decode()
    assert _options(html) == ["简体中文", "English"]
    assert "英语" not in html


@pytest.mark.parametrize("who", ["leader", "supervisor", "department", "town"])
def test_only_the_system_administrator_sees_and_opens_the_admin(users, who):
    client = _client(users[who])
    assert "/admin/" not in client.get("/").content.decode()
    # A staff supervisor is refused the admin's front page (403); the others are not staff.
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/projects/").status_code in (302, 403)


def test_the_system_administrator_opens_the_admin_under_the_product_s_name(users):
    client = _client(users["admin"])
    assert '<a href="/admin/">' in client.get("/").content.decode()
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Django" not in page.content.decode().split("<body", 1)[1]


def test_the_office_still_reaches_the_tables_it_sets_up_in_the_admin(users):
    """Projects, items, parks… are still set up in the admin by the office (by address)."""
    assert users["supervisor"].is_staff
    assert _client(users["supervisor"]).get("/admin/projects/project/").status_code == 200


def test_inbox_times_read_in_the_city_s_zone_as_report_times_do(users, city):
    notice = Notice.objects.create(
        recipient=users["town"], kind="escalation", title="提醒", body="…", event="words:1"
    )
    Notice.objects.filter(pk=notice.pk).update(created_at=datetime(2019, 11, 15, 2, 5, tzinfo=UTC))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['town'])}"}
    row = Client().get("/api/v1/inbox", **auth).json()[0]
    assert row["created_at"].startswith("2019-11-15T10:05:00") and row["created_at"].endswith(
        "+08:00"
    )
    page = _client(users["town"]).get("/inbox/").content.decode()
    assert "2019-11-15 10:05" in page and "02:05" not in page


def test_an_escalation_names_its_period_as_a_bulletin_does(make_item):
    item = make_item("A1")
    event = EscalationEvent.objects.create(work_item=item, level="reminder", period="2019-W46")
    assert str(event).endswith("2019年第46周")
    assert "2019-W46" not in str(event)


def test_a_digest_mail_is_titled_with_the_product_s_name_not_its_code_name(users, city):
    from guatu.notify.delivery import _email_send
    from guatu.notify.models import Delivery

    class Clock:
        now = datetime(2019, 11, 15, 2, 0, tzinfo=UTC)

    batch = [
        Delivery.objects.create(
            city=city,
            kind="escalation",
            channel="email",
            event=f"words:{n}",
            target=f"user:{users['town'].pk}",
            recipient=users["town"],
            address="town@example.cn",
            title=f"提醒 {n}",
            body="…",
            next_attempt_at=Clock.now,
        )
        for n in range(2)
    ]
    _email_send(batch, Clock())
    assert mail.outbox and "guatu" not in mail.outbox[0].subject.lower()
