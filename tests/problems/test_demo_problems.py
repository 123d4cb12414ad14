"""The demo's 问题清单: every level and every colour, and the board, the API and each
person's 待办 tell the same."""

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.demo.scenario import TODAY
from guatu.notify.todo import todo
from guatu.org.models import City
from guatu.problems.selectors import problem_facts, problems_of
from guatu.progress.models import Blocker

pytestmark = pytest.mark.django_db


def facts():
    city = City.objects.get()
    rows = list(problems_of(city))
    return city, rows, problem_facts(rows, city=city, today=TODAY)


def test_the_demo_has_every_level_and_colour(demo):
    _city, rows, found = facts()
    open_rows = [b for b in rows if b.status != Blocker.Status.RESOLVED]
    assert {b.level for b in open_rows} == {1, 2, 3, 4}
    assert {found[b.pk].colour for b in open_rows} >= {"red", "yellow", "blue"}
    assert any(b.status == Blocker.Status.RESOLVED for b in rows)
    assert any(b.status == Blocker.Status.REPLIED for b in rows)
    assert any(b.number is None for b in open_rows)  # one waits for its 交办


def test_the_board_the_api_and_the_todo_agree(demo):
    city, rows, found = facts()
    office = User.objects.get(username="supervisor")
    client = Client()
    client.force_login(office)
    token = token_create(user=office)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = client.get("/api/v1/problems", **headers).json()
    assert {row["id"]: row["colour"] for row in api} == {
        b.pk: found[b.pk].colour or None for b in rows
    }
    for colour in ("red", "yellow", "blue"):
        board = client.get(f"/blockers/?colour={colour}&state=").content.decode()
        for b in rows:
            shown = b.description[:20] in board
            assert shown == (found[b.pk].colour == colour), (colour, b.description)
    entries = {e.kind: e.count for e in todo(office, city, TODAY)}
    assert entries["problem_verify"] == sum(b.status == "replied" for b in rows)
    assert entries["problem_assign"] == sum(b.number is None and b.status == "open" for b in rows)
    assert entries["problem_level"] == sum(found[b.pk].proposed is not None for b in rows)
