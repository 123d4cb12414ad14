"""Roles on the write services: town reports its own items only, departments what they own."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from guatu.audit.models import AuditEntry
from guatu.org.clock import city_today
from guatu.problems.services import (
    problem_assign,
    problem_close,
    problem_reply,
    problem_request_level,
)
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.services import (
    blocker_open,
    report_submit,
)

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)


@pytest.fixture
def items(make_item, towns, departments):
    return {
        "own": make_item("own", town=towns["石柱镇"], owner_department=departments["交通局"]),
        "other": make_item(
            "other", town=towns["前仓镇"], owner_department=departments["自然资源局"]
        ),
    }


def submit(user, item, percent=10):
    return report_submit(
        work_item=item, reported_by=user, reported_on=TODAY, percent=Decimal(percent), today=TODAY
    )


def test_a_town_reports_on_its_own_items_only(users, items):
    submit(users["town"], items["own"])
    with pytest.raises(PermissionDenied):
        submit(users["town"], items["other"])
    assert ProgressReport.objects.filter(work_item=items["other"]).count() == 0
    denied = AuditEntry.objects.get(allowed=False)
    assert denied.user == users["town"] and denied.action == "report_submit"


def test_a_department_reports_on_what_it_owns(users, items):
    submit(users["department"], items["own"])
    with pytest.raises(PermissionDenied):
        submit(users["department"], items["other"])


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_leaders_and_admins_read_only(users, items, role):
    with pytest.raises(PermissionDenied):
        submit(users[role], items["own"])


def test_the_supervisor_may_report_anywhere(users, items):
    report = submit(users["supervisor"], items["other"])
    stored = ProgressReport.objects.get(work_item=items["other"])
    assert stored == report and stored.reported_by == users["supervisor"]
    entry = AuditEntry.objects.get(action="report_submit")
    assert entry.allowed and entry.user == users["supervisor"]


def test_every_write_is_audited_and_the_log_cannot_be_rewritten(users, items):
    report = submit(users["town"], items["own"])
    entry = AuditEntry.objects.get(action="report_submit", allowed=True)
    assert entry.target_id == str(report.pk) and entry.channel == "cli"
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_blockers_by_role(users, items, departments):
    blocker = blocker_open(
        actor=users["town"],
        work_item=items["own"],
        description="3户未签约",
        owner_department=departments["交通局"],
        responsible_person="副镇长",
        opened_on=date(2019, 11, 1),
        due_on=date(2019, 11, 10),
    )
    with pytest.raises(PermissionDenied):
        blocker_open(
            actor=users["town"],
            work_item=items["other"],
            description="x",
            owner_department=departments["交通局"],
            responsible_person="y",
            opened_on=date(2019, 11, 1),
            due_on=date(2019, 11, 10),
        )
    # 销号 is the office's: a town answers (反馈) for its own item, it does not close.
    with pytest.raises(PermissionDenied):
        problem_close(actor=users["town"], blocker=blocker, text="已签约")
    problem_request_level(actor=users["town"], blocker=blocker, reason="需市级协调")
    problem_assign(
        actor=users["supervisor"],
        blocker=blocker,
        category="clearance",
        level=1,
        action_required="完成签约",
        owner_department=blocker.owner_department,
        responsible_person="副镇长",
        due_on=city_today(blocker.work_item.project.city),
    )
    problem_reply(actor=users["department"], blocker=blocker, text="已签约")
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.REPLIED
    problem_close(actor=users["supervisor"], blocker=blocker, text="现场核实已签约")
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.RESOLVED
    assert list(
        AuditEntry.objects.filter(allowed=True, action__regex=r"^(blocker|problem)_")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["blocker_open", "blocker_escalate", "problem_assign", "problem_reply", "problem_close"]


def test_only_the_office_changes_plans_and_every_refusal_is_audited(users, make_item, project):
    from guatu.projects.services import (
        Link,
        dependencies_add,
        joint_milestone_create,
        work_item_create,
        work_item_update,
    )

    a, b = make_item("a"), make_item("b")
    for role in ("town", "department", "leader"):
        user = users[role]
        attempts = [
            lambda user=user: work_item_create(
                project=project, code="x", name="新事项", actor=user
            ),
            lambda user=user: work_item_update(item=a, duration_days=99, actor=user),
            lambda user=user: dependencies_add(project=project, links=[Link(a, b)], actor=user),
            lambda user=user: joint_milestone_create(
                project=project, code="jf", name="同期交付", branches=[a, b], actor=user
            ),
        ]
        for attempt in attempts:
            before = AuditEntry.objects.filter(allowed=False, user=user).count()
            with pytest.raises(PermissionDenied):
                attempt()
            assert AuditEntry.objects.filter(allowed=False, user=user).count() == before + 1
    a.refresh_from_db()
    assert a.duration_days == 10
    assert not project.work_items.filter(code__in=["x", "jf"]).exists()
