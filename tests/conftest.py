"""Shared fixtures: a small city with two towns, two departments and one user per role."""

from datetime import date

import pytest
from django.db import transaction

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.demo.build import demo_build
from guatu.org.models import City, Department, Town, Village
from guatu.projects.models import Project, WorkItem
from guatu.projects.services import work_item_create
from tests.office import office


@pytest.fixture
def city(db) -> City:
    return City.objects.create(name="测试市", code="330000")


@pytest.fixture
def towns(city) -> dict[str, Town]:
    towns = {
        name: Town.objects.create(city=city, name=name, order=n)
        for n, name in enumerate(["石柱镇", "前仓镇"], start=1)
    }
    for town in towns.values():
        Village.objects.create(town=town, name=f"{town.name[:2]}一村")
    return towns


@pytest.fixture
def departments(city) -> dict[str, Department]:
    return {
        short: Department.objects.create(city=city, name=name, short_name=short)
        for name, short in [("市交通运输局", "交通局"), ("市自然资源和规划局", "自然资源局")]
    }


@pytest.fixture
def users(towns, departments):
    return {
        "leader": user_create(username="leader", password="pw-leader-1", role=Role.LEADER),
        "supervisor": user_create(
            username="supervisor", password="pw-supervisor-1", role=Role.SUPERVISOR
        ),
        "department": user_create(
            username="dept",
            password="pw-dept-1",
            role=Role.DEPARTMENT,
            department=departments["交通局"],
        ),
        "town": user_create(
            username="town", password="pw-town-1", role=Role.TOWN, town=towns["石柱镇"]
        ),
        "admin": user_create(username="admin", password="pw-admin-1", role=Role.ADMIN),
    }


@pytest.fixture
def project(city, departments) -> Project:
    return Project.objects.create(
        city=city,
        code="railway",
        name="金台铁路永康段",
        start_date=date(2016, 7, 1),
        deadline=date(2020, 6, 30),
        owner_department=departments["交通局"],
    )


@pytest.fixture
def make_item(project, towns):
    """Create a work item in ``project``; keyword arguments override the defaults."""

    def make(code: str, **fields) -> WorkItem:
        defaults = {
            "name": f"事项{code}",
            "duration_days": 10,
            "town": towns["石柱镇"],
        }
        return work_item_create(
            actor=office(), project=project, code=code, **{**defaults, **fields}
        )

    return make


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The 永康 2019 scenario, built once per module in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttling counts live in the cache; no test inherits another's failures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
