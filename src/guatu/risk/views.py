"""The project's risk page: the chance of each node, what drives it, and a what-if."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guatu.access import is_supervisor
from guatu.common.pages import apply_errors, xlsx_response
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project, WorkItem
from guatu.risk.estimates import estimate_clear, estimate_set
from guatu.risk.forms import EstimateForm, WhatIfForm
from guatu.risk.models import ThreePoint
from guatu.risk.services import (
    WhatIf,
    headlines,
    nodes_at_risk,
    project_risk,
    project_risk_cached,
    what_if_risk,
)
from guatu.risk.workbook import items_filename, items_workbook


def what_if_of(form: WhatIfForm) -> WhatIf:
    """The changes a valid form asks for (none if it is not valid)."""
    if not form.is_bound or not form.is_valid():
        return WhatIf()
    data = form.cleaned_data
    nodes = {data["node_item"].pk: data["node_date"]} if data.get("node_item") else {}
    extra = {data["delay_item"].pk: data["delay_days"]} if data.get("delay_item") else {}
    return WhatIf(nodes=nodes, extra_days=extra)


@login_required
def risk_view(request: HttpRequest, code: str, estimate_form=None) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    asked = any(request.GET.get(name) for name in ("node_item", "delay_item"))
    form = WhatIfForm(request.GET if asked else None, project=project)
    what_if = what_if_of(form)
    try:
        risk, tried = what_if_risk(project, what_if)
    except ValidationError as error:
        apply_errors(form, error)
        risk, tried = project_risk_cached(project), None
    rows = []
    if risk is not None:
        after = {row.item.pk: row for row in tried.nodes} if tried else {}
        rows = [(row, after.get(row.item.pk)) for row in risk.nodes]
    return render(
        request,
        "risk/project_risk.html",
        {
            "project": project,
            "risk": risk,
            "tried": tried,
            "headlines": headlines(risk, tried),
            "rows": rows,
            "form": form,
            "may_estimate": is_supervisor(request.user),
            "estimate_form": estimate_form or EstimateForm(project=project),
            "estimates": ThreePoint.objects.filter(work_item__project=project).select_related(
                "work_item", "set_by"
            ),
        },
    )


@login_required
def items_xlsx_view(request: HttpRequest, code: str) -> HttpResponse:
    """Every item's P10–P90, criticality, sensitivity and source, computed for the download."""
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    risk = project_risk(project, every_item=True)
    if risk is None:
        raise Http404(_("The project has no scheduled work items yet."))
    return xlsx_response(items_workbook(risk), items_filename(risk))


@login_required
@require_POST
def estimate_view(request: HttpRequest, code: str) -> HttpResponse:
    """Set an item's three-point estimate (the office); errors shown at their fields."""
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    form = EstimateForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            estimate_set(
                actor=request.user, item=data["work_item"], optimistic=data["optimistic"],
                most_likely=data["most_likely"], pessimistic=data["pessimistic"],
                shape=data["shape"], note=data["note"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("risk:project", code=project.code)
    return risk_view(request, code, estimate_form=form)


@login_required
@require_POST
def estimate_clear_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    item = get_object_or_404(WorkItem, pk=pk, project__code=code)
    estimate_clear(actor=request.user, item=item)
    messages.success(request, _("Saved."))
    return redirect("risk:project", code=code)


@login_required
def nodes_view(request: HttpRequest) -> HttpResponse:
    """The city's time nodes under even odds: a page, or the dashboard's card (htmx)."""
    city = current_city_or_404()
    rows = nodes_at_risk(city)
    fragment = request.GET.get("fragment") == "1"
    return render(
        request,
        "risk/_nodes_at_risk.html" if fragment else "risk/nodes_at_risk.html",
        {"rows": rows, "limit": 8 if fragment else 1000, "today": city_today(city)},
    )
