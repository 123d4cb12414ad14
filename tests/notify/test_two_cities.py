"""The worker and the commands see every city; what they set off stays in one city.

A report stored outside a request (the ledger command, the worker) has no city
in scope: its notice still reaches its own city's office only, the weekly
bulletin is drafted by the city's own supervisor, and the reminders of one city
read that city's work only.
"""

from datetime import date
from decimal import Decimal

import pytest

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.notify.models import Notice
from guatu.org.models import City, Department, Town
from guatu.progress.services import report_submit
from guatu.projects.models import Project, WorkItem
from guatu.supervision.models import Bulletin
from guatu.supervision.tasks import weekly_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_city(demo):
    city = City.objects.create(name="建德市", code="330182", status_date=date(2019, 11, 15))
    town = Town.objects.create(city=city, name="新安江街道", kind=Town.Kind.SUBDISTRICT)
    department = Department.objects.create(city=city, name="建德市交通运输局")
    Project.objects.create(
        city=city,
        code="jd-1",
        name="建德大道",
        start_date=date(2019, 9, 2),
        owner_department=department,
    )
    office = user_create(username="jd_office", password="pw-jd-office-1", role=Role.SUPERVISOR)
    office.city = city
    office.save()
    user_create(username="jd_town", password="pw-jd-town-1", role=Role.TOWN, town=town)
    return city


def test_a_report_stored_outside_a_request_tells_its_own_citys_office_only(second_city):
    yongkang = City.objects.get(name="永康市")
    town = Town.objects.filter(city=yongkang).first()
    project = Project.objects.filter(city=yongkang).first()
    item = WorkItem.objects.create(
        project=project,
        code="two-cities",
        name="征地（两市测试）",
        town=town,
        planned_start=date(2019, 9, 2),
        duration_days=30,
        quantity_target=Decimal(126),
        unit="mu",
    )
    reporter = User.objects.filter(role=Role.TOWN, town=town).first()
    report_submit(
        work_item=item,
        reported_by=reporter,
        reported_on=date(2019, 11, 15),
        quantity=Decimal(130),
        unit="mu",
        above_target=True,
        note="含临时用地",
    )
    told = set(
        Notice.objects.filter(event__startswith="review:").values_list(
            "recipient__username", flat=True
        )
    )
    assert told and "jd_office" not in told
    assert {u.city for u in User.objects.filter(username__in=told)} == {yongkang}


def test_the_weekly_bulletin_is_drafted_by_the_citys_own_office(second_city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    weekly_bulletin.call(second_city.pk)
    drafted = Bulletin.objects.get(city=second_city)
    assert drafted.created_by.username == "jd_office"
    assert "jd_office" not in set(
        Notice.objects.exclude(recipient__city=second_city).values_list(
            "recipient__username", flat=True
        )
    )
