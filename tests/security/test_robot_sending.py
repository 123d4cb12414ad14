"""Robot sending re-checked at every send (issue 28, item 6).

The host list was checked only when a robot was saved: the demo's loopback
robots were posted to under production settings; a 302 from a robot's address
was followed (the server sent a GET to another host and logged the delivery as
sent); ``http://``, any port and ``ftp://`` were accepted. Now the rule (https,
port 443, the platforms' hosts; loopback over plain HTTP only where the settings
say so, never in production) holds at the form and before every message, a
robot that fails it is paused with the reason on the robots' page, and no
redirect is followed.
"""

import runpy
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from guatu.audit.models import AuditEntry
from guatu.notify.delivery import deliver_due
from guatu.notify.models import Channel, Delivery, Kind, Robot
from guatu.notify.services import notify
from guatu.notify.webhooks import webhook_problem
from guatu.notify.worker import sweep
from guatu.settings.base import PLATFORM_ROBOT_HOSTS
from tests.notify.robots import Platform

pytestmark = pytest.mark.django_db
NOON = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)
PRODUCTION = Path(__file__).resolve().parents[2] / "src" / "guatu" / "settings" / "production.py"

REFUSED = [
    "http://oapi.dingtalk.com/robot/send?access_token=x",
    "https://oapi.dingtalk.com:8443/robot/send?access_token=x",
    "https://qyapi.weixin.qq.com:80/cgi-bin/webhook/send?key=x",
    "ftp://oapi.dingtalk.com/robot/send",
    "https://user:pw@oapi.dingtalk.com/robot/send",
    "https://oapi.dingtalk.com@evil.example/robot/send",
    "https://evil.example\\@oapi.dingtalk.com/robot/send",
    "https://oapi.dingtalk.com.evil.example/robot/send",
    "https://oapi.dingtalk.com:99999/robot/send",
    "https://oapi.dingtalk.com /robot/send",
    "http://127.0.0.1:8091/robot/send?access_token=demo-office",
    "https://169.254.169.254/latest/meta-data/",
]
ALLOWED = [
    "https://oapi.dingtalk.com/robot/send?access_token=x",
    "https://OAPI.dingtalk.com:443/robot/send?access_token=x",
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
]


@pytest.fixture
def production(settings):
    """The robot rule as production has it."""
    settings.GUATU_ROBOT_HOSTS = list(PLATFORM_ROBOT_HOSTS)
    settings.GUATU_ROBOT_LOOPBACK = False
    return settings


def office_client(users) -> Client:
    c = Client()
    c.force_login(users["supervisor"])
    return c


def alert(city, event, **to) -> int:
    return notify(
        city=city, kind=Kind.ESCALATION, event=event, title="督办单：征地", body="请办结。",
        url="/items/1/", **to,
    )  # fmt: skip


