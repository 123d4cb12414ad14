"""Baselines and 节点调整 in the REST API: the same services, the same roles as the pages."""

from datetime import date, datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.baselines.asof import project_as_of
from guatu.baselines.consequence import consequence
from guatu.baselines.models import Adjustment, Baseline
from guatu.baselines.services import (
    adjustment_attach,
    adjustment_decide,
    adjustment_propose,
    adjustment_refuse,
    adjustment_return,
    adjustment_review,
    adjustment_revise,
    adjustment_withdraw,
    baseline_rows,
)
from guatu.baselines.workbook import as_of_filename, as_of_workbook
from guatu.common.bounds import Day, Days
from guatu.common.pages import xlsx_response
from guatu.common.times import LocalDateTime
from guatu.projects.models import Project, WorkItem

router = Router(tags=["baselines"])


class BaselineOut(Schema):
    number: int
    name: str
    created_at: datetime
    created_by: str
    items: int


class BaselineItemOut(Schema):
    code: str
    name: str
    planned_start: date | None
    duration_days: int
    deadline: date | None
    early_start: date | None
    early_finish: date | None


class BaselineDetailOut(BaselineOut):
    rows: list[BaselineItemOut]
    links: list[list]


class AdjustmentIn(Schema):
    new_deadline: Day | None = None
    new_duration_days: Days | None = None
    new_target_date: Day | None = None
    reason: str
    evidence: str = ""


class NoteIn(Schema):
    note: str = ""


class DecisionIn(NoteIn):
    approve: bool


class EvidenceFileOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class StepOut(Schema):
    action: str
    action_label: str
    actor: str
    note: str
    at: LocalDateTime


class AdjustmentOut(Schema):
    id: int
    project: str
    work_item: int
    status: str
    status_label: str
    old_deadline: date | None
    new_deadline: date | None
    old_duration_days: int | None
    new_duration_days: int | None
    old_target_date: date | None
    new_target_date: date | None
    reason: str
    review_note: str
    decision_note: str
    baseline: int | None
    files: list[EvidenceFileOut]
    steps: list[StepOut]


def _adjustment(row: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=row.pk,
        project=row.project.code,
        work_item=row.work_item_id,
        status=row.status,
        status_label=str(row.get_status_display()),
        old_deadline=row.old_deadline,
        new_deadline=row.new_deadline,
        old_duration_days=row.old_duration_days,
        new_duration_days=row.new_duration_days,
        old_target_date=row.old_target_date,
        new_target_date=row.new_target_date,
        reason=row.reason,
        review_note=row.review_note,
        decision_note=row.decision_note,
        baseline=row.baseline.number if row.baseline else None,
        files=[
            EvidenceFileOut(
                name=record.name,
                content_type=record.content_type,
                size=record.size,
                url=reverse("baselines:file", args=[record.pk]),
            )
            for record in row.files.all()
        ],
        steps=[
            StepOut(
                action=step.action,
                action_label=str(step.get_action_display()),
                actor=str(step.actor),
                note=step.note,
                at=step.at,
            )
            for step in row.steps.all()
        ],
    )


def _baseline(row: Baseline) -> BaselineOut:
    return BaselineOut(
        number=row.number,
        name=row.name,
        created_at=row.created_at,
        created_by=str(row.created_by),
        items=row.items.count(),
    )


@router.get(
    "/projects/{code}/baselines", response=list[BaselineOut], summary="A project's baselines"
)
def baselines(request, code: str):
    project = get_object_or_404(Project, code=code)
    return [_baseline(b) for b in project.baselines.select_related("created_by")]


@router.get(
    "/projects/{code}/baselines/{number}",
    response=BaselineDetailOut,
    summary="One baseline: every item as frozen, and the links",
)
def baseline(request, code: str, number: int):
    row = get_object_or_404(Baseline, project__code=code, number=number)
    rows = [BaselineItemOut(**vars(r)) for r in baseline_rows(row)]
    return BaselineDetailOut(**_baseline(row).dict(), rows=rows, links=row.links)


@router.get(
    "/projects/{code}/adjustments", response=list[AdjustmentOut], summary="节点调整 requests"
)
def adjustments(request, code: str):
    project = get_object_or_404(Project, code=code)
    rows = project.adjustments.select_related("project", "baseline")
    return [_adjustment(a) for a in rows.prefetch_related("files", "steps__actor")]


@router.post(
    "/items/{item_id}/adjustments",
    response={201: AdjustmentOut},
    summary="Request a node adjustment (the item's own town or department)",
)
def propose(request, item_id: int, payload: AdjustmentIn):
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=item_id)
    row = adjustment_propose(actor=request.user, work_item=item, **payload.dict())
    return Status(201, _adjustment(row))


@router.post(
    "/adjustments/{adjustment_id}/files",
    response={201: AdjustmentOut},
    summary="Attach evidence (PDFs, photos) to an open request (its proposer)",
)
def attach(request, adjustment_id: int, files: File[list[UploadedFile]]):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    adjustment_attach(actor=request.user, adjustment=row, files=files)
    return Status(201, _adjustment(Adjustment.objects.get(pk=row.pk)))


@router.post(
    "/adjustments/{adjustment_id}/review",
    response=AdjustmentOut,
    summary="Review a request and forward it to a leader (the supervision office)",
)
def review(request, adjustment_id: int, payload: NoteIn):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    return _adjustment(adjustment_review(actor=request.user, adjustment=row, note=payload.note))


