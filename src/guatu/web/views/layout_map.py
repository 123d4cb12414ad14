"""The printed 布局图: ``/map/print.pdf`` (or ``.svg``) of the map page's selection.

Whoever may see the map may print it (a signed-in user of the city; the lists and the
map show every role the whole city, and so does the print). The filters are the map
page's own (``views.map.FILTERS``: project, town, department, light), so a value the
page cannot use — another city's id among them, which is no row here — answers the
same 400 naming the filter; ``paper`` is A3 (the default), A1 or A0, anything else 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from guatu.common.listing import BadParameter
from guatu.common.pages import bad_query
from guatu.org.selectors import current_city_or_404
from guatu.web.geo import MapFilters
from guatu.web.layout_map import PAPERS, layout_pdf, layout_svg
from guatu.web.views.map import FILTERS

__all__ = ["layout_map_view"]


@require_safe
@login_required
def layout_map_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The 布局图 of the city (as filtered) on one sheet: PDF to print, SVG to keep."""
    paper = (request.GET.get("paper") or "A3").strip().upper()
    if fmt not in ("pdf", "svg") or paper not in PAPERS:
        raise Http404
    city = current_city_or_404()
    try:
        values = {f.key: f.read(request.GET) for f in FILTERS}
    except BadParameter as error:
        labels = {f.key: f.label for f in FILTERS}
        return bad_query(
            request,
            _("The map cannot filter by “%(label)s” = “%(value)s”: %(why)s")
            % {"label": labels.get(error.name, error.name), "value": error.value[:40],
               "why": error.why},
        )  # fmt: skip
    filters = MapFilters(
        project=values["project"],
        town=values["town"],
        department=values["department"],
        light=values["light"] or "",
    )
    if fmt == "pdf":
        response = HttpResponse(
            layout_pdf(city, filters, paper=paper), content_type="application/pdf"
        )
    else:
        response = HttpResponse(
            layout_svg(city, filters, paper=paper), content_type="image/svg+xml; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{city.code}-map-{paper}.{fmt}"'
    return response
