"""Pages: thin views that call a selector and render a template."""

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.access import (
    can_manage_blocker,
    can_open_blocker,
    can_propose_adjustment,
    can_report,
    can_see_photos,
    is_supervisor,
    require,
    role_required,
)
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors
from guatu.core.status import LIGHT_NAMES, Reason
from guatu.org.clock import city_today
from guatu.org.models import Town
from guatu.org.selectors import default_city, default_city_or_404
from guatu.progress.joint import joint_milestone_state
from guatu.progress.models import Blocker, ProgressReport, ReportPhoto
from guatu.progress.overview import progress_overview
from guatu.progress.selectors import (
    blocker_overdue,
    blockers_open,
    latest_report_values,
    report_history,
)
from guatu.progress.services import (
    blocker_escalate,
    blocker_open,
    blocker_resolve,
    report_review,
    report_submit,
    status_rules_change,
)
from guatu.progress.status import (
    items_status,
    lights_by_project,
    projects_light,
    rules_in_force,
    status_table,
)
from guatu.projects.interchange import project_export_mspdi, project_import_upload
from guatu.projects.models import Project, WorkItem
from guatu.projects.plan_files import java_runtime
from guatu.projects.selectors import (
    critical_chains,
    project_dependencies,
    project_list,
    project_task_force,
    project_work_items,
)
from guatu.web.dashboard import dashboard, items_for
from guatu.web.forms import BlockerForm, MspdiImportForm, ReportForm, ResolveForm, RulesForm
from guatu.web.wallchart import (
    PAPERS,
    chart_choices,
    wallchart_pdf,
    wallchart_screen,
    wallchart_sheets,
    wallchart_svg,
)


@login_required
def project_list_view(request: HttpRequest) -> HttpResponse:
    projects = list(project_list())
    lights = projects_light(projects=projects)
    for project in projects:
        project.light = lights.get(project.pk, "")
    city = default_city()
    return render(
        request, "web/project_list.html", {"projects": projects, "today": city_today(city)}
    )


#: Rows of the work-item table per page; the wall chart above it shows every item.
TABLE_ROWS = 200
RECENT_REPORTS = 20


@login_required
def project_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related("owner_department", "city"), code=code
    )
    items = list(project_work_items(project=project))
    latest = latest_report_values(work_item_ids=[item.pk for item in items])
    table = status_table(items=Q(project=project), city=project.city)
    statuses = table.statuses()
    page = Paginator(items, TABLE_ROWS).get_page(request.GET.get("page"))
    rows = [(item, latest.get(item.pk), statuses.get(item.pk)) for item in page]
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
            "open_adjustments": project.adjustments.filter(
                status__in=["pending", "reviewed"]
            ).count(),
            "rows": rows,
            "page": page,
            "critical_chains": critical_chains(items=items),
            "late_items": late_items,
            "project_light": project_light,
            "early_warning": _("early warning"),
            "no_forecast": _("no forecast"),
            "chart": wallchart_screen(
                project=project, items=items, statuses=statuses, **_chart_options(request)
            ),
            **chart_choices(),
            **_chart_options(request),
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


