"""Freezing baselines and the 节点调整 workflow: propose → review → approve or reject.

A town or department proposes for items it answers for (``can_propose_adjustment``); the
supervision office reviews and forwards with its opinion, returns it to its
proposer for revision (who revises and resubmits it), or refuses it; a leader
approves or rejects. Every step is kept (``AdjustmentStep``) and published
(``AdjustmentChanged``): notify tells the next actor and the proposer.
A request that would change nothing (a node later than the project's target
or than a following item's node, ``consequence``) is refused at its field.
The office may propose too (it can no longer edit an approved node directly):
its request starts reviewed, with its reason as the opinion, and still waits
for a leader. Evidence files (PDF, photos) are
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
from guatu.baselines.consequence import consequence, refuse_if_empty
from guatu.baselines.evidence import check_evidence, evidence_files_delete, save_evidence
from guatu.baselines.models import Adjustment, AdjustmentStep, Baseline, BaselineItem
from guatu.common.events import AdjustmentChanged, publish
from guatu.core.baselines import PlanRow
from guatu.progress.services import length_problem
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import planned_schedule
from guatu.projects.services import project_target_change, work_item_change

#: The longest reason, evidence text or opinion an adjustment keeps (its fields' max_length).
TEXT_LIMIT = 2000

__all__ = [
    "adjustment_attach",
    "adjustment_decide",
    "adjustment_propose",
    "adjustment_refuse",
    "adjustment_return",
    "adjustment_review",
    "adjustment_revise",
    "adjustment_withdraw",
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


def _request_problems(
    work_item: WorkItem,
    *,
    reason: str,
    evidence: str,
    new_deadline: date | None,
    new_duration_days: int | None,
    new_target_date: date | None,
) -> tuple[dict[str, list[str]], dict]:
    """The field errors of a request as written, and its changes (only what moves)."""
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why the node must move.")]
    for name, text in (("reason", reason), ("evidence", evidence)):
        if problem := length_problem(text.strip(), TEXT_LIMIT):
            errors.setdefault(name, []).append(problem)
    changes = {
        "new_deadline": new_deadline
        if new_deadline is not None and new_deadline != work_item.deadline
        else None,
        "new_duration_days": new_duration_days
        if new_duration_days is not None and new_duration_days != work_item.duration_days
        else None,
        "new_target_date": new_target_date
        if new_target_date is not None and new_target_date != work_item.project.deadline
        else None,
    }
    if changes["new_deadline"] is None and changes["new_duration_days"] is None:
        errors["new_deadline"] = [_("Propose a new time node or a new duration.")]
    if new_duration_days is not None and new_duration_days < 0:
        errors["new_duration_days"] = [_("A duration cannot be negative.")]
    if changes["new_duration_days"] is not None and work_item.kind == WorkItem.Kind.MILESTONE:
        errors["new_duration_days"] = [_("A time node (milestone) has no duration.")]
    project = work_item.project
    first = max(day for day in (project.start_date, work_item.planned_start) if day)
    if changes["new_deadline"] is not None and changes["new_deadline"] < first:
        errors.setdefault("new_deadline", []).append(
            _("The node cannot be before the work may start (%(day)s).")
            % {"day": first.isoformat()}
        )
    target = changes["new_target_date"]
    if target is not None:
        node = changes["new_deadline"]
        if project.deadline is not None and target < project.deadline:
            errors["new_target_date"] = [
                _("A request moves the project's target later only (now %(day)s).")
                % {"day": project.deadline.isoformat()}
            ]
        elif node is None or (project.deadline is not None and node <= project.deadline):
            errors["new_target_date"] = [
                _("Ask for the target only with a node later than the project's target.")
            ]
    if not errors:
        for name, problems in consequence(work_item, **changes).problems.items():
            errors.setdefault(name, []).extend(problems)
    return errors, changes


_AUDITED_AS = {
    AdjustmentStep.Action.WITHDRAWN: "adjustment_withdraw",
    AdjustmentStep.Action.RESUBMITTED: "adjustment_revise",
    AdjustmentStep.Action.REVIEWED: "adjustment_review",
    AdjustmentStep.Action.RETURNED: "adjustment_return",
    AdjustmentStep.Action.REFUSED: "adjustment_refuse",
}


def _step(adjustment: Adjustment, action: str, actor, note: str = "") -> None:
    """Keep the step, audit it, and tell who must hear of it (``AdjustmentChanged``)."""
    AdjustmentStep.objects.create(adjustment=adjustment, action=action, actor=actor, note=note)
    if audited := _AUDITED_AS.get(action):  # proposing and deciding audit their own details
        audit_record(
            user=actor,
            action=audited,
            target=adjustment,
            detail={"status": adjustment.status, "note": note[:300]},
        )
    publish(AdjustmentChanged(adjustment, adjustment.status, action))


def adjustment_propose(
    *,
    actor,
    work_item: WorkItem,
    reason: str,
    new_deadline: date | None = None,
    new_duration_days: int | None = None,
    new_target_date: date | None = None,
    evidence: str = "",
    files: Sequence = (),
) -> Adjustment:
    """A town or department asks to move its item's node or change its duration (and, for a
    node past the project's target, the target with it)."""
    require(
        can_propose_adjustment(actor, work_item),
        user=actor,
        action="adjustment_propose",
        target=work_item,
    )
    errors, changes = _request_problems(
        work_item,
        reason=reason,
        evidence=evidence,
        new_deadline=new_deadline,
        new_duration_days=new_duration_days,
        new_target_date=new_target_date,
    )
    checked, problems = check_evidence(files)
    if problems:
        errors["files"] = problems
    if Adjustment.objects.filter(work_item=work_item, status__in=Adjustment.OPEN).exists():
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
                old_duration_days=work_item.duration_days,
                old_target_date=work_item.project.deadline,
                **changes,
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
                    "new_target_date": str(adjustment.new_target_date),
                    "files": [record.name for record in written],
                },
            )
            _step(adjustment, AdjustmentStep.Action.PROPOSED, actor, reason.strip())
    except BaseException:
        evidence_files_delete(written)  # written before the commit that failed
        raise
    return adjustment


