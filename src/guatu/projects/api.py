"""Plan endpoints of the REST API: import a contractor's plan, export a project's.

The import runs the same service as the page (``project_import_upload``): the
plan is scheduled to the minute and imported only if every value it stores is
reproduced; a refusal is a 400 whose message names the task and the reason.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.common.bounds import Day, Days, Quantity
from guatu.core.limits import MAX_DAYS
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city
from guatu.projects.interchange import project_export_mspdi, project_import_upload
from guatu.projects.models import Dependency, Phase, Project, WorkItem
from guatu.projects.selectors import next_item_order
from guatu.projects.services import (
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


class ProjectIn(Schema):
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


class ProjectEditOut(Schema):
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


class ItemEditOut(Schema):
    id: int
    code: str
    name: str
    duration_days: int
    deadline: date | None
    early_finish: date | None
    late_finish: date | None


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


def _units(values: dict) -> dict:
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
    )


@_edit("POST", "/projects", response={201: ProjectEditOut}, summary="Create a project (the office)")
def project_new(request, payload: ProjectIn):
    values = _units(payload.dict())
    project = project_create(city=current_city(), actor=request.user, **values)
    return Status(201, _project_out(project))


@_edit(
    "PATCH", "/projects/{code}", response=ProjectEditOut, summary="Change a project (the office)"
)
def project_edit(request, code: str, payload: ProjectPatch):
    project = get_object_or_404(Project, code=code)
    values = _units(payload.dict(exclude_unset=True))
    return _project_out(project_update(project=project, actor=request.user, **values))


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
    return _item_out(work_item_update(item=item, actor=request.user, **values))


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