@login_required
def item_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        WorkItem.objects.select_related("project__city", "town", "owner_department", "phase"),
        pk=pk,
    )
    user = request.user
    report_form = ReportForm(item=item, initial={"reported_on": city_today(item.project.city)})
    blocker_form = BlockerForm(initial={"owner_department": item.owner_department_id})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "report":
                require(can_report(user, item), user=user, action="report_submit", target=item)
                report_form = ReportForm(request.POST, request.FILES, item=item)
                if report_form.is_valid():
                    data = report_form.cleaned_data
                    report_submit(
                        work_item=item,
                        reported_by=user,
                        reported_on=data["reported_on"],
                        quantity=data.get("quantity"),
                        unit=data.get("unit") or "",
                        percent=data.get("percent"),
                        note=data["note"],
                        above_target=data["above_target"],
                        supersedes=data["supersedes"],
                        correction_reason=data["correction_reason"],
                        photos=data["photos"],
                    )
                    messages.success(request, _("Report saved."))
                    return redirect("web:item-detail", pk=item.pk)
            elif action == "blocker":
                require(can_open_blocker(user, item), user=user, action="blocker_open", target=item)
                blocker_form = BlockerForm(request.POST)
                if blocker_form.is_valid():
                    data = blocker_form.cleaned_data
                    blocker_open(
                        actor=user,
                        work_item=item,
                        description=data["description"],
                        owner_department=data["owner_department"],
                        responsible_person=data["responsible_person"],
                        opened_on=city_today(item.project.city),
                        due_on=data["due_on"],
                    )
                    messages.success(request, _("Blocker opened."))
                    return redirect("web:item-detail", pk=item.pk)
            elif action == "review":
                report = get_object_or_404(
                    ProgressReport, pk=request.POST.get("report"), work_item=item
                )
                report_review(
                    actor=user,
                    report=report,
                    confirm=request.POST.get("decision") == "confirm",
                    note=request.POST.get("note", "")[:2000],
                )
                messages.success(request, _("Review recorded."))
                return redirect("web:item-detail", pk=item.pk)
            elif action in ("resolve", "escalate"):
                blocker = get_object_or_404(Blocker, pk=request.POST.get("blocker"), work_item=item)
                if action == "escalate":
                    blocker_escalate(actor=user, blocker=blocker)
                else:
                    resolve = ResolveForm(request.POST)
                    if not resolve.is_valid():
                        raise ValidationError(_("Enter the resolution."))
                    blocker_resolve(
                        actor=user,
                        blocker=blocker,
                        resolution=resolve.cleaned_data["resolution"],
                        resolved_on=city_today(item.project.city),
                    )
                return redirect("web:item-detail", pk=item.pk)
        except ValidationError as error:
            if action == "review":
                for problem in error.messages:
                    messages.error(request, problem)
            else:
                apply_errors(blocker_form if action == "blocker" else report_form, error)
    status = items_status(items=[item]).get(item.pk)
    today = city_today(item.project.city)
    return render(
        request,
        "web/item_detail.html",
        {
            "item": item,
            "status": status,
            "today": today,
            "history": report_history(work_item_id=item.pk),
            "blockers": item.blockers.select_related("owner_department").order_by("due_on"),
            "report_form": report_form if can_report(user, item) else None,
            "blocker_form": blocker_form if can_open_blocker(user, item) else None,
            "may_manage": {b.pk: can_manage_blocker(user, b) for b in item.blockers.all()},
            "may_review": is_supervisor(user),
            "may_see_photos": can_see_photos(user, item),
            "open_adjustment": item.adjustments.filter(status__in=["pending", "reviewed"]).first(),
            "may_propose": can_propose_adjustment(user, item),
        },
    )


@login_required
def town_list_view(request: HttpRequest) -> HttpResponse:
    city = default_city()
    ranking = progress_overview(city=city).towns() if city else []
    return render(
        request,
        "web/town_list.html",
        {
            "ranking": ranking,
            "today": city_today(city),
            "rules": rules_in_force(city, city_today(city))[2] if city else None,
        },
    )


@login_required
def town_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    town = get_object_or_404(Town.objects.select_related("city"), pk=pk)
    items = list(
        WorkItem.objects.filter(town=town)
        .select_related("project", "phase")
        .order_by("project__code", "order")
    )
    statuses = items_status(items=items)
    return render(
        request,
        "web/town_detail.html",
        {
            "town": town,
            "rows": [
                (item, statuses.get(item.pk), can_report(request.user, item)) for item in items
            ],
            "today": city_today(town.city),
        },
    )


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    city = default_city_or_404()
    today = city_today(city)
    current = rules_in_force(city, today)[2]
    initial = {"valid_from": today, "window_days": 28, "yellow_lag": 10, "red_lag": 30}
    if current:
        initial.update(
            yellow_lag=current.yellow_lag,
            red_lag=current.red_lag,
            window_days=current.window_days,
            s_curve=current.s_curve,
        )
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            status_rules_change(actor=request.user, city=city, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("New rules saved."))
            return redirect("web:rules")
    return render(
        request,
        "web/rules.html",
        {
            "form": form if is_supervisor(request.user) else None,
            "versions": city.status_rules.select_related("created_by").order_by("-version"),
            "current": current,
            "today": today,
        },
    )


