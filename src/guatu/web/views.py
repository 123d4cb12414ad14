"""Pages: thin views that call a selector and render a template."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guatu.accounts.models import Role
from guatu.progress.models import Blocker
from guatu.progress.selectors import latest_reports
from guatu.projects.interchange import project_export_mspdi, project_import_mspdi
from guatu.projects.models import Project
from guatu.projects.selectors import (
    critical_chains,
    joint_milestone_state,
    project_dependencies,
    project_list,
    project_task_force,
    project_work_items,
)
from guatu.web.access import role_required
from guatu.web.forms import MspdiImportForm


@login_required
def project_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/project_list.html", {"projects": project_list()})


@login_required
def project_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("owner_department", "city"), code=code
    )
    items = list(project_work_items(project=project))
    latest = latest_reports(work_item_ids=[item.pk for item in items])
    rows = [(item, latest.get(item.pk)) for item in items]
    late_items = sorted(
        (item for item in items if item.total_float is not None and item.total_float < 0),
        key=lambda item: item.total_float,
    )
    for item in late_items:
        item.days_late = -item.total_float
    return render(
        request,
        "web/project_detail.html",
        {
            "project": project,
            "rows": rows,
            "critical_chains": critical_chains(items=items),
            "late_items": late_items,
            "task_force": project_task_force(project=project),
            "dependencies": project_dependencies(project=project),
            "joint_milestones": [
                joint_milestone_state(milestone=item) for item in items if item.joint
            ],
            "blockers": Blocker.objects.filter(work_item__project=project).select_related(
                "work_item", "town", "owner_department"
            ),
        },
    )


@login_required
def project_export_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project, code=code)
    response = HttpResponse(project_export_mspdi(project=project), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{project.code}.xml"'
    return response


@role_required(Role.SUPERVISOR)
def project_import_view(request: HttpRequest) -> HttpResponse:
    form = MspdiImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.xml"
            path.write_bytes(data["file"].read())
            try:
                project = project_import_mspdi(
                    path=path,
                    code=data["code"],
                    name=data["name"] or None,
                    city=data["owner_department"].city,
                    owner_department=data["owner_department"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Imported “%(name)s”.") % {"name": project.name})
                return redirect("web:project-detail", code=project.code)
    return render(request, "web/project_import.html", {"form": form})