def test_production_settings_never_let_plain_http_or_loopback_through(monkeypatch):
    monkeypatch.setenv("GUATU_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("GUATU_ALLOWED_HOSTS", "guatu.example.gov.cn")
    monkeypatch.setenv("GUATU_ROBOT_HOSTS", "oapi.dingtalk.com,127.0.0.1")
    values = runpy.run_path(str(PRODUCTION))
    assert values["GUATU_ROBOT_LOOPBACK"] is False
    monkeypatch.delenv("GUATU_ROBOT_HOSTS")
    assert runpy.run_path(str(PRODUCTION))["GUATU_ROBOT_HOSTS"] == PLATFORM_ROBOT_HOSTS


@pytest.mark.parametrize("url", REFUSED)
def test_the_rule_refuses(production, url):
    assert webhook_problem(url)


@pytest.mark.parametrize("url", ALLOWED)
def test_the_rule_allows_the_platforms(production, url):
    assert webhook_problem(url) == ""


@pytest.mark.parametrize("url", REFUSED[:4])
def test_the_form_refuses_plain_http_other_ports_and_ftp(production, users, city, url):
    page = office_client(users).post(
        "/notify/",
        {"action": "robot", "unit": "office", "kind": "dingtalk", "name": "群", "webhook": url},
    )
    assert page.status_code == 200 and not Robot.objects.exists()
    assert 'role="alert"' in page.content.decode()


def test_a_loopback_robot_is_not_posted_to_under_production_settings_but_paused(
    settings, users, city, towns
):
    with Platform() as ding:
        # Saved as the demo saves its robots (local settings let loopback through) …
        robot = Robot.objects.create(
            city=city, town=towns["石柱镇"], kind=Channel.DINGTALK, name="石柱镇工作群（演示）",
            webhook=f"{ding.base}/robot/send?access_token=demo-town",
        )  # fmt: skip
        alert(city, "escalation:1", towns=[towns["石柱镇"]])
        alert(city, "escalation:2", towns=[towns["石柱镇"]])
        # … and the server runs with production's rule.
        settings.GUATU_ROBOT_HOSTS = list(PLATFORM_ROBOT_HOSTS)
        settings.GUATU_ROBOT_LOOPBACK = False
        assert deliver_due(now=NOON)["failed"] == 2
    assert ding.received == []
    robot.refresh_from_db()
    assert not robot.enabled and "127.0.0.1" in robot.paused_reason
    for delivery in Delivery.objects.all():
        assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
        assert "127.0.0.1" in delivery.last_error, delivery.last_error
    # Nothing more is queued for it; the office sees why on the robots' page.
    assert alert(city, "escalation:3", towns=[towns["石柱镇"]]) == 0
    c = office_client(users)
    page = c.get("/notify/").content.decode()
    assert robot.paused_reason in page and 'role="alert"' in page
    # The server's pause is audited, by no one.
    entry = AuditEntry.objects.get(action="notify_robot_save", target_id=str(robot.pk))
    assert entry.user is None and entry.detail["paused"] == robot.paused_reason
    # Resuming it is refused with the reason; it stays paused.
    answer = c.post(f"/notify/robots/{robot.pk}/", {"action": "toggle"}, follow=True)
    assert answer.status_code == 200 and "127.0.0.1" in answer.content.decode()
    robot.refresh_from_db()
    assert not robot.enabled and robot.paused_reason
    # It can still be removed.
    c.post(f"/notify/robots/{robot.pk}/", {"action": "delete"})
    assert not Robot.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://oapi.dingtalk.com/robot/send?access_token=x",
        "https://oapi.dingtalk.com:8443/robot/send?access_token=x",
        "ftp://oapi.dingtalk.com/robot/send?access_token=x",
    ],
)
def test_a_robot_saved_before_the_rule_is_checked_at_the_send(production, city, url):
    robot = Robot.objects.create(city=city, office=True, kind="dingtalk", name="群", webhook=url)
    alert(city, "escalation:1", office=True)
    assert deliver_due(now=NOON)["failed"] == 1  # at once: no network attempt, no retry
    (delivery,) = Delivery.objects.all()
    assert delivery.attempts == 1 and delivery.last_error
    robot.refresh_from_db()
    assert not robot.enabled and robot.paused_reason in delivery.last_error


def test_the_sweep_pauses_robots_that_fail_the_rule_before_any_message(production, users, city):
    bad = Robot.objects.create(
        city=city, office=True, kind="wecom", name="旧群", webhook="http://qyapi.weixin.qq.com/x"
    )
    good = Robot.objects.create(
        city=city, office=True, kind="wecom", name="新群",
        webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    )  # fmt: skip
    page = office_client(users).get("/notify/").content.decode()
    assert "旧群" in page and 'role="alert"' in page  # shown before the sweep too
    sweep()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.enabled, good.enabled) == (False, True) and "https" in bad.paused_reason


class _Recorder(ThreadingHTTPServer):
    """A server that answers every request with one status (and where to go), and keeps them."""

    def __init__(self, status: int = 200, location: str = "") -> None:
        self.status, self.location, self.requests = status, location, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server.requests.append((self.command, self.path))
                body = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(server.status)
                if server.location:
                    self.send_header("Location", server.location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_the_delivery_fails_saying_where_it_led(city, status):
    metadata = _Recorder()
    robot_end = _Recorder(status, f"{metadata.base}/latest/meta-data/iam/security-credentials/")
    try:
        Robot.objects.create(
            city=city, office=True, kind="wecom", name="群",
            webhook=f"{robot_end.base}/cgi-bin/webhook/send?key=k",
        )  # fmt: skip
        alert(city, "escalation:1", office=True)
        assert deliver_due(now=NOON)["failed"] == 1
    finally:
        metadata.close()
        robot_end.close()
    assert [method for method, _ in robot_end.requests] == ["POST"]
    assert metadata.requests == []  # never sent on
    (delivery,) = Delivery.objects.all()
    assert delivery.status == Delivery.Status.FAILED and delivery.sent_at is None
    assert str(status) in delivery.last_error and "127.0.0.1" in delivery.last_error
