"""The level above: a prefecture's office ranks its cities, reads them, and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.common.scope import scoped_to
from guatu.org.models import City, Department, Town
from guatu.progress.models import ProgressReport, StandingSnapshot
from guatu.progress.overview import progress_overview
from guatu.progress.services import report_submit
from guatu.projects.models import Project, WorkItem
from guatu.risk.services import nodes_at_risk
from guatu.supervision.region import REFRESH_TASK, refresh_standings, region_standings
from guatu.web.dashboard import dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo):
    yongkang = City.objects.get(name="永康市")
    jinhua = City.objects.create(name="金华市", code="330700", level=City.Level.PREFECTURE)
    yongkang.parent = jinhua
    yongkang.save()
    wuyi = City.objects.create(name="武义县", code="330723", parent=jinhua)
    town = Town.objects.create(city=wuyi, name="熟溪街道", kind=Town.Kind.SUBDISTRICT)
    department = Department.objects.create(city=wuyi, name="武义县交通运输局", short_name="交通局")
    project = Project.objects.create(
        city=wuyi,
        code="wy-road",
        name="武义大道",
        start_date=date(2019, 9, 2),
        owner_department=department,
    )
    WorkItem.objects.create(
        project=project,
        code="1",
        name="武义征迁",
        town=town,
        owner_department=department,
        planned_start=date(2019, 9, 2),
        duration_days=30,
    )
    quzhou = City.objects.create(name="衢州市", code="330800", level=City.Level.PREFECTURE)
    offices = {}
    for name, city in (("jinhua_office", jinhua), ("quzhou_office", quzhou)):
        user = user_create(username=name, password=f"pw-{name}-1", role=Role.SUPERVISOR)
        user.city = city
        user.save()
        offices[name] = user
    return {"jinhua": jinhua, "yongkang": yongkang, "wuyi": wuyi, "quzhou": quzhou, **offices}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_prefecture_ranks_its_cities_with_each_citys_own_figures(region):
    client = signed_in(region["jinhua_office"])
    assert client.get("/").url == "/region/"
    page = client.get("/region/").content.decode()
    assert "永康市" in page and "武义县" in page and "衢州市" not in page
    rows = {row["name"]: row for row in client.get("/api/v1/region").json()}
    assert set(rows) == {"永康市", "武义县"}
    # One truth: the row is the city's own overview, computed in its own scope.
    with scoped_to((region["yongkang"].pk,)):
        own = progress_overview(city=region["yongkang"])
    assert rows["永康市"]["counts"] == own.counts
    assert rows["永康市"]["planned"] == own.progress.planned
    assert rows["永康市"]["actual"] == own.progress.actual
    assert rows["永康市"]["as_of"] == own.as_of.isoformat() == "2019-11-15"
    assert [r.city.name for r in region_standings(region["jinhua"])] == list(rows)
    assert f"{own.counts['red']}</td>" in page
    # Drilling into a city shows its dashboard, and its pages read (not write) below.
    yongkang = client.get(f"/region/{region['yongkang'].code}/")
    assert yongkang.status_code == 200 and "永康市" in yongkang.content.decode()
    project = Project.objects.filter(city=region["yongkang"]).first()
    assert client.get(f"/projects/{project.code}/").status_code == 200


def test_the_prefecture_writes_nothing_below_on_the_page_or_the_api(region):
    office = region["jinhua_office"]
    item = WorkItem.objects.filter(project__city=region["yongkang"], town__isnull=False).first()
    before = ProgressReport.objects.count()
    page = signed_in(office).post(
        f"/items/{item.pk}/", {"action": "report", "reported_on": "2019-11-15", "percent": "50"}
    )
    assert page.status_code == 403
    api = Client().post(
        f"/api/v1/items/{item.pk}/reports",
        {"reported_on": "2019-11-15", "percent_complete": 50},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=office)}",
    )
    assert api.status_code == 403
    assert ProgressReport.objects.count() == before
    assert AuditEntry.objects.filter(user=office, action="write_from_above").count() == 2
    # Their own things stay theirs: signing out works.
    assert signed_in(office).post("/logout/").status_code == 302


def test_another_prefecture_and_a_city_see_no_region_of_others(region):
    quzhou = signed_in(region["quzhou_office"])
    assert quzhou.get("/api/v1/region").json() == []
    assert quzhou.get(f"/region/{region['yongkang'].code}/").status_code == 404
    project = Project.objects.filter(city=region["yongkang"]).first()
    assert quzhou.get(f"/projects/{project.code}/").status_code == 404
    city_office = signed_in(User.objects.get(username="supervisor"))
    assert city_office.get("/region/").status_code == 404
    assert city_office.get("/api/v1/region").status_code == 404
    assert "武义大道" not in city_office.get("/projects/").content.decode()


def test_standings_are_kept_until_a_figure_of_their_city_changes(region):
    client = signed_in(region["jinhua_office"])
    first = {row["name"]: row for row in client.get("/api/v1/region").json()}
    assert StandingSnapshot.objects.count() == 2
    again = {row["name"]: row for row in client.get("/api/v1/region").json()}
    assert again == first  # read from the snapshots, computed_at unchanged
    assert refresh_standings() == 0
    # A report in 永康 moves its stamp: the next view recomputes 永康 only.
    reported_today = ProgressReport.objects.filter(reported_on=date(2019, 11, 15)).values(
        "work_item"
    )
    item = (
        WorkItem.objects.filter(
            project__city=region["yongkang"], town__isnull=False, quantity_target__isnull=True
        )
        .exclude(kind=WorkItem.Kind.MILESTONE)
        .exclude(pk__in=reported_today)
        .exclude(reports__percent_complete__gte=50)
        .first()
    )
    town_user = User.objects.filter(role=Role.TOWN, town=item.town).first()
    report_submit(
        work_item=item, reported_by=town_user, reported_on=date(2019, 11, 15), percent=Decimal(60)
    )
    # The page does not recompute: 永康's row is answered as kept, marked, and queued.
    marked = {row["name"]: row for row in client.get("/api/v1/region").json()}
    assert marked["永康市"]["stale"] and not marked["武义县"]["stale"]
    assert marked["永康市"]["counts"] == first["永康市"]["counts"]
    assert "已有变化，正在更新" in client.get("/region/").content.decode()
    assert DBTaskResult.objects.filter(task_path=REFRESH_TASK, status="READY").count() == 1
    # The worker recomputes 永康 only; then the row is the city's own figures again.
    assert refresh_standings() == 1
    after = {row["name"]: row for row in client.get("/api/v1/region").json()}
    assert after["武义县"] == first["武义县"]
    assert after["永康市"]["computed_at"] != first["永康市"]["computed_at"]
    assert not after["永康市"]["stale"]
    with scoped_to((region["yongkang"].pk,)):
        own = progress_overview(city=region["yongkang"])
    assert after["永康市"]["counts"] == own.counts
    assert after["永康市"]["actual"] == own.progress.actual


def test_overdue_nodes_and_nodes_at_risk_are_the_city_s_own(region):
    client = signed_in(region["jinhua_office"])
    rows = {row["name"]: row for row in client.get("/api/v1/region").json()}
    yongkang = region["yongkang"]
    with scoped_to((yongkang.pk,)):
        board = dashboard(city=yongkang)
        at_risk = nodes_at_risk(yongkang)
        listed = signed_in(User.objects.get(username="supervisor")).get("/items/?overdue=1")
    assert rows["永康市"]["overdue_nodes"] == board.overdue_nodes > 0
    assert rows["永康市"]["nodes_at_risk"] == len(at_risk)
    # The dashboard's number, the list behind it and the level above's column agree.
    assert listed.context["listing"].total == board.overdue_nodes
    assert (
        f"<strong>{board.overdue_nodes}</strong>"
        in client.get(f"/region/{yongkang.code}/").content.decode()
    )
    assert rows["武义县"]["overdue_nodes"] == 0  # its one item has no time node
