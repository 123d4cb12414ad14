"""Plan endpoints of the REST API: import a contractor's plan, export a project's.

The import runs the same service as the page (``project_import_upload``): the
plan is scheduled to the minute and imported only if every value it stores is
reproduced; a refusal is a 400 whose message names the task and the reason.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.access import can_edit_places, require
from guatu.accounts.models import User
from guatu.common.bounds import Day, Days, Quantity
from guatu.core.limits import MAX_DAYS
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city
from guatu.projects.geometry import place_set
from guatu.projects.interchange import project_export_mspdi, project_import_upload
from guatu.projects.models import Dependency, Phase, Project, WorkItem
from guatu.projects.selectors import next_item_order, task_force_in_order
from guatu.projects.services import (
    MAX_INVESTMENT,
    Link,
    dependencies_add,
    project_create,
    project_update,
    work_item_create,
    work_item_update,
)

router = Router(tags=["plans"])
MSPDI = "application/xml"


class PlanImportOut(Schema):
    code: str
    name: str
    items: int
    links: int


@router.post(
    "/import",
    response={201: PlanImportOut},
    summary=(
        "Create a project from a plan (Microsoft Project .xml/.mpp/.mpx, Primavera "
        ".xer/.pmxml); refused, naming the task, unless every stored date and float is "
        "reproduced (the supervision office)"
    ),
)
def import_plan(
    request,
    file: File[UploadedFile],
    code: Form[str],
    owner_department: Form[int],
    name: Form[str] = "",
):
    department = get_object_or_404(Department, pk=owner_department)
    project = project_import_upload(
        upload=file,
        code=code,
        name=name or None,
        city=department.city,
        owner_department=department,
        actor=request.user,
    )
    items = project.work_items.count()
    links = Dependency.objects.filter(predecessor__project=project).count()
    return Status(
        201, PlanImportOut(code=project.code, name=project.name, items=items, links=links)
    )


@router.get(
    "/{code}.xml",
    summary="A project and its schedule as Microsoft Project XML",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {MSPDI: {}}}}},
)
def export_plan(request, code: str) -> HttpResponse:
    project = get_object_or_404(Project, code=code)
    response = HttpResponse(project_export_mspdi(project=project), content_type=MSPDI)
    response["Content-Disposition"] = f'attachment; filename="{project.code}.xml"'
    return response


# 新建 / 编辑项目 and its items and links: the same services as the office's pages, the
# admin and the ledger (``projects.services``), so every path checks the same things.
#: (method, path, view, options): added by ``guatu.api.v1`` to the router that reads the same
#: paths (``GET /projects``, ``GET /items/{id}``): one path, one router, in django-ninja.
EDIT_OPERATIONS: list[tuple[str, str, object, dict]] = []


def _edit(method: str, path: str, **options):
    def register(view):
        EDIT_OPERATIONS.append((method, path, view, {"tags": ["projects"], **options}))
        return view

    return register


#: 总投资 (万元) as sent: what DecimalField(14, 2) holds, never NaN or infinite.
Investment = Annotated[
    Decimal,
    Field(ge=0, le=MAX_INVESTMENT, max_digits=14, decimal_places=2, allow_inf_nan=False),
]
GEOMETRY_OUT = (
    "Its place on the map: a GeoJSON geometry (RFC 7946; Point, LineString, Polygon or "
    "Multi- of one), longitude-latitude in WGS84/CGCS2000; null when not placed."
)
GEOMETRY_IN = (
    "Its place on the map as a GeoJSON geometry, longitude first (WGS84/CGCS2000); null "
    "removes it. Checked: inside China, near the city, lines of two points or more, "
    "outlines closed and not crossing, at most 100,000 points (the office)."
)
_CODE_HELP = (
    "项目代码 of the 投资项目在线审批监管平台, YYYY-AAAAAA-BB-CC-NNNNNN (GB/T 40058); "
    "fullwidth digits are accepted. Judged against the city's division and this year; "
    "the check character's algorithm is not verified."
)


class LeaderOut(Schema):
    """The project's 包联市领导: a user of the city with the role leader."""

    id: int = Field(description="The leader's user id (what ``leader`` takes in a write).")
    name: str = Field(description="The leader's name as written.")


