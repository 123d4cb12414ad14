"""Sign-in throttling that a client cannot talk its way around, and cannot turn on others."""

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db
USERS = ["leader", "supervisor", "admin", "town_shizhu", "dept_jiaotong", "town_qiancang"]


def attempt(client: Client, username: str, password: str = "wrong", **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


def test_rotating_x_forwarded_for_buys_no_more_tries(demo, settings):
    """The seen attack: 24 wrong passwords across 6 users by rotating X-Forwarded-For."""
    settings.GUATU_TRUSTED_PROXIES = []
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    answers = [
        attempt(client, USERS[n % 6], HTTP_X_FORWARDED_FOR=f"10.0.{n}.1").status_code
        for n in range(24)
    ]
    assert answers[:20] == [200] * 20 and set(answers[20:]) == {429}
    assert attempt(client, "leader", "guatu-demo-2019").status_code == 429


def test_the_forwarded_address_is_believed_only_from_the_proxy(demo, settings):
    from django.test import RequestFactory

    from guatu.audit.context import request_address

    settings.GUATU_TRUSTED_PROXIES = ["127.0.0.1"]
    factory = RequestFactory()
    behind = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert request_address(behind) == "198.51.100.7"  # the hop the proxy saw, not the forged one
    direct = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert request_address(direct) == "203.0.113.9"


def test_nobody_can_lock_a_named_user_out_from_elsewhere(demo, settings):
    """The seen attack: five failures from anywhere locked `supervisor` for 15 minutes."""
    settings.GUATU_TRUSTED_PROXIES = []
    cache.clear()
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(6):
        attempt(attacker, "supervisor")
    assert attempt(attacker, "supervisor", "guatu-demo-2019").status_code == 429
    office = Client(REMOTE_ADDR="198.51.100.20")
    signed_in = attempt(office, "supervisor", "guatu-demo-2019")
    assert signed_in.status_code == 302


@pytest.mark.parametrize("variant", ["ｔｏｗｎ_ｓｈｉｚｈｕ", "TOWN_SHIZHU", " town_shizhu "])
def test_another_spelling_of_a_name_counts_against_its_lock(demo, settings, variant):
    """Fullwidth letters or capitals name the same user and the same lock (NFKC, casefold)."""
    settings.GUATU_TRUSTED_PROXIES = []
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.67")
    for _ in range(5):
        attempt(client, "town_shizhu")
    assert attempt(client, variant, "guatu-demo-2019").status_code == 429
