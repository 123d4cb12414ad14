"""A city on 2019-11-15 (a Friday) with one 卡点 reported by its town, for the 问题清单."""

from datetime import date

import pytest

from guatu.progress.services import blocker_open

TODAY = date(2019, 11, 15)


@pytest.fixture
def today_city(city):
    city.status_date = TODAY
    city.document_prefix = "测重点办"
    city.save()
    return city


@pytest.fixture
def item(today_city, make_item):
    # Not due to start before December: never behind 序时 in these tests.
    return make_item("zc", name="征迁", duration_days=30, planned_start=date(2019, 12, 2))


@pytest.fixture
def blocker(item, users, departments):
    return blocker_open(
        actor=users["town"],
        work_item=item,
        description="3户未签约",
        owner_department=departments["交通局"],
        responsible_person="石柱镇副镇长",
        opened_on=date(2019, 11, 11),
        due_on=date(2019, 11, 29),
    )
