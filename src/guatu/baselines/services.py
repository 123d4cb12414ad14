"""Freezing baselines and the 节点调整 workflow: propose → review → approve or reject.

A town or department proposes for items it answers for (``can_propose_adjustment``); the
supervision office reviews and forwards with its opinion; a leader approves or
rejects. The office may propose too (it can no longer edit an approved node
directly, ``guard``): its request starts reviewed, with its reason as the
opinion, and still waits for a leader. Evidence files (PDF, photos) are
checked and stored with the request, in the same transaction.

Until a leader approves, nothing of the plan changes — the lights go on
judging against the approved nodes. Approval applies the change, reschedules,
and freezes a new baseline, all in one transaction; every step is audited
and refused to anyone else.
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.access import (
    can_decide_adjustment,
    can_freeze_baseline,
    can_propose_adjustment,
    is_supervisor,
    require,
)
from guatu.audit.services import audit_record
from guatu.baselines.evidence import check_evidence, evidence_files_delete, save_evidence
from guatu.baselines.models import Adjustment, Baseline, BaselineItem
from guatu.common.events import AdjustmentChanged, publish
from guatu.core.baselines import PlanRow
from guatu.progress.services import length_problem
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import planned_schedule
from guatu.projects.services import work_item_change

#: The longest reason, evidence text or opinion an adjustment keeps (its fields' max_length).
TEXT_LIMIT = 2000

__all__ = [
    "adjustment_attach",
    "adjustment_decide",
    "adjustment_propose",
    "adjustment_review",
    "baseline_freeze",
    "baseline_rows",
    "current_rows",
]


def baseline_freeze(*, project: Project, actor, name: str) -> Baseline:
    """Freeze the project's plan as it stands now (the office or a leader)."""
    require(can_freeze_baseline(actor), user=actor, action="baseline_freeze", target=project)
    return _freeze(project=project, actor=actor, name=name)


def _freeze(*, project: Project, actor, name: str) -> Baseline:
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)  # numbers in order
        number = (project.baselines.aggregate(top=Max("number"))["top"] or 0) + 1
        links = [
            [p, s, t, lag]
            for p, s, t, lag in Dependency.objects.filter(predecessor__project=project)
            .order_by("predecessor__code", "successor__code")
            .values_list("predecessor__code", "successor__code", "type", "lag_days")
        ]
        baseline = Baseline.objects.create(
            project=project, number=number, name=name[:100], created_by=actor, links=links
        )
        planned = planned_schedule(project)  # the plan's own late dates, nothing reported
        BaselineItem.objects.bulk_create(
            BaselineItem(
                baseline=baseline,
                work_item=item,
                code=item.code,
                name=item.name,
                planned_start=item.planned_start,
                duration_days=item.duration_days,
                deadline=item.deadline,
                # The plan as agreed (计划), not the schedule from the data date: what
                # 序时进度 is measured against then, and what an adjustment changes.
                early_start=planned[item.pk]["early_start"],
                early_finish=planned[item.pk]["early_finish"],
                late_start=planned[item.pk]["late_start"],
                late_finish=planned[item.pk]["late_finish"],
            )
            for item in project.work_items.order_by("order", "code")
        )
        audit_record(
            user=actor,
            action="baseline_freeze",
            target=project,
            detail={"number": number, "name": name},
        )
    return baseline


def _plan_row(row) -> PlanRow:
    """A work item, or a baseline's frozen copy of one (the same field names), as a plan row."""
    return PlanRow(
        row.code,
        row.name,
        row.planned_start,
        row.duration_days,
        row.deadline,
        getattr(row, "plan_finish", row.early_finish),  # a work item's plan, as frozen
        getattr(row, "plan_start", row.early_start),
    )


def baseline_rows(baseline: Baseline) -> list[PlanRow]:
    return [_plan_row(item) for item in baseline.items.order_by("id")]


def current_rows(project: Project) -> list[PlanRow]:
    return [_plan_row(item) for item in project.work_items.order_by("order", "code")]