class TaskForceMemberOut(Schema):
    """A member of the project's 工作专班."""

    role: str = Field(
        description="lead (组长), deputy (副组长), leader (责任领导), unit_head (牵头单位负责人), "
        "resident (驻点干部), owner_liaison (业主联络人), builder_head (施工负责人), member (成员)"
    )
    role_label: str = Field(description="The role's name in the request's language.")
    name: str
    title: str
    unit: str = Field(description="Where the person works when not one of the city's departments.")
    department: str | None = Field(description="The city's department, when one.")
    phone: str


class MasterDataOut(Schema):
    """The project's master data (项目信息) as every project representation carries it."""

    project_code: str = Field(description="项目代码 (GB/T 40058), empty when not known.")
    builder: str = Field(description="建设单位")
    total_investment: Decimal | None = Field(description="总投资 (万元)")
    level: str = Field(description="provincial, city, county or empty")
    category: str = Field(description="new, continuing, completing, preparatory or empty")
    stage: str = Field(description="planning, started, building, operating or empty")
    planned_groundbreaking: date | None = Field(description="计划开工")
    planned_completion: date | None = Field(description="计划竣工")
    groundbreaking: date | None = Field(description="实际开工")
    main_content: str = Field(description="主要建设内容")
    responsible_leader: str
    responsible_town: str | None = Field(description="The responsible town's name.")
    preparation: str = Field(description="前期进展")
    lead_department: str = Field(description="牵头单位: the owner department's full name.")
    leader: LeaderOut | None = Field(description="包联市领导: the city leader who owns it.")
    task_force: list[TaskForceMemberOut] = Field(
        description="工作专班: the lead first, then the 五合一 roles, then the members."
    )
    geometry: dict[str, Any] | None = Field(description=GEOMETRY_OUT)


def leader_out(project: Project) -> dict | None:
    leader = project.leader
    if leader is None:
        return None
    return {"id": leader.pk, "name": leader.get_full_name() or leader.username}


def task_force_out(project: Project) -> list[dict]:
    """The 专班 in its order (``task_force_in_order``: prefetched rows are used as read)."""
    return [
        {
            "role": member.role,
            "role_label": str(member.get_role_display()),
            "name": member.name,
            "title": member.title,
            "unit": member.unit,
            "department": member.department.name if member.department_id else None,
            "phone": member.phone,
        }
        for member in task_force_in_order(project)
    ]


def master_data(project: Project) -> dict:
    """*project*'s master data as ``MasterDataOut`` takes them (one place for every API)."""
    return {
        "leader": leader_out(project),
        "task_force": task_force_out(project),
        "project_code": project.project_code,
        "builder": project.builder,
        "total_investment": project.total_investment,
        "level": project.level,
        "category": project.category,
        "stage": project.stage,
        "planned_groundbreaking": project.planned_groundbreaking,
        "planned_completion": project.planned_completion,
        "groundbreaking": project.groundbreaking,
        "main_content": project.main_content,
        "responsible_leader": project.responsible_leader,
        "responsible_town": project.responsible_town.name if project.responsible_town else None,
        "preparation": project.preparation,
        "lead_department": project.owner_department.name,
        "geometry": project.geometry,
    }


_LEADER_HELP = (
    "包联市领导: the user id of a city leader of the project's city (null: none); "
    "any other user is refused at this field."
)


class MasterDataIn(Schema):
    """The project's master data (项目信息), each optional; judged by ``project_check``."""

    project_code: str = Field("", max_length=60, description=_CODE_HELP)
    builder: str = Field("", max_length=100, description="建设单位")
    total_investment: Investment | None = Field(None, description="总投资 (万元)")
    level: str = Field("", max_length=12, description="provincial, city or county (省/市/县重点)")
    category: str = Field(
        "", max_length=12, description="new, continuing, completing or preparatory"
    )
    stage: str = Field("", max_length=12, description="planning, started, building, operating")
    planned_groundbreaking: Day | None = Field(None, description="计划开工")
    planned_completion: Day | None = Field(None, description="计划竣工")
    groundbreaking: Day | None = Field(None, description="实际开工")
    main_content: str = Field("", max_length=5000, description="主要建设内容")
    responsible_leader: str = Field("", max_length=50)
    responsible_town: int | None = Field(None, ge=1, le=2**62, description="A town's id")
    preparation: str = Field("", max_length=200, description="前期进展")
    leader: int | None = Field(None, ge=1, le=2**62, description=_LEADER_HELP)


