"""The projects' pages: a project's page, its MSPDI import and export (the list: ``lists``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors
from guatu.investment.views_pages import project_panel
from guatu.org.clock import city_today
from guatu.progress.joint import joint_milestone_state
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.nodes import item_flag
from guatu.progress.selectors import latest_report_values
from guatu.progress.status import lights_by_project, status_table
from guatu.projects.interchange import project_export_mspdi, project_import_upload
from guatu.projects.models import Project
from guatu.projects.plan_files import java_runtime
from guatu.projects.selectors import (
    critical_chains,
    project_dependencies,
    project_task_force,
    project_work_items,
)
from guatu.web.forms import MspdiImportForm
from guatu.web.views.charts import chart_options
from guatu.web.wallchart import chart_choices, wallchart_screen

#: Rows of the work-item table per page; the wall chart above it shows every item.
TABLE_ROWS = 200
RECENT_REPORTS = 20


@login_required
def project_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("owner_department", "city", "leader"), code=code
    )
    items = list(project_work_items(project=project))
    latest = latest_report_values(work_item_ids=[item.pk for item in items])
    table = status_table(items=Q(project=project), city=project.city)
    statuses = table.statuses()
    page = Paginator(items, TABLE_ROWS).get_page(request.GET.get("page"))
    rows = [(item, latest.get(item.pk), statuses.get(item.pk)) for item in page]
    today = city_today(project.city)
    for item, _report, status in rows:  # the wall chart's flag, tasks' own nodes included
        item.flag_shown = item_flag(item, status, today)
    project_light = lights_by_project(table, [project.pk]).get(project.pk, "")
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
            "investment_panel": project_panel(project),
            "open_adjustments": project.adjustments.filter(
                status__in=["pending", "reviewed"]
            ).count(),
            "rows": rows,
            "page": page,
            "critical_chains": critical_chains(items=items),
            # 生成前期节点 (docs/PREWORK.md): offered before 开工 while the project has none.
            "prework_offered": project.planned_groundbreaking is not None
            and project.groundbreaking is None
            and not any(item.prework_code for item in items),
            "late_items": late_items,
            "project_light": project_light,
            "early_warning": _("early warning"),
            "no_forecast": _("no forecast"),
            "chart": wallchart_screen(
                project=project, items=items, statuses=statuses, **chart_options(request)
            ),
            **chart_choices(),
            **chart_options(request),
            "baselines": list(project.baselines.values_list("number", "name")),
            "today": city_today(project.city),
            "task_force": project_task_force(project=project),
            "dependencies": project_dependencies(project=project).filter(
                successor__in=[item.pk for item in page]
            ),
            "joint_milestones": [
                joint_milestone_state(milestone=item) for item in items if item.joint
            ],
            "blockers": Blocker.objects.filter(work_item__project=project).select_related(
                "work_item", "town", "owner_department"
            ),
            "recent_reports": ProgressReport.objects.filter(work_item__project=project)
            .select_related("work_item", "reported_by", "supersedes")
            .order_by("-created_at", "-id")[:RECENT_REPORTS],
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
        try:
            project = project_import_upload(
                upload=data["file"],
                code=data["code"],
                name=data["name"] or None,
                city=data["owner_department"].city,
                owner_department=data["owner_department"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Imported “%(name)s”.") % {"name": project.name})
            return redirect("web:project-detail", code=project.code)
    return render(
        request, "web/project_import.html", {"form": form, "java": java_runtime() is not None}
    )