@router.post(
    "/adjustments/{adjustment_id}/decide",
    response=AdjustmentOut,
    summary="Approve (the plan changes, a baseline is frozen) or reject (a city leader)",
)
def decide(request, adjustment_id: int, payload: DecisionIn):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    done = adjustment_decide(
        actor=request.user, adjustment=row, approve=payload.approve, note=payload.note
    )
    return _adjustment(done)


class AsOfRowOut(Schema):
    code: str
    name: str
    deadline_then: date | None
    deadline_now: date | None
    early_finish_then: date | None
    early_finish_now: date | None
    percent_then: str | None
    reported_then: date | None
    percent_now: str | None
    light_then: str | None = Field(description="not_started, green, yellow, red or done")
    light_now: str | None


class AsOfOut(Schema):
    date: date
    baseline: int | None
    rows: list[AsOfRowOut]


@router.get(
    "/projects/{code}/as-of",
    response=AsOfOut,
    summary="A project as it stood on a date: the plan then in force, the figures then known",
)
def as_of(request, code: str, date: Day):
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    result = project_as_of(project, date)

    def text(value):
        return None if value is None else str(value)

    return AsOfOut(
        date=result.day,
        baseline=result.baseline.number if result.baseline else None,
        rows=[
            AsOfRowOut(
                code=r.code,
                name=r.name,
                deadline_then=r.then.deadline if r.then else None,
                deadline_now=r.now.deadline if r.now else None,
                early_finish_then=r.then.early_finish if r.then else None,
                early_finish_now=r.now.early_finish if r.now else None,
                percent_then=text(r.percent_then),
                reported_then=r.reported_then,
                percent_now=text(r.percent_now),
                light_then=r.light_then,
                light_now=r.light_now,
            )
            for r in result.rows
        ],
    )


@router.get(
    "/projects/{code}/as-of.xlsx",
    response={200: None},
    summary="The as-of comparison, every baseline and every node adjustment (.xlsx)",
)
def as_of_xlsx(request, code: str, date: Day) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    return xlsx_response(as_of_workbook(project, date), as_of_filename(project, date))


@router.get(
    "/adjustments",
    response=list[AdjustmentOut],
    summary="Every 节点调整 request of the city, newest first (optionally in one status)",
)
def adjustments_all(request, status: str = ""):
    rows = Adjustment.objects.select_related("project", "baseline").prefetch_related(
        "files", "steps__actor"
    )
    if status:
        if status not in Adjustment.Status.values:
            raise HttpError(422, f"status: {', '.join(Adjustment.Status.values)}")
        rows = rows.filter(status=status)
    return [_adjustment(row) for row in rows[:500]]


@router.get(
    "/adjustments/{adjustment_id}",
    response=AdjustmentOut,
    summary="One request with its steps (who did what, and why)",
)
def adjustment_one(request, adjustment_id: int):
    return _adjustment(
        get_object_or_404(Adjustment.objects.select_related("project"), pk=adjustment_id)
    )


@router.post(
    "/adjustments/{adjustment_id}/return",
    response=AdjustmentOut,
    summary="Return a request to its proposer for revision, saying what (the office)",
)
def return_(request, adjustment_id: int, payload: NoteIn):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    return _adjustment(adjustment_return(actor=request.user, adjustment=row, note=payload.note))


@router.post(
    "/adjustments/{adjustment_id}/refuse",
    response=AdjustmentOut,
    summary="Refuse a request, with the reason; it does not reach a leader (the office)",
)
def refuse(request, adjustment_id: int, payload: NoteIn):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    return _adjustment(adjustment_refuse(actor=request.user, adjustment=row, note=payload.note))


@router.post(
    "/adjustments/{adjustment_id}/withdraw",
    response=AdjustmentOut,
    summary="Withdraw an open request (its proposer)",
)
def withdraw(request, adjustment_id: int, payload: NoteIn):
    row = get_object_or_404(Adjustment, pk=adjustment_id)
    return _adjustment(adjustment_withdraw(actor=request.user, adjustment=row, note=payload.note))


@router.post(
    "/adjustments/{adjustment_id}/revise",
    response=AdjustmentOut,
    summary="Revise a returned request and send it again (its proposer)",
)
def revise(request, adjustment_id: int, payload: AdjustmentIn):
    row = get_object_or_404(Adjustment.objects.select_related("work_item"), pk=adjustment_id)
    return _adjustment(adjustment_revise(actor=request.user, adjustment=row, **payload.dict()))


class NodeMoveOut(Schema):
    item: str
    before: date | None
    after: date | None


class ConsequenceOut(Schema):
    late_before: date | None
    late_after: date | None
    finish_before: date | None
    finish_after: date | None
    target_before: date | None
    target_after: date | None
    nodes: list[NodeMoveOut]
    problems: dict[str, list[str]]
    warnings: list[str]


@router.get(
    "/items/{item_id}/adjustments/consequence",
    response=ConsequenceOut,
    summary="What a request would change (before sending it): the item's latest finish, "
    "the project's finish and nodes, and why it would be refused",
)
def consequence_of(
    request,
    item_id: int,
    new_deadline: Day | None = None,
    new_duration_days: Days | None = None,
    new_target_date: Day | None = None,
):
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=item_id)
    found = consequence(
        item,
        new_deadline=new_deadline,
        new_duration_days=new_duration_days,
        new_target_date=new_target_date,
    )
    return ConsequenceOut(**{**vars(found), "nodes": [NodeMoveOut(**vars(n)) for n in found.nodes]})