class ProjectIn(MasterDataIn):
    code: str = Field(max_length=40)
    name: str = Field(max_length=100)
    owner_department: int = Field(ge=1, le=2**62)
    start_date: Day
    deadline: Day | None = None
    programme: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)
    calendar: str = "working_day"


class ProjectPatch(Schema):
    name: str | None = Field(None, max_length=100)
    owner_department: int | None = Field(None, ge=1, le=2**62)
    start_date: Day | None = None
    deadline: Day | None = None
    programme: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    project_code: str | None = Field(None, max_length=60, description=_CODE_HELP)
    builder: str | None = Field(None, max_length=100)
    total_investment: Investment | None = None
    level: str | None = Field(None, max_length=12)
    category: str | None = Field(None, max_length=12)
    stage: str | None = Field(None, max_length=12)
    planned_groundbreaking: Day | None = None
    planned_completion: Day | None = None
    groundbreaking: Day | None = None
    main_content: str | None = Field(None, max_length=5000)
    responsible_leader: str | None = Field(None, max_length=50)
    responsible_town: int | None = Field(None, ge=1, le=2**62)
    preparation: str | None = Field(None, max_length=200)
    leader: int | None = Field(None, ge=1, le=2**62, description=_LEADER_HELP)
    geometry: dict[str, Any] | None = Field(None, description=GEOMETRY_IN)


class ProjectEditOut(MasterDataOut):
    code: str
    name: str
    start_date: date
    deadline: date | None
    early_finish: date | None


class ItemIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    kind: str = "task"
    phase: str | None = None
    town: int | None = Field(None, ge=1, le=2**62)
    owner_department: int | None = Field(None, ge=1, le=2**62)
    quantity_target: Quantity | None = None
    unit: str = ""
    duration_days: Days = 0
    planned_start: Day | None = None
    deadline: Day | None = None
    fixed: bool = False


class ItemPatch(Schema):
    name: str | None = Field(None, max_length=120)
    duration_days: Days | None = None
    planned_start: Day | None = None
    deadline: Day | None = None
    town: int | None = Field(None, ge=1, le=2**62)
    owner_department: int | None = Field(None, ge=1, le=2**62)
    quantity_target: Quantity | None = None
    unit: str | None = None
    geometry: dict[str, Any] | None = Field(None, description=GEOMETRY_IN)


class ItemEditOut(Schema):
    id: int
    code: str
    name: str
    duration_days: int
    deadline: date | None
    early_finish: date | None
    late_finish: date | None
    geometry: dict[str, Any] | None = Field(description=GEOMETRY_OUT)


class LinkIn(Schema):
    predecessor: str = Field(max_length=40)
    successor: str = Field(max_length=40)
    type: str = "FS"
    lag_days: int = Field(0, ge=-MAX_DAYS, le=MAX_DAYS)