def adjustment_revise(
    *,
    actor,
    adjustment: Adjustment,
    reason: str,
    new_deadline: date | None = None,
    new_duration_days: int | None = None,
    new_target_date: date | None = None,
    evidence: str = "",
    files: Sequence = (),
) -> Adjustment:
    """Its proposer revises a request the office returned and sends it again for review."""
    require(
        adjustment.proposed_by_id == actor.pk
        and can_propose_adjustment(actor, adjustment.work_item),
        user=actor,
        action="adjustment_revise",
        target=adjustment,
    )
    written: list = []
    try:
        with transaction.atomic():
            locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
            if locked.status != Adjustment.Status.RETURNED:
                raise ValidationError(_("Only a request returned for revision can be revised."))
            item = WorkItem.objects.select_related("project").get(pk=locked.work_item_id)
            errors, changes = _request_problems(
                item,
                reason=reason,
                evidence=evidence,
                new_deadline=new_deadline,
                new_duration_days=new_duration_days,
                new_target_date=new_target_date,
            )
            checked, problems = check_evidence(files, already=locked.files.count())
            if problems:
                errors["files"] = problems
            if errors:
                raise ValidationError(errors)
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.old_deadline = item.deadline
            locked.old_duration_days = item.duration_days
            locked.old_target_date = item.project.deadline
            locked.reason, locked.evidence = reason.strip(), evidence.strip()
            locked.status = Adjustment.Status.PENDING
            locked.save()
            save_evidence(locked, checked, actor, written)
            _step(locked, AdjustmentStep.Action.RESUBMITTED, actor, reason.strip())
    except BaseException:
        evidence_files_delete(written)
        raise
    return locked


def adjustment_withdraw(*, actor, adjustment: Adjustment, note: str = "") -> Adjustment:
    """Its proposer withdraws a request still open (awaiting the office, a leader, or its
    own revision): the item is free for a new request, and who was to act hears of it."""
    require(
        adjustment.proposed_by_id == actor.pk,
        user=actor,
        action="adjustment_withdraw",
        target=adjustment,
    )
    with transaction.atomic():
        locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if not locked.is_open:
            raise ValidationError(_("Only an open request can be withdrawn."))
        if problem := length_problem(note.strip(), TEXT_LIMIT):
            raise ValidationError({"note": [problem]})
        locked.status = Adjustment.Status.WITHDRAWN
        locked.save()
        _step(locked, AdjustmentStep.Action.WITHDRAWN, actor, note.strip())
    return locked


