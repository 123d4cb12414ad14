"""Several cities in one deployment: each publishes its own page, a division above them shows
only its own, and another city's projects, approvals and photos are 404 to an office."""

from datetime import date

import pytest
from django.test import Client

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.org.models import City, Department
from guatu.projects.models import Project
from guatu.public.models import Approval, Disclosure, Snapshot
from guatu.public.services import approval_add, disclosure_set, snapshot_publish

pytestmark = pytest.mark.django_db

B_PROJECT = "建德大道拓宽工程（公开测试）"


@pytest.fixture
def b_city(demo, django_capture_on_commit_callbacks):
    """建德市 beside the demo's 永康市, under a prefecture, with a month of its own published."""
    a = City.objects.get(name="永康市")
    prefecture = City.objects.create(
        name="金华市（公开测试）", code="330700", level=City.Level.PREFECTURE
    )
    a.parent = prefecture
    a.save(update_fields=["parent"])
    b = City.objects.create(
        name="建德市", code="330182", status_date=date(2019, 11, 15), parent=prefecture
    )
    department = Department.objects.create(city=b, name="建德市交通运输局")
    project = Project.objects.create(
        city=b,
        code="jiande-road",
        name=B_PROJECT,
        start_date=date(2019, 1, 2),
        owner_department=department,
        project_code="2019-330182-48-01-000001",
    )
    office = user_create(
        username="jd_public_office", password="pw-jd-1", role=Role.SUPERVISOR, city=b
    )
    user_create(
        username="jh_public_office", password="pw-jh-1", role=Role.SUPERVISOR, city=prefecture
    )
    disclosure_set(actor=office, project=project, disclosed=True)
    approval_add(
        actor=office,
        project=project,
        matter="建德大道立项批复（公开测试）",
        authority="建德市发展和改革局",
        number="建发改〔2019〕9号",
        approved_on=date(2019, 5, 6),
    )
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_publish(actor=office, city=b, year=2019, month=10)
    return b


def test_each_city_shows_its_own_and_the_root_lists_them(b_city):
    a = City.objects.get(name="永康市")
    anyone = Client()
    root = anyone.get("/public/").content.decode()
    assert f'href="/public/{a.code}/"' in root and f'href="/public/{b_city.code}/"' in root
    assert "金台铁路永康段" not in root and B_PROJECT not in root  # a list, not a city's page
    a_page = anyone.get(f"/public/{a.code}/").content.decode()
    b_page = anyone.get(f"/public/{b_city.code}/").content.decode()
    assert "金台铁路永康段" in a_page and B_PROJECT not in a_page
    assert B_PROJECT in b_page and "金台铁路永康段" not in b_page
    b_feed = anyone.get(f"/public/{b_city.code}/feed.xml").content.decode()
    assert B_PROJECT in b_feed and "金台铁路永康段" not in b_feed


def test_a_division_shows_only_its_own(b_city):
    """The prefecture above both publishes nothing of its own: its page is a 404, never its
    cities' months."""
    prefecture = City.objects.get(code="330700")
    anyone = Client()
    assert anyone.get(f"/public/{prefecture.code}/").status_code == 404
    assert anyone.get(f"/public/{prefecture.code}/2019/10/").status_code == 404
    office = Client()
    office.force_login(User.objects.get(username="jh_public_office"))
    answer = office.post("/public/manage/", {"action": "publish", "month": "2019-10"})
    assert answer.status_code == 403  # the level above reads, it writes nothing
    assert not Snapshot.objects.filter(city=prefecture).exists()


def test_another_citys_objects_are_404_to_the_office(b_city):
    office = Client()
    office.force_login(User.objects.get(username="supervisor"))
    b_project = Project.objects.get(code="jiande-road")
    b_approval = Approval.objects.get(project=b_project)
    before = (
        Disclosure.objects.filter(project=b_project, disclosed=True).count(),
        Approval.objects.count(),
    )
    for form in (
        {"action": "disclose", "project": b_project.pk, "on": "0"},
        {"action": "approval_remove", "approval": b_approval.pk},
        {"action": "photo", "project": b_project.pk, "photo": ""},
    ):
        assert office.post("/public/manage/", form).status_code == 404, form
    answer = office.post(
        "/public/manage/",
        {
            "action": "approval",
            "approval-project": b_project.pk,
            "approval-matter": "越界批复",
            "approval-authority": "越界机关",
            "approval-number": "越界〔2019〕1号",
            "approval-approved_on": "2019-05-06",
        },
    )
    assert answer.status_code == 400  # not a project the office may choose
    after = (
        Disclosure.objects.filter(project=b_project, disclosed=True).count(),
        Approval.objects.count(),
    )
    assert after == before
    page = office.get("/public/manage/").content.decode()
    assert B_PROJECT not in page and "建发改〔2019〕9号" not in page
