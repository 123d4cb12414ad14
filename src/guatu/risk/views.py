"""The project's risk page: the chance of each node, what drives it, and a what-if."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from guatu.org.clock import city_today
from guatu.org.selectors import default_city_or_404
from guatu.projects.models import Project
from guatu.risk.forms import WhatIfForm
from guatu.risk.services import WhatIf, nodes_at_risk, project_risk


def what_if_of(form: WhatIfForm) -> WhatIf:
    """The changes a valid form asks for (none if it is not valid)."""
    if not form.is_bound or not form.is_valid():
        return WhatIf()
    data = form.cleaned_data
    nodes = {data["node_item"].pk: data["node_date"]} if data.get("node_item") else {}
    extra = {data["delay_item"].pk: data["delay_days"]} if data.get("delay_item") else {}
    return WhatIf(nodes=nodes, extra_days=extra)


@login_required
def risk_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    asked = any(request.GET.get(name) for name in ("node_item", "delay_item"))
    form = WhatIfForm(request.GET if asked else None, project=project)
    what_if = what_if_of(form)
    risk = project_risk(project)
    tried = project_risk(project, what_if=what_if) if what_if else None
    rows = []
    if risk is not None:
        after = {row.item.pk: row for row in tried.nodes} if tried else {}
        rows = [(row, after.get(row.item.pk)) for row in risk.nodes]
    return render(
        request,
        "risk/project_risk.html",
        {"project": project, "risk": risk, "tried": tried, "rows": rows, "form": form},
    )


@login_required
def nodes_view(request: HttpRequest) -> HttpResponse:
    """The city's time nodes under even odds: a page, or the dashboard's card (htmx)."""
    city = default_city_or_404()
    rows = nodes_at_risk(city)
    fragment = request.GET.get("fragment") == "1"
    return render(
        request,
        "risk/_nodes_at_risk.html" if fragment else "risk/nodes_at_risk.html",
        {"rows": rows, "limit": 8 if fragment else 1000, "today": city_today(city)},
    )