def adjustment_propose(
    *,
    actor,
    work_item: WorkItem,
    reason: str,
    new_deadline: date | None = None,
    new_duration_days: int | None = None,
    evidence: str = "",
    files: Sequence = (),
) -> Adjustment:
    """A town or department asks to move its item's node or change its duration."""
    require(
        can_propose_adjustment(actor, work_item),
        user=actor,
        action="adjustment_propose",
        target=work_item,
    )
    errors: dict[str, list[str]] = {}
    checked, problems = check_evidence(files)
    if problems:
        errors["files"] = problems
    if not reason.strip():
        errors["reason"] = [_("Say why the node must move.")]
    for field, text in (("reason", reason), ("evidence", evidence)):
        if problem := length_problem(text.strip(), TEXT_LIMIT):
            errors.setdefault(field, []).append(problem)
    changes_node = new_deadline is not None and new_deadline != work_item.deadline
    changes_duration = (
        new_duration_days is not None and new_duration_days != work_item.duration_days
    )
    if not (changes_node or changes_duration):
        errors["new_deadline"] = [_("Propose a new time node or a new duration.")]
    if new_duration_days is not None and new_duration_days < 0:
        errors["new_duration_days"] = [_("A duration cannot be negative.")]
    if Adjustment.objects.filter(
        work_item=work_item, status__in=[Adjustment.Status.PENDING, Adjustment.Status.REVIEWED]
    ).exists():
        errors.setdefault("new_deadline", []).append(
            _("This item already has a request awaiting a decision.")
        )
    if errors:
        raise ValidationError(errors)
    office = is_supervisor(actor)
    written: list = []
    try:
        with transaction.atomic():
            adjustment = Adjustment.objects.create(
                project=work_item.project,
                work_item=work_item,
                old_deadline=work_item.deadline,
                new_deadline=new_deadline if changes_node else None,
                old_duration_days=work_item.duration_days,
                new_duration_days=new_duration_days if changes_duration else None,
                reason=reason.strip(),
                evidence=evidence.strip(),
                proposed_by=actor,
                # The office's own request needs no office review: it goes to a leader.
                status=Adjustment.Status.REVIEWED if office else Adjustment.Status.PENDING,
                review_note=reason.strip() if office else "",
                reviewed_by=actor if office else None,
                reviewed_at=timezone.now() if office else None,
            )
            save_evidence(adjustment, checked, actor, written)
            audit_record(
                user=actor,
                action="adjustment_propose",
                target=work_item,
                detail={
                    "adjustment": adjustment.pk,
                    "new_deadline": str(adjustment.new_deadline),
                    "new_duration_days": adjustment.new_duration_days,
                    "files": [record.name for record in written],
                },
            )
            publish(AdjustmentChanged(adjustment, adjustment.status))
    except BaseException:
        evidence_files_delete(written)  # written before the commit that failed
        raise
    return adjustment


def adjustment_attach(*, actor, adjustment: Adjustment, files: Sequence) -> list:
    """Add evidence to an open request (its proposer, before a leader decides)."""
    require(
        adjustment.proposed_by_id == actor.pk
        and adjustment.status in (Adjustment.Status.PENDING, Adjustment.Status.REVIEWED),
        user=actor,
        action="adjustment_attach",
        target=adjustment,
    )
    written: list = []
    try:
        with transaction.atomic():
            locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
            checked, problems = check_evidence(files, already=locked.files.count())
            if problems or not checked:
                raise ValidationError({"files": problems or [_("Choose a file.")]})
            save_evidence(locked, checked, actor, written)
            audit_record(
                user=actor,
                action="adjustment_attach",
                target=locked,
                detail={"files": [record.name for record in written]},
            )
    except BaseException:
        evidence_files_delete(written)
        raise
    return written


def adjustment_review(*, actor, adjustment: Adjustment, note: str) -> Adjustment:
    """The office reviews a pending request and forwards it, with its opinion, to a leader."""
    require(is_supervisor(actor), user=actor, action="adjustment_review", target=adjustment)
    with transaction.atomic():
        locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if locked.status != Adjustment.Status.PENDING:
            raise ValidationError(_("Only a request awaiting review can be reviewed."))
        if not note.strip():
            raise ValidationError({"review_note": [_("Give the office's opinion.")]})
        if problem := length_problem(note.strip(), TEXT_LIMIT):
            raise ValidationError({"review_note": [problem]})
        locked.status = Adjustment.Status.REVIEWED
        locked.review_note = note.strip()
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save()
        audit_record(user=actor, action="adjustment_review", target=locked, detail={"note": note})
        publish(AdjustmentChanged(locked, locked.status))
    return locked


def adjustment_decide(
    *, actor, adjustment: Adjustment, approve: bool, note: str = ""
) -> Adjustment:
    """A leader approves (the plan changes and a new baseline is frozen) or rejects."""
    require(can_decide_adjustment(actor), user=actor, action="adjustment_decide", target=adjustment)
    with transaction.atomic():
        locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if locked.status != Adjustment.Status.REVIEWED:
            raise ValidationError(_("Only a request the office has reviewed can be decided."))
        if problem := length_problem(note.strip(), TEXT_LIMIT):
            raise ValidationError({"note": [problem]})
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        if approve:
            fields = {}
            if locked.new_deadline is not None:
                fields["deadline"] = locked.new_deadline
            if locked.new_duration_days is not None:
                fields["duration_days"] = locked.new_duration_days
            work_item_change(
                item=locked.work_item, actor=actor, action="adjustment_apply", **fields
            )
            locked.status = Adjustment.Status.APPROVED
            number = (
                Adjustment.objects.filter(
                    project=locked.project, status=Adjustment.Status.APPROVED
                ).count()
                + 1
            )
            locked.baseline = _freeze(
                project=locked.project,
                actor=actor,
                name=_("Node adjustment %(n)d: %(item)s")
                % {"n": number, "item": locked.work_item.name},
            )
        else:
            locked.status = Adjustment.Status.REJECTED
        locked.save()
        audit_record(
            user=actor,
            action="adjustment_decide",
            target=locked,
            detail={"approve": approve, "note": note},
        )
        publish(AdjustmentChanged(locked, locked.status))
    return locked
