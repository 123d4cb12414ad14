"""本周待填报: the home of those who report — their own items and blockers only."""

import pytest
from django.test import Client

from guatu.accounts.models import User

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_town_and_department_officials_land_on_their_own_work(demo):
    for username, own, foreign in (
        ("town_shizhu", "金温铁路外迁线路工程", "前仓镇段"),
        ("dept_jiaotong", "主线路基桥涵工程（前仓镇段）", "金温铁路外迁征迁"),
    ):
        client = signed_in(username)
        assert client.get("/home/")["Location"] == "/my/"
        page = client.get("/my/").text
        assert "本周待填报" in page
        assert own in page and foreign not in page
        if username == "town_shizhu":
            unreported = page.index("金温铁路外迁线路工程")
            reported = page.index("本周已填报")
            assert unreported < reported, "items still to report come first"
            assert "3户未签约" in page  # 石柱镇's open blocker
            assert "本镇街区灯色" in page
            town = User.objects.get(username=username).town_id
            assert f"/items/?town={town}&amp;light=" in page
        else:
            assert "我的事项灯色" in page and 'class="light light-' in page
    for username in ("leader", "supervisor"):
        client = signed_in(username)
        assert client.get("/home/")["Location"] == "/"
        assert client.get("/my/")["Location"] == "/"
