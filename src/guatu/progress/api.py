"""Projects, work items with their status, reports and blockers over the REST API.

Thin endpoints: parse input (the ``*In`` schemas), call one selector or
service, shape output (the ``*Out`` schemas). The services enforce the roles
and the reporting rules, so the API cannot do what the pages may not. Mounted
at the root of /api/v1/ by ``guatu.api.v1``, which keeps these operations' ids.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from guatu.access import can_see_photos
from guatu.common.bounds import Day, Percent, Quantity
from guatu.org.clock import city_today
from guatu.org.models import Department
from guatu.progress.models import Blocker, ProgressReport, ReportPhoto
from guatu.progress.nodes import item_flag
from guatu.progress.selectors import (
    blocker_overdue,
    report_counts,
    report_history,
    review_state,
)
from guatu.progress.services import (
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    blocker_open,
    report_submit,
)
from guatu.progress.status import ItemStatus, items_status, projects_light
from guatu.projects.api import GEOMETRY_OUT, MasterDataOut, master_data
from guatu.projects.models import Project, WorkItem
from guatu.projects.selectors import project_list, task_force_prefetch


class ProjectOut(MasterDataOut):
    code: str
    name: str
    programme: str
    start_date: date
    deadline: date | None
    owner_department: str
    light: str | None
    items: int
    early_finish: date | None = Field(description="The schedule's finish from its data date.")
    data_date: date | None = Field(description="The data date (数据日期) it is scheduled from.")


class ItemOut(Schema):
    id: int
    project: str
    code: str
    name: str
    kind: str
    town: str | None
    owner_department: str | None
    quantity_target: Decimal | None
    unit: str
    duration_days: int
    deadline: date | None
    plan_start: date | None = Field(description="计划开始: the plan as agreed, nothing reported.")
    plan_finish: date | None = Field(description="计划完成: the plan as agreed.")
    early_start: date | None = Field(
        description="Actual start once started, else from the data date."
    )
    early_finish: date | None = Field(
        description="Actual finish once done, else from the data date."
    )
    late_start: date | None
    late_finish: date | None
    total_float: int | None = Field(
        description="Working days; negative: misses its node by that many. None once done."
    )
    free_float: int | None
    critical: bool
    light: str | None
    reason: str | None
    warning: bool
    planned_percent: float | None
    actual_percent: float | None
    lag: float | None
    forecast_finish: date | None = Field(
        description="At the recent pace (the 预警), not the schedule: see early_finish."
    )
    flag: str | None
    geometry: dict[str, Any] | None = Field(None, description=GEOMETRY_OUT)


class PhotoOut(Schema):
    id: int
    url: str = Field(description="The displayed copy, with its 水印.")
    original_url: str = Field(description="The file as uploaded, EXIF included.")
    taken_at: str | None = Field(description="When the camera says it was taken (city time).")
    latitude: float | None
    longitude: float | None
    taken_early: bool = Field(
        description="The camera dates it more than 30 days before the report's date."
    )
    distance_m: int | None = Field(
        description="Metres from the camera's position to the item's (else the project's) "
        "place on the map; null when either is unknown."
    )
    far_from_site: bool = Field(
        description="Farther from the site than the city allows (拍摄位置距项目 N 米)."
    )


class ReportOut(Schema):
    id: int
    work_item: int
    reported_on: date
    percent_complete: Decimal
    quantity_done: Decimal | None
    quantity_entered: Decimal | None
    unit_entered: str
    note: str
    reported_by: str
    created_at: str
    supersedes: int | None
    superseded_by: int | None
    correction_reason: str
    above_target: bool
    review: str | None = Field(
        None,
        description="For a report above the target: awaiting, confirmed or rejected by the "
        "supervision office; null otherwise.",
    )
    counts: bool = Field(description="Whether the report counts for progress now.")
    photos: list[PhotoOut] = Field(
        default_factory=list,
        description="Site photos, for those who may see them (the item's town or department, "
        "leaders, the supervision office); empty for anyone else.",
    )


class ReportIn(Schema):
    reported_on: Day
    quantity: Quantity | None = None
    unit: str = ""
    percent: Percent | None = None
    note: str = Field("", max_length=NOTE_LIMIT)
    above_target: bool = Field(
        False,
        description="The work went beyond the target (超目标); explain why in the note. "
        "The report is flagged for the supervision office and counts once confirmed.",
    )


class CorrectionIn(ReportIn):
    reason: str = Field(max_length=NOTE_LIMIT)


class BlockerOut(Schema):
    id: int
    work_item: int
    town: str | None
    owner_department: str
    responsible_person: str
    description: str
    opened_on: date
    due_on: date
    status: str
    overdue: bool
    resolution: str
    resolved_on: date | None
    level: int = Field(description="Coordination level 1–4 (四级协调); /problems has the rest")
    category: str


class BlockerIn(Schema):
    work_item: int
    description: str = Field(min_length=1, max_length=DESCRIPTION_LIMIT)
    owner_department: int
    responsible_person: str = Field(min_length=1, max_length=50)
    due_on: Day


def _item_out(item: WorkItem, status: ItemStatus | None) -> ItemOut:
    return ItemOut(
        id=item.pk,
        project=item.project.code,
        code=item.code,
        name=item.name,
        kind=item.kind,
        town=item.town.name if item.town else None,
        owner_department=str(item.owner_department) if item.owner_department else None,
        quantity_target=item.quantity_target,
        unit=item.unit,
        duration_days=item.duration_days,
        deadline=item.deadline,
        plan_start=item.plan_start,
        plan_finish=item.plan_finish,
        early_start=item.early_start,
        early_finish=item.early_finish,
        late_start=item.late_start,
        late_finish=item.late_finish,
        total_float=item.total_float,
        free_float=item.free_float,
        critical=item.critical,
        light=status.light if status else None,
        reason=status.reason if status else None,
        warning=bool(status and status.warning),
        planned_percent=status.planned if status else None,
        actual_percent=status.actual if status else None,
        lag=status.lag if status else None,
        forecast_finish=status.forecast_finish if status else None,
        # The wall chart's rule: a task with a time node of its own is judged against it.
        flag=(item_flag(item, status, city_today(item.project.city)) or None) if status else None,
        geometry=item.geometry,
    )


def _photo_out(photo: ReportPhoto) -> PhotoOut:
    return PhotoOut(
        id=photo.pk,
        url=reverse("web:photo", args=[photo.pk, "full"]),
        original_url=reverse("web:photo", args=[photo.pk, "original"]),
        taken_at=timezone.localtime(photo.taken_at).isoformat() if photo.taken_at else None,
        latitude=photo.latitude,
        longitude=photo.longitude,
        taken_early=photo.taken_early,
        distance_m=photo.distance_m,
        far_from_site=photo.far_from_site,
    )


def _report_out(report: ProgressReport, *, photos: bool = False) -> ReportOut:
    superseded = getattr(report, "superseded_by", None)
    return ReportOut(
        id=report.pk,
        work_item=report.work_item_id,
        reported_on=report.reported_on,
        percent_complete=report.percent_complete,
        quantity_done=report.quantity_done,
        quantity_entered=report.quantity_entered,
        unit_entered=report.unit_entered,
        note=report.note,
        reported_by=report.reported_by.username,
        created_at=timezone.localtime(report.created_at).isoformat(),
        supersedes=report.supersedes_id,
        superseded_by=superseded.pk if superseded else None,
        correction_reason=report.correction_reason,
        above_target=report.above_target,
        review=review_state(report),
        counts=superseded is None and report_counts(report),
        photos=[_photo_out(photo) for photo in report.photos.all()] if photos else [],
    )


def _blocker_out(blocker: Blocker) -> BlockerOut:
    today = city_today(blocker.owner_department.city)
    return BlockerOut(
        id=blocker.pk,
        work_item=blocker.work_item_id,
        town=blocker.town.name if blocker.town else None,
        owner_department=str(blocker.owner_department),
        responsible_person=blocker.responsible_person,
        description=blocker.description,
        opened_on=blocker.opened_on,
        due_on=blocker.due_on,
        status=blocker.status,
        overdue=blocker_overdue(blocker, today=today),
        resolution=blocker.resolution,
        resolved_on=blocker.resolved_on,
        level=blocker.level,
        category=blocker.category,
    )


def _items(queryset) -> list[WorkItem]:
    return list(queryset.select_related("project__city", "town", "owner_department"))


router = Router()


@router.get("/projects", response=list[ProjectOut], summary="List projects with their light")
def projects(request):
    rows = list(
        project_list()
        .select_related("responsible_town", "leader")
        .prefetch_related(task_force_prefetch())
    )
    lights = projects_light(projects=rows)
    return [
        ProjectOut(
            code=p.code,
            name=p.name,
            programme=p.programme,
            start_date=p.start_date,
            deadline=p.deadline,
            owner_department=str(p.owner_department),
            light=lights.get(p.pk),
            items=p.item_count + p.milestone_count,
            early_finish=p.early_finish,
            data_date=p.scheduled_for,
            **master_data(p),
        )
        for p in rows
    ]


@router.get(
    "/projects/{code}/items",
    response=list[ItemOut],
    summary="A project's work items with schedule and status",
)
def project_items(request, code: str):
    project = get_object_or_404(Project, code=code)
    items = _items(project.work_items.order_by("order", "code"))
    statuses = items_status(items=items)
    return [_item_out(item, statuses.get(item.pk)) for item in items]


@router.get("/items/{item_id}", response=ItemOut, summary="One work item")
def item_detail(request, item_id: int):
    item = get_object_or_404(
        WorkItem.objects.select_related("project__city", "town", "owner_department"), pk=item_id
    )
    return _item_out(item, items_status(items=[item]).get(item.pk))


@router.get(
    "/items/{item_id}/reports",
    response=list[ReportOut],
    summary="Every report of an item, corrections included",
)
def item_reports(request, item_id: int):
    item = get_object_or_404(WorkItem, pk=item_id)
    photos = can_see_photos(request.user, item)
    history = report_history(work_item_id=item_id).select_related("superseded_by")
    if photos:
        history = history.prefetch_related("photos")
    return [_report_out(r, photos=photos) for r in history]


@router.post(
    "/items/{item_id}/reports",
    response={201: ReportOut},
    summary="Submit a progress report (town: own items; department: owned items)",
)
def submit_report(request, item_id: int, payload: ReportIn):
    item = get_object_or_404(WorkItem.objects.select_related("project__city"), pk=item_id)
    report = report_submit(
        work_item=item,
        reported_by=request.user,
        reported_on=payload.reported_on,
        quantity=payload.quantity,
        unit=payload.unit,
        percent=payload.percent,
        note=payload.note,
        above_target=payload.above_target,
    )
    return Status(201, _report_out(report))


@router.post(
    "/reports/{report_id}/correct",
    response={201: ReportOut},
    summary="Correct a report: a new report supersedes it; both stay in the history",
)
def correct_report(request, report_id: int, payload: CorrectionIn):
    original = get_object_or_404(
        ProgressReport.objects.select_related("work_item__project"), pk=report_id
    )
    report = report_submit(
        work_item=original.work_item,
        reported_by=request.user,
        reported_on=payload.reported_on,
        quantity=payload.quantity,
        unit=payload.unit,
        percent=payload.percent,
        note=payload.note,
        above_target=payload.above_target,
        supersedes=original,
        correction_reason=payload.reason,
    )
    return Status(201, _report_out(report))


@router.get("/blockers", response=list[BlockerOut], summary="Blockers, overdue first")
def blockers(request, status: str | None = None):
    rows = Blocker.objects.select_related("town", "owner_department__city")
    if status:
        rows = rows.filter(status=status)
    out = [_blocker_out(b) for b in rows.order_by("due_on", "id")]
    return sorted(out, key=lambda b: (not b.overdue, b.due_on))


@router.post("/blockers", response={201: BlockerOut}, summary="Open a blocker (卡点)")
def open_blocker(request, payload: BlockerIn):
    item = get_object_or_404(WorkItem.objects.select_related("project__city"), pk=payload.work_item)
    department = get_object_or_404(Department, pk=payload.owner_department)
    blocker = blocker_open(
        actor=request.user,
        work_item=item,
        description=payload.description,
        owner_department=department,
        responsible_person=payload.responsible_person,
        opened_on=city_today(item.project.city),
        due_on=payload.due_on,
    )
    return Status(201, _blocker_out(blocker))
