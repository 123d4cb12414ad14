"""The wall chart of a project: the fragment the project page reloads, and its export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from guatu.projects.models import Project
from guatu.web.wallchart import (
    PAPERS,
    chart_choices,
    wallchart_pdf,
    wallchart_screen,
    wallchart_sheets,
    wallchart_svg,
)


def chart_options(request: HttpRequest) -> dict:
    """The chart's grouping, zoom and compared baseline, as the query string asks."""
    baseline = request.GET.get("baseline", "")
    return {
        "group": request.GET.get("group", "town"),
        "zoom": request.GET.get("zoom", "month"),
        "baseline": int(baseline) if baseline.isdigit() and len(baseline) < 6 else None,
    }


@login_required
def wallchart_fragment_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    options = chart_options(request)
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
    options = chart_options(request)
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
            wallchart_svg(project=project, **chart_options(request)),
            content_type="image/svg+xml; charset=utf-8",
        )
        filename = f"{project.code}-wallchart.svg"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