def _one(model, pk: int | None, field: str):
    """The city's own unit named by *pk*, or the refusal at *field* (another city's too)."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("Choose one of the project's city.")]})
    return found


#: Text fields a PATCH may clear with null: stored as "" (the model keeps no NULL text).
_TEXTS = frozenset(
    {"programme", "description", "project_code", "builder", "level", "category", "stage"}
    | {"main_content", "responsible_leader", "preparation"}
)


def _units(values: dict) -> dict:
    for name in _TEXTS & values.keys():
        if values[name] is None:
            values[name] = ""
    if "responsible_town" in values:
        values["responsible_town"] = _one(Town, values["responsible_town"], "responsible_town")
    if values.get("leader") is not None:
        # Another city's user is not found in this city (the scope): refused at the field.
        found = User.objects.filter(pk=values["leader"]).first()
        if found is None:
            raise ValidationError({"leader": [_("Choose a city leader of the project's city.")]})
        values["leader"] = found
    if "owner_department" in values:
        values["owner_department"] = _one(
            Department, values["owner_department"], "owner_department"
        )
    if "town" in values:
        values["town"] = _one(Town, values["town"], "town")
    if values.get("phase"):
        values["phase"] = Phase.objects.filter(code=values["phase"]).first() or _refuse_phase()
    return values


def _refuse_phase():
    raise ValidationError({"phase": [_("Unknown phase.")]})


def _project_out(project: Project) -> ProjectEditOut:
    project.refresh_from_db()
    return ProjectEditOut(
        code=project.code,
        name=project.name,
        start_date=project.start_date,
        deadline=project.deadline,
        early_finish=project.early_finish,
        **master_data(project),
    )


def _item_out(item: WorkItem) -> ItemEditOut:
    item.refresh_from_db()
    return ItemEditOut(
        id=item.pk,
        code=item.code,
        name=item.name,
        duration_days=item.duration_days,
        deadline=item.deadline,
        early_finish=item.early_finish,
        late_finish=item.late_finish,
        geometry=item.geometry,
    )


@_edit("POST", "/projects", response={201: ProjectEditOut}, summary="Create a project (the office)")
def project_new(request, payload: ProjectIn):
    values = _units(payload.dict())
    project = project_create(city=current_city(), actor=request.user, **values)
    return Status(201, _project_out(project))


@_edit(
    "GET",
    "/projects/{code}",
    response=ProjectEditOut,
    summary="One project with its master data (项目代码, 建设单位, 总投资 …)",
)
def project_one(request, code: str):
    project = get_object_or_404(
        Project.objects.select_related("owner_department", "responsible_town", "leader"),
        code=code,
    )
    return _project_out(project)


@_edit(
    "PATCH", "/projects/{code}", response=ProjectEditOut, summary="Change a project (the office)"
)
def project_edit(request, code: str, payload: ProjectPatch):
    project = get_object_or_404(Project, code=code)
    values = _units(payload.dict(exclude_unset=True))
    if "geometry" in values:  # refused before the transaction, so the refusal is audited
        require(
            can_edit_places(request.user), user=request.user, action="place_set", target=project
        )
    with transaction.atomic():
        if "geometry" in values:
            place_set(actor=request.user, target=project, geometry=values.pop("geometry"))
        if values:
            project = project_update(project=project, actor=request.user, **values)
    return _project_out(project)


@_edit(
    "POST",
    "/projects/{code}/items",
    response={201: ItemEditOut},
    summary="Add a work item to a project, rescheduled (the office)",
)
def item_new(request, code: str, payload: ItemIn):
    project = get_object_or_404(Project, code=code)
    values = _units(payload.dict())
    values["order"] = next_item_order(project=project)
    return Status(201, _item_out(work_item_create(project=project, actor=request.user, **values)))


@_edit(
    "PATCH",
    "/items/{item_id}",
    response=ItemEditOut,
    summary="Change a work item, rescheduled (the office)",
)
def item_edit(request, item_id: int, payload: ItemPatch):
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=item_id)
    values = _units(payload.dict(exclude_unset=True))
    if "geometry" in values:  # refused before the transaction, so the refusal is audited
        require(can_edit_places(request.user), user=request.user, action="place_set", target=item)
    with transaction.atomic():
        if "geometry" in values:
            place_set(actor=request.user, target=item, geometry=values.pop("geometry"))
        if values:
            item = work_item_update(item=item, actor=request.user, **values)
    return _item_out(item)


@_edit(
    "POST",
    "/projects/{code}/links",
    response={201: ProjectEditOut},
    summary="Add a link (前置关系) between two of the project's items by code (the office)",
)
def link_new(request, code: str, payload: LinkIn):
    project = get_object_or_404(Project, code=code)
    items = {item.code: item for item in project.work_items.all()}
    for field in ("predecessor", "successor"):
        if getattr(payload, field) not in items:
            raise ValidationError({field: [_("No work item of this project has this code.")]})
    dependencies_add(
        project=project,
        links=[
            Link(
                items[payload.predecessor], items[payload.successor], payload.type, payload.lag_days
            )
        ],
        actor=request.user,
    )
    return Status(201, _project_out(project))
