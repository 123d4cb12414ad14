"""When a blocker is overdue: one rule (``blocker_overdue``), the same answer on every path.

A blocker due on the 15th is overdue from the 16th; on the 15th it is due, not
overdue. The board, the dashboard, the item page, the API, the bulletin and
the alerts all say so.
"""

import re
from datetime import date

import pytest
from django.test import Client

from guatu.accounts.tokens import token_create
from guatu.core.periods import parse_period
from guatu.notify.models import Notice
from guatu.notify.services import blocker_alerts
from guatu.progress.models import Blocker
from guatu.progress.selectors import blocker_overdue
from guatu.progress.services import blocker_open
from guatu.supervision.bulletins import bulletin_content

TODAY = date(2019, 11, 15)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2019, 11, 14), False), (date(2019, 11, 15), False), (date(2019, 11, 16), True)],
)
def test_a_blocker_is_overdue_from_the_day_after_its_due_date(today, overdue):
    blocker = Blocker(due_on=date(2019, 11, 15), status=Blocker.Status.OPEN)
    assert blocker_overdue(blocker, today=today) is overdue


def test_a_resolved_blocker_is_never_overdue():
    blocker = Blocker(due_on=date(2019, 11, 1), status=Blocker.Status.RESOLVED)
    assert not blocker_overdue(blocker, today=TODAY)


@pytest.fixture
def blockers(db, city, users, departments, make_item) -> dict[str, Blocker]:
    """Two open blockers at the city's data date: one due yesterday, one due today."""
    city.status_date = TODAY
    city.save()
    item = make_item("zd", name="征地")
    return {
        description: blocker_open(
            actor=users["town"],
            work_item=item,
            description=description,
            owner_department=departments["交通局"],
            responsible_person="副镇长",
            opened_on=date(2019, 11, 1),
            due_on=due_on,
        )
        for description, due_on in (("昨日到期", date(2019, 11, 14)), ("今日到期", TODAY))
    }


def overdue_rows(html: str) -> set[str]:
    """The descriptions on rows marked overdue (a row per blocker)."""
    rows = re.findall(r"<(?:tr|li)(\s[^>]*)?>(.*?)</(?:tr|li)>", html, re.S)
    return {
        description
        for attributes, row in rows
        if "overdue" in attributes or "negative" in attributes
        for description in ("昨日到期", "今日到期")
        if description in row
    }


def test_every_path_says_overdue_from_the_day_after_only(blockers, users, city):
    client = Client()
    client.force_login(users["supervisor"])
    item = blockers["昨日到期"].work_item
    for url in ("/blockers/", "/", f"/items/{item.pk}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert overdue_rows(page.text) == {"昨日到期"}, url
    board = client.get("/blockers/").text
    assert board.index("昨日到期") < board.index("今日到期")  # overdue first

    token = token_create(user=users["supervisor"])
    listed = Client().get("/api/v1/blockers", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {b["description"]: b["overdue"] for b in listed} == {
        "昨日到期": True,
        "今日到期": False,
    }

    content = bulletin_content(city=city, period=parse_period("2019-W46"))
    assert {b["description"]: b["overdue"] for b in content.blockers} == {
        "昨日到期": True,
        "今日到期": False,
    }

    blocker_alerts(city, today=TODAY)
    overdue = {n.event for n in Notice.objects.filter(event__contains=":overdue:")}
    assert overdue == {f"blocker:{blockers['昨日到期'].pk}:overdue:2019-11-14"}
    blocker_alerts(city, today=date(2019, 11, 16))
    overdue = {n.event for n in Notice.objects.filter(event__contains=":overdue:")}
    assert overdue == {f"blocker:{b.pk}:overdue:{b.due_on}" for b in blockers.values()}
