"""节点调整 from the outside of the service layer: roles, audit, the plan unchanged until a
leader approves, a new baseline on approval; and comparing baselines on a hand-made case."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guatu.audit.models import AuditEntry
from guatu.baselines.models import Adjustment, Baseline
from guatu.baselines.services import (
    adjustment_decide,
    adjustment_propose,
    adjustment_review,
    baseline_freeze,
    baseline_rows,
    current_rows,
)
from guatu.core.baselines import compare
from guatu.progress.status import items_status
from guatu.projects.services import Link, dependencies_add
from tests.office import office

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(project, make_item, users):
    land = make_item("zd", name="外迁征地", duration_days=20, deadline=date(2016, 8, 10))
    works = make_item("kg", name="开工", duration_days=10)
    dependencies_add(project=project, links=[Link(land, works, "FS", 0)], actor=office())
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复")
    land.refresh_from_db()
    return land, works, first


def propose(item, user, **fields):
    fields.setdefault("reason", "杆线迁改滞后")
    return adjustment_propose(actor=user, work_item=item, **fields)


def test_propose_review_approve_moves_the_node_and_freezes_a_baseline(plan, users):
    land, _works, first = plan
    request = propose(land, users["town"], new_deadline=date(2016, 8, 31), evidence="迁改协议")
    land.refresh_from_db()
    assert land.deadline == date(2016, 8, 10)  # nothing moves while pending
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意，报市领导")
    land.refresh_from_db()
    assert land.deadline == date(2016, 8, 10)  # nor while awaiting the leader
    done = adjustment_decide(actor=users["leader"], adjustment=request, approve=True, note="同意")
    land.refresh_from_db()
    assert land.deadline == date(2016, 8, 31) and done.status == Adjustment.Status.APPROVED
    assert done.baseline.number == 2 and Baseline.objects.count() == 2
    diff = compare(baseline_rows(first), baseline_rows(done.baseline))
    assert [(m.code, m.field, m.days) for m in diff.moved] == [("zd", "deadline", 21)]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"adjustment_propose", "adjustment_review", "adjustment_decide", "baseline_freeze",
            "adjustment_apply"} <= actions  # fmt: skip


def test_lights_judge_against_the_approved_node_while_a_request_is_pending(plan, users):
    land, _works, _first = plan
    day = date(2016, 8, 20)  # after the approved node of 8-10, before the proposed one

    def judged():
        land.refresh_from_db()
        status = items_status(items=[land], as_of=day)[land.pk]
        return status.light, status.flag, status.slip_days, status.planned

    before = judged()
    request = propose(land, users["town"], new_deadline=date(2016, 12, 31))
    assert judged() == before
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    assert judged() == before
    adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    assert judged() != before  # only the approved change moves the judgement


def test_a_rejected_request_changes_nothing(plan, users):
    land, _works, _first = plan
    request = propose(land, users["town"], new_duration_days=30)
    adjustment_review(actor=users["supervisor"], adjustment=request, note="理由不足")
    done = adjustment_decide(actor=users["leader"], adjustment=request, approve=False, note="驳回")
    land.refresh_from_db()
    assert done.status == Adjustment.Status.REJECTED and land.duration_days == 20
    assert Baseline.objects.count() == 1


@pytest.mark.parametrize("who", ["department", "leader"])
def test_only_the_own_town_department_or_office_may_propose(plan, users, who, departments):
    land, _works, _first = plan
    # 交通局 (the department user's) does not own this item: a 石柱镇 item with no owner.
    with pytest.raises(PermissionDenied):
        propose(land, users[who], new_deadline=date(2016, 9, 30))
    assert not Adjustment.objects.exists()


def test_only_the_office_reviews_and_only_a_leader_decides(plan, users):
    land, _works, _first = plan
    request = propose(land, users["town"], new_deadline=date(2016, 9, 30))
    for who in ("town", "department", "leader"):
        with pytest.raises(PermissionDenied):
            adjustment_review(actor=users[who], adjustment=request, note="x")
    with pytest.raises(ValidationError):  # not reviewed yet
        adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    for who in ("town", "department", "supervisor"):
        with pytest.raises(PermissionDenied):
            adjustment_decide(actor=users[who], adjustment=request, approve=True)
    request.refresh_from_db()
    assert request.status == Adjustment.Status.REVIEWED


def test_one_open_request_per_item_and_a_reason_is_required(plan, users):
    land, _works, _first = plan
    with pytest.raises(ValidationError) as raised:
        propose(land, users["town"], new_deadline=date(2016, 9, 30), reason=" ")
    assert "reason" in raised.value.message_dict
    propose(land, users["town"], new_deadline=date(2016, 9, 30))
    with pytest.raises(ValidationError):
        propose(land, users["town"], new_deadline=date(2016, 10, 30))
    assert Adjustment.objects.count() == 1


def test_comparison_counts_added_removed_and_moved(plan, users, project, make_item):
    _land, works, first = plan
    make_item("ys", name="验收", duration_days=2)
    works.delete()
    diff = compare(baseline_rows(first), current_rows(project))
    assert [row.code for row in diff.added] == ["ys"]
    assert [row.code for row in diff.removed] == ["kg"]
    assert diff.items_moved == 0 and diff.unchanged == 1


def test_an_approved_adjustment_costs_the_asking_unit_points_in_the_score(plan, users, city):
    from django.utils import timezone

    from guatu.supervision.models import Score
    from guatu.supervision.services import bulletin_draft, bulletin_publish

    land, _works, _first = plan
    request = propose(land, users["town"], new_deadline=date(2016, 8, 31))
    adjustment_review(actor=users["supervisor"], adjustment=request, note="同意")
    adjustment_decide(actor=users["leader"], adjustment=request, approve=True)
    week = timezone.localdate().isocalendar()
    period = f"{week.year}-W{week.week:02d}"
    draft = bulletin_draft(actor=users["supervisor"], city=city, period_text=period)
    assert draft.content["adjustments"][0]["days"] == 21
    bulletin_publish(actor=users["supervisor"], bulletin=draft)
    shizhu = Score.objects.get(period=period, town__name="石柱镇")
    assert shizhu.parts["adjustments"] == 1 and shizhu.parts["days_moved"] == 21
    parts, weights = shizhu.parts, shizhu.parts["weights"]
    without = 100 * sum(weights[k] * parts[k] for k in ("on_track", "timeliness", "blockers"))
    expected = without - parts["escalation_points"] - weights["adjustment"]
    assert float(shizhu.score) == pytest.approx(expected, abs=0.01)
