"""Calendar exceptions are written through an audited service, from the admin too, and a
change moves the dates of the working-day projects it touches (through ``CalendarChanged``)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from guatu.audit.models import AuditEntry
from guatu.org.models import CalendarException
from guatu.org.services import calendar_exception_delete, calendar_exception_save
from guatu.projects.models import Project, WorkItem
from guatu.projects.services import work_item_update
from tests.office import office

pytestmark = pytest.mark.django_db


@pytest.fixture
def design(city, departments) -> WorkItem:
    city.status_date = date(2019, 9, 25)  # seen before it starts: the schedule is the plan
    city.save(update_fields=["status_date"])
    project = Project.objects.create(
        city=city, code="park", name="石柱镇小微企业园", start_date=date(2019, 9, 26),
        deadline=date(2019, 10, 31), calendar=Project.Calendar.WORKING_DAY,
        owner_department=departments["交通局"],
    )  # fmt: skip
    item = WorkItem.objects.create(project=project, code="x", name="设计", duration_days=1)
    work_item_update(actor=office(), item=item, duration_days=2)
    item.refresh_from_db()
    assert item.early_finish == date(2019, 9, 27)
    return item


def test_the_admin_adds_and_removes_a_day_off_audited_and_rescheduled(design, city, users):
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(
        "/admin/org/calendarexception/add/",
        {"city": city.pk, "date": "2019-09-27", "note": "台风停工"},  # working unchecked: off
    )
    assert response.status_code == 302, response.content.decode()[:300]
    design.refresh_from_db()
    assert design.early_finish == date(2019, 9, 29), "9-29 is the 调休 Sunday, worked"
    saved = AuditEntry.objects.get(action="calendar_exception_save")
    assert saved.user == users["admin"] and saved.detail["date"] == "2019-09-27"

    exception = CalendarException.objects.get()
    response = admin.post(f"/admin/org/calendarexception/{exception.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.early_finish == date(2019, 9, 27)
    assert AuditEntry.objects.filter(action="calendar_exception_delete").count() == 1


@pytest.mark.parametrize("role", ["town", "department", "leader"])
def test_only_the_office_changes_the_calendar(design, city, users, role):
    exception = CalendarException(city=city, date=date(2019, 9, 27), working=False)
    with pytest.raises(PermissionDenied):
        calendar_exception_save(actor=users[role], exception=exception)
    assert not CalendarException.objects.exists()
    assert AuditEntry.objects.filter(action="calendar_exception_save", allowed=False).count() == 1
    stored = calendar_exception_save(actor=users["supervisor"], exception=exception)
    with pytest.raises(PermissionDenied):
        calendar_exception_delete(actor=users[role], exception=stored)
    assert CalendarException.objects.count() == 1
