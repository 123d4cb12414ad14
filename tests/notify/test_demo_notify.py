"""The demo: notification rules, robots pointing at loopback, and the inbox already in use."""

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.notify.models import Delivery, Notice, Robot, Rules

pytestmark = pytest.mark.django_db


def test_the_demo_has_rules_robots_and_messages(demo):
    assert Rules.objects.count() == 1
    robots = Robot.objects.all()
    assert robots.count() == 3 and all(r.webhook.startswith("http://127.0.0.1:") for r in robots)
    # The demo's escalations were recorded: their towns' officials have messages.
    assert Notice.objects.filter(kind="escalation").exists()
    for unit_robot in robots.filter(office=False):  # 石柱镇 and 自然资源局: the 征地 escalation
        assert Delivery.objects.filter(robot=unit_robot, kind="escalation").exists()


def test_the_settings_page_shows_the_demo_robots_without_secrets(demo):
    c = Client()
    c.force_login(User.objects.get(username="supervisor"))
    page = c.get("/notify/").content.decode()
    assert "督查办工作群（演示）" in page and "SECdemo0000" not in page and "••••0000" in page