@login_required
def photo_view(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Serve a site photo to those who may see it (never a public URL).

    *kind*: ``thumb``, ``full`` (the displayed copy with its 水印) or
    ``original`` (the file as uploaded, kept as evidence).
    """
    photo = get_object_or_404(ReportPhoto.objects.select_related("report__work_item"), pk=pk)
    require(
        can_see_photos(request.user, photo.report.work_item),
        user=request.user,
        action="photo_read",
        target=photo.report.work_item,
    )
    if kind == "thumb":
        return FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    if kind == "full" and photo.display:  # the copy with the 水印
        return FileResponse(photo.display.open("rb"), content_type="image/jpeg")
    if kind in ("full", "original"):  # the file as uploaded, EXIF and all
        return FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    raise Http404


def _chart_options(request: HttpRequest) -> dict:
    baseline = request.GET.get("baseline", "")
    return {
        "group": request.GET.get("group", "town"),
        "zoom": request.GET.get("zoom", "month"),
        "baseline": int(baseline) if baseline.isdigit() and len(baseline) < 6 else None,
    }


@login_required
def wallchart_fragment_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    options = _chart_options(request)
    return render(
        request,
        "web/_wallchart.html",
        {
            "project": project,
            "chart": wallchart_screen(project=project, **options),
            "baselines": list(project.baselines.values_list("number", "name")),
            **chart_choices(),
            **options,
        },
    )


@login_required
def wallchart_export_view(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The wall chart to print or keep.

    PDF: sheets of A3, A1 or A0 landscape (``paper``), tiled when the rows
    need more than one. SVG: the whole chart as one drawing, or with
    ``paper`` one sheet of it (``sheet``, from 1).
    """
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    options = _chart_options(request)
    group, baseline = options["group"], options["baseline"]
    paper = request.GET.get("paper", "").upper()
    if fmt not in ("pdf", "svg") or (paper and paper not in PAPERS):
        raise Http404
    if fmt == "pdf":
        paper = paper or "A3"
        response = HttpResponse(
            wallchart_pdf(project=project, paper=paper, group=group, baseline=baseline),
            content_type="application/pdf",
        )
        filename = f"{project.code}-wallchart-{paper}.pdf"
    elif paper:
        sheets = wallchart_sheets(project=project, paper=paper, group=group, baseline=baseline)
        try:
            number = int(request.GET.get("sheet", "1"))
        except ValueError:
            raise Http404 from None
        if not 1 <= number <= len(sheets):
            raise Http404
        response = HttpResponse(sheets[number - 1], content_type="image/svg+xml; charset=utf-8")
        filename = f"{project.code}-wallchart-{paper}-{number}.svg"
    else:
        response = HttpResponse(
            wallchart_svg(project=project, **_chart_options(request)),
            content_type="image/svg+xml; charset=utf-8",
        )
        filename = f"{project.code}-wallchart.svg"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    city = default_city()
    if city is None:
        return redirect("web:project-list")
    return render(request, "web/dashboard.html", {"board": dashboard(city=city)})


ITEM_LIST_LIMIT = 500


@login_required
def item_list_view(request: HttpRequest) -> HttpResponse:
    """The list behind a number on the dashboard: items filtered by light, town, warning."""
    light = request.GET.get("light")
    town = request.GET.get("town")
    warning = request.GET.get("warning") == "1"
    query = Q(kind=WorkItem.Kind.TASK)
    if town and town.isdigit():
        query &= Q(town_id=int(town))
    table = status_table(items=query)
    keep = np.ones(len(table.pks), dtype=bool)
    if light in LIGHT_NAMES:
        keep &= table.light == LIGHT_NAMES.index(light)
    if warning:
        keep &= table.result.reason == Reason.FORECAST
    chosen = np.flatnonzero(keep)
    chosen = chosen[np.argsort(-table.result.lag[chosen], kind="stable")]
    return render(
        request,
        "web/item_list.html",
        {
            "rows": items_for(table, chosen[:ITEM_LIST_LIMIT]),
            "total": len(chosen),
            "limit": ITEM_LIST_LIMIT,
            "light": light,
            "warning": warning,
            "town": Town.objects.filter(pk=town).first() if town and town.isdigit() else None,
            "today": city_today(default_city_or_404()),
        },
    )


@login_required
def blocker_board_view(request: HttpRequest) -> HttpResponse:
    """Open blockers by owner department, overdue first."""
    today = city_today(default_city_or_404())
    open_blockers = blockers_open().select_related("work_item__project", "owner_department", "town")
    by_department: dict = {}
    for blocker in sorted(
        open_blockers, key=lambda b: (not blocker_overdue(b, today=today), b.due_on)
    ):
        by_department.setdefault(blocker.owner_department, []).append(blocker)
    departments = sorted(
        by_department.items(),
        key=lambda pair: (-sum(blocker_overdue(b, today=today) for b in pair[1]), str(pair[0])),
    )
    return render(request, "web/blocker_board.html", {"departments": departments, "today": today})


@login_required
def item_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report form's own address (a link a town official can keep on the phone)."""
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=pk)
    require(can_report(request.user, item), user=request.user, action="report_form", target=item)
    return redirect(f"{reverse('web:item-detail', args=[item.pk])}#report")
