"""Plan endpoints of the REST API: import a contractor's plan, export a project's.

The import runs the same service as the page (``project_import_upload``): the
plan is scheduled to the minute and imported only if every value it stores is
reproduced; a refusal is a 400 whose message names the task and the reason.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.org.models import Department
from guatu.projects.interchange import project_export_mspdi, project_import_upload
from guatu.projects.models import Dependency, Project

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
