"""The API answers a flood with 429 and Retry-After (issue 28, item 8): guessed tokens from
one address stop after a few dozen, and one caller cannot take every worker."""

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.api import throttle

pytestmark = pytest.mark.django_db


def test_guessing_tokens_is_stopped(users):
    guesser = Client(REMOTE_ADDR="203.0.113.90")
    answers = [
        guesser.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer guess{n:04d}.x").status_code
        for n in range(throttle.FAILURES + 5)
    ]
    assert answers[: throttle.FAILURES] == [401] * throttle.FAILURES
    assert set(answers[throttle.FAILURES :]) == {429}
    refused = guesser.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer guess9999.x")
    assert 0 < int(refused["Retry-After"]) <= throttle.FAILURES_WINDOW
    assert "请求过多" in refused.json()["message"]
    # Another address is not locked out by the guesser.
    token = token_create(user=User.objects.get(username="leader"))
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_one_caller_is_limited_and_not_the_others(users, monkeypatch):
    monkeypatch.setattr(throttle, "CALLS", 5)
    busy = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['leader'])}"}
    calm = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users['supervisor'])}"}
    client = Client(REMOTE_ADDR="198.51.100.8")
    answers = [client.get("/api/v1/projects", **busy).status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    assert client.get("/api/v1/projects", **calm).status_code == 200
    assert client.get("/projects/").status_code in (200, 302)  # the pages are not the API
