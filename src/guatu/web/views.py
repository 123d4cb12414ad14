"""Pages: thin views that call a selector and render a template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from guatu.progress.models import Blocker
from guatu.progress.selectors import latest_reports
from guatu.projects.models import Project
from guatu.projects.selectors import (
    critical_path,
    joint_milestone_state,
    project_dependencies,
    project_list,
    project_task_force,
    project_work_items,
)


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
            "critical_path": critical_path(items=items),
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
