"""The printed 布局图 and the 大屏's map: the city's places drawn with the reader's words.

What is drawn, and in which colour, is ``web.geo.map_features`` (the map page's own
features, filtered the same way); ``core.geo.draw`` lays it out — on a landscape
sheet of A3, A1 or A0 through the wall chart's print pipeline (SVG, then PDF by
CairoSVG: vector throughout), or on the 大屏's panel. The towns' outlines are the
base. The title block names the city, the 数据日期, the day it was printed, what the
selection is, and — wherever the city's places are the demo's invented ones
(``web.geo.places_invented``) — ``INVENTED_NOTE`` in red.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from guatu.core.geo.draw import SCREEN, LegendEntry, MapWords, draw_map, paper_sheet
from guatu.core.geo.measure import extent
from guatu.core.wallpaper import PAPER_MM
from guatu.org.clock import city_time, city_today
from guatu.org.models import City, Department, Town
from guatu.progress.labels import light_label
from guatu.projects.models import Project, WorkItem
from guatu.web.geo import (
    INVENTED_NOTE,
    LIGHT_COLOURS,
    LIGHT_ORDER,
    MapFilters,
    map_features,
    places_invented,
    town_outlines,
)

__all__ = ["PAPERS", "has_places", "layout_pdf", "layout_svg", "screen_map"]

#: The papers of the wall chart: one rule for both.
PAPERS = tuple(PAPER_MM)


def _legend(features: list[dict[str, Any]]) -> tuple[LegendEntry, ...]:
    """Every light, worst first, in the map page's colours; "no light" only when drawn."""
    drawn = {f["properties"]["light"] for f in features}
    return tuple(
        LegendEntry(
            light,
            light_label(light) if light else pgettext("map legend", "no light"),
            LIGHT_COLOURS.get(light, LIGHT_COLOURS[""]),
        )
        for light in (*reversed(LIGHT_ORDER), "")
        if light or light in drawn
    )


def _selection(city: City, filters: MapFilters) -> list[str]:
    """What the selection is, in words, for the title block (nothing: the whole city)."""
    out = []
    named = (
        (filters.project, Project, _("project: %(name)s")),
        (filters.town, Town, _("town: %(name)s")),
        (filters.department, Department, _("department: %(name)s")),
    )
    for pk, model, words in named:
        if pk:
            name = model.everywhere.filter(city=city, pk=pk).values_list("name", flat=True)
            out.append(words % {"name": name.first() or "—"})
    if filters.light:
        out.append(_("light: %(light)s") % {"light": light_label(filters.light)})
    return out


def _words(city: City, title: str, facts: list[str], features) -> MapWords:
    return MapWords(
        title=title,
        facts=tuple(facts),
        note=str(INVENTED_NOTE) if places_invented(city) else "",
        legend_title=_("Places by light"),
        legend=_legend(features),
        count=_("%(label)s: %(count)s"),
        town=_("town boundary"),
        north=pgettext("compass", "N"),
        scale=_("%(km)s km"),
        empty=_("Nothing selected has a place on the map."),
    )


def _box(features, towns, filters: MapFilters):
    """What the frame shows: a project or a town chosen, its places (and the town's
    outline); else the whole city."""
    if not (filters.project or filters.town):
        return None
    shapes = [f["geometry"] for f in features]
    shapes += [
        t["geometry"] for t in towns if filters.town and t["properties"]["id"] == filters.town
    ]
    return extent(shapes)


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def layout_svg(city: City, filters: MapFilters, *, paper: str) -> str:
    """The 布局图 on one landscape sheet of *paper* (A3, A1 or A0), as SVG sized in mm."""
    today = city_today(city)
    features = map_features(city, filters, as_of=today, investment=False)["features"]
    towns = town_outlines(city)["features"]
    facts = [
        city.name,
        _("data date %(date)s") % {"date": _day(today)},
        _("printed on %(date)s") % {"date": _day(city_time(city, timezone.now()).date())},
    ]
    if city.office_name:
        facts.append(_("issued by %(office)s") % {"office": city.office_name})
    facts += _selection(city, filters)
    words = _words(city, _("%(city)s key projects layout map") % {"city": city.name}, facts,
                   features)  # fmt: skip
    drawing = draw_map(
        features, towns, sheet=paper_sheet(paper), words=words, box=_box(features, towns, filters)
    )
    return drawing.svg


def layout_pdf(city: City, filters: MapFilters, *, paper: str) -> bytes:
    """The 布局图 as a one-page PDF of *paper*, vector."""
    from guatu.web.pdf import svg_to_pdf  # loads cairo on first print, not at start-up

    return svg_to_pdf(layout_svg(city, filters, paper=paper))


def has_places(city: City) -> bool:
    """Whether any project or work item of *city* has a place: the 大屏 shows its map."""
    return (
        Project.everywhere.filter(city=city, geometry__isnull=False).exists()
        or WorkItem.everywhere.filter(project__city=city, geometry__isnull=False).exists()
    )


def screen_map(city: City, *, today: date | None = None) -> str:
    """The 大屏's map panel: every place of *city* in its light, large type (SVG)."""
    today = today or city_today(city)
    features = map_features(city, as_of=today, investment=False)["features"]
    towns = town_outlines(city)["features"]
    facts = [
        _("data date %(date)s") % {"date": _day(today)},
        ngettext("%(count)s place on the map", "%(count)s places on the map", len(features))
        % {"count": len(features)},
    ]
    words = _words(city, _("Key projects on the map (一张图)"), facts, features)
    return draw_map(features, towns, sheet=SCREEN, words=words).svg
