"""督查考核 shows how fast each unit answers and closes its problems (issue 34): the median
days from 交办 to the first 反馈 and to 销号, beside the score and never in it."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.org.models import City, Department, Town
from guatu.progress.models import Blocker
from guatu.projects.models import WorkItem
from guatu.supervision.models import Score

pytestmark = pytest.mark.django_db
d = date
PARTS = {
    "on_track": 0.9,
    "timeliness": 1.0,
    "blockers": 1.0,
    "weights": {"on_track": 0.6, "timeliness": 0.25, "blockers": 0.15},
}


def _problem(item, department, assigned, replied=None, resolved=None, *, town=None) -> Blocker:
    return Blocker.objects.create(
        work_item=item,
        town=town or item.town,
        owner_department=department,
        responsible_person="测试责任人",
        description="测试问题",
        opened_on=assigned,
        due_on=d(2019, 12, 31),
        assigned_on=assigned,
        first_reply_on=replied,
        resolved_on=resolved,
        status=Blocker.Status.RESOLVED if resolved else Blocker.Status.OPEN,
        resolution="测试销号" if resolved else "",
    )


@pytest.fixture
def units(demo):
    """A town and a department of the demo with no problems of their own, each scored for
    W46, with problems made by hand."""
    city = City.objects.get()
    busy_towns = Blocker.objects.exclude(town=None).values("town")
    busy_departments = Blocker.objects.values("owner_department")
    item = (
        WorkItem.objects.filter(project__city=city, town__isnull=False)
        .exclude(town__in=busy_towns)
        .order_by("pk")
        .first()
    )
    town = item.town
    department = (
        Department.objects.filter(city=city).exclude(pk__in=busy_departments).order_by("pk").first()
    )
    quiet = Town.objects.filter(city=city).exclude(pk__in=busy_towns).exclude(pk=town.pk).first()
    # The town's and the department's: reply after 3, 10 and 1 days (one never answered);
    # closed after 10 and 25 days (two still open).
    _problem(item, department, d(2019, 10, 1), d(2019, 10, 4), d(2019, 10, 11))
    _problem(item, department, d(2019, 10, 1), d(2019, 10, 11))
    _problem(item, department, d(2019, 10, 10))
    _problem(item, department, d(2019, 10, 5), d(2019, 10, 6), d(2019, 10, 30))
    # The department's alone (another town's item): answered and closed after 20 days.
    other = WorkItem.objects.filter(project__city=city).exclude(town=town).order_by("pk").first()
    _problem(other, department, d(2019, 10, 1), d(2019, 10, 21), d(2019, 10, 21))
    # Reported, never 交办ed: not counted.
    Blocker.objects.create(
        work_item=item, town=town, owner_department=department, responsible_person="x",
        description="未交办", opened_on=d(2019, 10, 2), due_on=d(2019, 12, 31),
    )  # fmt: skip
    for unit in ({"town": town}, {"department": department}, {"town": quiet}):
        Score.objects.create(
            city=city, period="2019-W46", year=2019, score=Decimal("88.50"), parts=PARTS, **unit
        )
    return town, department, quiet


def _row(page: str, name: str) -> tuple[str, str, str]:
    found = re.search(
        rf'<td>{re.escape(name)}</td><td class="num score-total">([^<]*)</td>.*?'
        r'data-pace="reply">([^<]*)</td><td class="num score-pace" data-pace="close">([^<]*)<',
        page,
    )
    assert found, name
    return found[1], found[2], found[3]


def test_the_scores_page_shows_the_median_days_beside_the_score(units):
    town, department, quiet = units
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.get("/scores/?year=2019").content.decode()
    # Reply: median of 3, 10, 1 = 3; 销号: median of 10, 25 = 17.5. The score is unchanged.
    assert _row(page, town.name) == ("88.5", "3", "17.5")
    # The department has its fifth problem too: reply 3, 10, 1, 20 → 6.5; 销号 10, 25, 20 → 20.
    assert _row(page, str(department)) == ("88.5", "6.5", "20")
    # A unit without a problem 交办ed shows none.
    assert _row(page, quiet.name) == ("88.5", "—", "—")


def test_a_year_counts_what_was_done_by_its_end(units):
    """The page of 2018 counts no problem of 2019; a problem answered after the year's end
    counts as not answered in that year."""
    town, department, _quiet = units
    item = WorkItem.objects.filter(town=town).order_by("pk").first()
    _problem(item, department, d(2018, 12, 1), d(2018, 12, 3))
    _problem(item, department, d(2018, 12, 20), d(2019, 1, 5), d(2019, 1, 8))
    Score.objects.filter(town=town).update(year=2018)
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    page = client.get("/scores/?year=2018").content.decode()
    # By 2018-12-31: one answer after 2 days, the other not yet; nothing closed.
    assert _row(page, town.name) == ("88.5", "2", "—")
