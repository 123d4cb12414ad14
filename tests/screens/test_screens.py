"""The command-room screen (大屏): read by token, no session, nothing writable; the
office issues and revokes the tokens, and nobody else can."""

import re

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.audit.models import AuditEntry
from guatu.screens.models import ScreenToken

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def issue(name="指挥中心大屏") -> str:
    page = signed_in("supervisor").post("/screens/", {"action": "create", "name": name})
    assert page.status_code == 200
    return re.search(
        r'<code class="screen-url">http://testserver(/screen/[^<]+/)</code>', page.text
    )[1]


def test_the_office_issues_a_link_and_the_screen_shows_the_city_without_a_session(demo):
    url = issue()
    screen = ScreenToken.objects.get()
    assert screen.prefix in url and screen.digest not in url  # only the digest is kept
    page = Client().get(url)
    assert page.status_code == 200
    text = page.text
    for words in ("永康市", "红灯", "镇街区", "近期时间节点", "金台铁路永康段", "<svg"):
        assert words in text, words
    assert re.search(r'<meta http-equiv="refresh" content="180;url=/screen/[^"]+\?n=\d+">', text)
    assert "csrfmiddlewaretoken" not in text and "<form" not in text
    assert "sessionid" not in page.cookies and "csrftoken" not in page.cookies
    assert page["Cache-Control"] == "no-store"
    # Each refresh moves on to the next project; an absurd interval is bounded.
    assert "?n=1&amp;refresh=10" in Client().get(f"{url}?n=0&refresh=1").text
    assert ScreenToken.objects.get().last_seen_at is not None


def test_a_screen_can_write_nothing(demo):
    url = issue()
    for method in ("post", "put", "delete", "patch"):
        assert getattr(Client(), method)(url).status_code == 405, method


def test_a_revoked_or_unknown_token_gets_403(demo):
    url = issue()
    screen = ScreenToken.objects.get()
    page = signed_in("supervisor").post("/screens/", {"action": "revoke", "screen": screen.pk})
    assert page.status_code == 200 and "已撤销" in page.text
    refused = Client().get(url)
    assert refused.status_code == 403 and "无权" in refused.text  # the site's own error page
    assert Client().get("/screen/not-a-token/").status_code == 403
    assert AuditEntry.objects.filter(action="screen_token_revoke", allowed=True).count() == 1
    refusals = AuditEntry.objects.filter(action="screen_view", allowed=False).order_by("id")
    assert [(r.target_id, r.detail["revoked"]) for r in refusals] == [
        (str(screen.pk), True),
        ("", False),
    ]
    assert not any("not-a-token" in str(r.detail) for r in refusals)


@pytest.mark.parametrize("username", ["leader", "town_shizhu", "dept_jiaotong"])
def test_only_the_office_manages_screens(demo, username):
    url = issue()
    screen = ScreenToken.objects.get()
    client = signed_in(username)
    assert client.get("/screens/").status_code == 403
    assert client.post("/screens/", {"action": "create", "name": "x"}).status_code == 403
    assert client.post("/screens/", {"action": "revoke", "screen": screen.pk}).status_code == 403
    assert ScreenToken.objects.count() == 1 and ScreenToken.objects.get().active
    assert Client().get(url).status_code == 200
    assert Client().get("/screens/").status_code == 302  # to the login page


def test_a_screen_needs_a_name(demo):
    page = signed_in("supervisor").post("/screens/", {"action": "create", "name": "  "})
    assert page.status_code == 422 and "为大屏命名" in page.text
    assert not ScreenToken.objects.exists()
