"""A project comes under supervision on its city's today, however it is made (issue 30)."""

from datetime import date

import pytest

from guatu.org.models import City, Department
from guatu.projects.models import Project

pytestmark = pytest.mark.django_db


def test_a_new_project_is_supervised_from_its_city_s_today():
    city = City.objects.create(name="测试市", code="330799", status_date=date(2019, 11, 15))
    department = Department.objects.create(city=city, name="交通局")
    made = Project.objects.create(
        city=city, code="p", name="项目", start_date=date(2019, 1, 1), owner_department=department
    )
    assert made.supervised_from == date(2019, 11, 15)
    # Told otherwise (the demo's story, a move with its record), it keeps what it is told.
    told = Project.objects.create(
        city=city, code="q", name="项目二", start_date=date(2019, 1, 1),
        owner_department=department, supervised_from=date(2019, 3, 1),
    )  # fmt: skip
    assert told.supervised_from == date(2019, 3, 1)
    # Saved again, a project keeps its day.
    City.objects.filter(pk=city.pk).update(status_date=date(2020, 1, 1))
    made.refresh_from_db()
    made.save()
    assert made.supervised_from == date(2019, 11, 15)