def adjustment_attach(*, actor, adjustment: Adjustment, files: Sequence) -> list:
    """Add evidence to an open request (its proposer, before a leader decides)."""
    require(
        adjustment.proposed_by_id == actor.pk and adjustment.is_open,
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


def _office_note(note: str, field: str, missing: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError({field: [missing]})
    if problem := length_problem(note, TEXT_LIMIT):
        raise ValidationError({field: [problem]})
    return note


def _office_step(*, actor, adjustment: Adjustment, note: str, to: str, action: str, missing: str):
    """The office's step on a request awaiting its review: to a leader, back, or refused."""
    require(is_supervisor(actor), user=actor, action=_AUDITED_AS[action], target=adjustment)
    with transaction.atomic():
        locked = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        # A request returned and left unanswered may be refused (closed), or its item
        # would stay locked for requests for good.
        allowed = (Adjustment.Status.PENDING,) + (
            (Adjustment.Status.RETURNED,) if to == Adjustment.Status.REFUSED else ()
        )
        if locked.status not in allowed:
            raise ValidationError(_("Only a request awaiting review can be reviewed."))
        text = _office_note(note, "review_note", missing)
        if to == Adjustment.Status.REVIEWED:
            # The plan may have moved since it was proposed: forward nothing empty.
            refuse_if_empty(
                consequence(
                    locked.work_item,
                    new_deadline=locked.new_deadline,
                    new_duration_days=locked.new_duration_days,
                    new_target_date=locked.new_target_date,
                )
            )
        locked.status = to
        locked.review_note = text
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save()
        _step(locked, action, actor, text)
    return locked


def adjustment_review(*, actor, adjustment: Adjustment, note: str) -> Adjustment:
    """The office reviews a pending request and forwards it, with its opinion, to a leader."""
    return _office_step(
        actor=actor,
        adjustment=adjustment,
        note=note,
        to=Adjustment.Status.REVIEWED,
        action=AdjustmentStep.Action.REVIEWED,
        missing=_("Give the office's opinion."),
    )


def adjustment_return(*, actor, adjustment: Adjustment, note: str) -> Adjustment:
    """The office sends a pending request back to its proposer, saying what to revise."""
    return _office_step(
        actor=actor,
        adjustment=adjustment,
        note=note,
        to=Adjustment.Status.RETURNED,
        action=AdjustmentStep.Action.RETURNED,
        missing=_("Say what the proposer must revise."),
    )


def adjustment_refuse(*, actor, adjustment: Adjustment, note: str) -> Adjustment:
    """The office refuses a pending request (it does not reach a leader), with its reason."""
    return _office_step(
        actor=actor,
        adjustment=adjustment,
        note=note,
        to=Adjustment.Status.REFUSED,
        action=AdjustmentStep.Action.REFUSED,
        missing=_("Say why the request is refused."),
    )


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
            item = WorkItem.objects.select_related("project").get(pk=locked.work_item_id)
            refuse_if_empty(
                consequence(
                    item,
                    new_deadline=locked.new_deadline,
                    new_duration_days=locked.new_duration_days,
                    new_target_date=locked.new_target_date,
                )
            )
            if locked.new_target_date is not None:
                project_target_change(
                    project=item.project,
                    actor=actor,
                    action="adjustment_apply",
                    deadline=locked.new_target_date,
                )
            fields = {}
            if locked.new_deadline is not None:
                fields["deadline"] = locked.new_deadline
            if locked.new_duration_days is not None:
                fields["duration_days"] = locked.new_duration_days
            work_item_change(item=item, actor=actor, action="adjustment_apply", **fields)
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
        _step(
            locked,
            AdjustmentStep.Action.APPROVED if approve else AdjustmentStep.Action.REJECTED,
            actor,
            note.strip(),
        )
    return locked
