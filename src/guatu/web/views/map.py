"""The map page (一张图, ``/map/``): the city's placed projects and items in their lights.

What is drawn, and in which colour, is ``web.geo.map_features`` — the one source the
大屏's panel, the printed 布局图 and the API read too — filtered as the lists filter
(project, town, department, light; a value the page cannot use answers 400 naming
the filter). The features travel inside the page as JSON (``json_script``) and are
drawn by the vendored Leaflet on a canvas (``static/guatu/map.js``); the same
features are listed under the map for reading, printing and screen readers.

The base: with the deployment's 天地图 key (``settings.TIANDITU_KEY``) 天地图's vector
tiles and their annotations, and this page's Content-Security-Policy lets images come
from 天地图's eight tile hosts; without a key the city's own town outlines, drawn
plainly with their names, and no request leaves the site (docs/MAP.md).
"""

import json
from collections import Counter
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from guatu.access import can_edit_places
from guatu.common.listing import BadParameter, Filter
from guatu.common.pages import bad_query
from guatu.core.status import LIGHT_NAMES
from guatu.org.clock import city_today
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city_or_404
from guatu.progress.labels import light_label
from guatu.projects.models import Project
from guatu.web.geo import (
    INVENTED_NOTE,
    LIGHT_COLOURS,
    LIGHT_ORDER,
    MapFilters,
    map_features,
    places_invented,
    town_outlines,
)

__all__ = ["TIANDITU_HOSTS", "map_view", "tianditu_csp"]

#: 天地图's tile hosts (t0 … t7); the page's CSP names them only when a key is set.
TIANDITU_HOSTS = tuple(f"https://t{n}.tianditu.gov.cn" for n in range(8))
#: 天地图's WMTS in Web Mercator (``_w``): the vector map and its annotations.
TIANDITU_LAYERS = ("vec", "cva")
TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER=%(layer)s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s"
)
#: How the features may be coloured: by their light, or by their project's 序时 light.
COLOURINGS = ("light", "investment")
#: The investment legend's lights, worst first ("" — a project without a plan).
INVESTMENT_ORDER = ("red", "yellow", "green", "")
#: The most places the list under the map shows (the worst first); the map draws all.
LIST_MAX = 500
#: What a JSON text must not hold inside <script>: as ``json_script`` escapes them.
SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def _light_choices():
    return [(name, light_label(name)) for name in LIGHT_NAMES]


#: The filters, read as the lists read theirs (ids of this city's rows, a light's code).
FILTERS = (
    Filter.units("project", gettext_lazy("Project"), lambda: Project.objects.order_by("code")),
    Filter.units("town", gettext_lazy("Town"), lambda: Town.objects.order_by("order", "name")),
    Filter.units(
        "department", gettext_lazy("Owner department"), lambda: Department.objects.order_by("name")
    ),
    Filter.choice("light", gettext_lazy("Light"), _light_choices),
)


def _read(query: QueryDict) -> tuple[MapFilters, str, list[dict]]:
    """The map's filters, its colouring and the form's controls; ``BadParameter``."""
    values, controls = {}, []
    for f in FILTERS:
        value = f.read(query)
        values[f.key] = value
        controls.append(
            {
                "key": f.key,
                "label": f.label,
                "options": f.options(),
                "value": "" if value is None else str(value),
            }
        )
    colouring = (query.get("colour") or "light").strip()
    if colouring not in COLOURINGS:
        raise BadParameter("colour", colouring, _("it is none of the choices."))
    filters = MapFilters(
        project=values["project"],
        town=values["town"],
        department=values["department"],
        light=values["light"] or "",
    )
    return filters, colouring, controls


def _bad(request: HttpRequest, error: BadParameter) -> HttpResponse:
    """The 400 of a filter the page cannot use, naming the filter as the form does."""
    labels = {f.key: f.label for f in FILTERS} | {"colour": _("Colour by")}
    return bad_query(
        request,
        _("The map cannot filter by “%(label)s” = “%(value)s”: %(why)s")
        % {
            "label": labels.get(error.name, error.name),
            "value": error.value[:40],
            "why": error.why,
        },
    )


def _legend(features: list[dict]) -> tuple[list[dict], list[dict]]:
    """The counts per light and per 序时 light, worst first: the features' own counts."""
    lights = Counter(f["properties"]["light"] for f in features)
    money = Counter(f["properties"]["investment"] for f in features)
    by_light = [
        {
            "code": light or "none",
            "label": light_label(light) if light else pgettext("map legend", "no light"),
            "colour": LIGHT_COLOURS.get(light, LIGHT_COLOURS[""]),
            "count": lights[light],
        }
        for light in (*reversed(LIGHT_ORDER), "")
        if light or lights[light]
    ]
    by_investment = [
        {
            "code": light or "none",
            "label": light_label(light) if light else _("no investment plan"),
            "colour": LIGHT_COLOURS.get(light, LIGHT_COLOURS[""]),
            "count": money[light],
        }
        for light in INVESTMENT_ORDER
    ]
    return by_light, by_investment


def _rows(features: list[dict]) -> list[dict]:
    """The features as the list under the map shows them: worst light first, then by
    project, the project's own place before its items'."""
    rank = {light: n for n, light in enumerate(LIGHT_ORDER)}
    ordered = sorted(
        features,
        key=lambda f: (
            -rank.get(f["properties"]["light"], -1),
            f["properties"]["code"],
            f["properties"]["kind"] == "item",
        ),
    )
    kinds = {"project": _("Project"), "item": _("Work item")}
    return [
        {
            **f["properties"],
            "kind_label": kinds[f["properties"]["kind"]],
            "investment_label": light_label(f["properties"]["investment"])
            if f["properties"]["investment"]
            else "",
        }
        for f in ordered
    ]


def _script_json(value) -> SafeString:
    """*value* as JSON to put inside ``<script type="application/json">``: escaped as
    ``json_script`` escapes (no ``<``, ``>`` or ``&`` is left, so no markup can close
    the element), but Chinese written as UTF-8 rather than ``\\u`` escapes and no
    spaces — half the bytes of ten thousand features' names."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in SCRIPT_ESCAPES:  # str.replace: translate() is slow on MBs
        text = text.replace(character, escaped)
    return mark_safe(text)  # escaped just above


def _tiles(key: str) -> dict | None:
    """天地图's two layers for Leaflet, or None without a key."""
    if not key:
        return None
    return {
        "urls": [
            TIANDITU_URL % {"layer": layer, "key": quote(key, safe="")} for layer in TIANDITU_LAYERS
        ],
        "subdomains": "".join(str(n) for n in range(len(TIANDITU_HOSTS))),
        "attribution": escape(_("Base map: 天地图")),
    }


def tianditu_csp() -> dict:
    """The site's CSP with 天地图's tile hosts allowed as images (a key is set)."""
    policy = {name: list(values) for name, values in settings.SECURE_CSP.items()}
    policy["img-src"] = [*policy.get("img-src", []), *TIANDITU_HOSTS]
    return policy


@login_required
def map_view(request: HttpRequest) -> HttpResponse:
    """The map of the city's projects and items, filtered as the lists are, coloured by
    light or by 序时, with its legend and the list of what it draws."""
    city = current_city_or_404()
    try:
        filters, colouring, controls = _read(request.GET)
    except BadParameter as error:
        return _bad(request, error)
    today = city_today(city)
    collection = map_features(city, filters, as_of=today)
    features = collection["features"]
    by_light, by_investment = _legend(features)
    key = settings.TIANDITU_KEY
    invented = places_invented(city)
    seat = [city.longitude, city.latitude] if city.longitude is not None else None
    config = {
        "features": collection,
        "towns": town_outlines(city),
        "tiles": _tiles(key),
        "seat": seat if seat and seat[1] is not None else None,
        "colouring": colouring,
        "none": LIGHT_COLOURS[""],
        "words": {
            "project": _("Project"),
            "town": _("Town"),
            "light": _("Light"),
            "investment": _("Investment against 序时"),
            "open": _("Open its page"),
            "map": _("Map of the key projects"),
        },
    }
    rows = _rows(features)
    response = render(
        request,
        "web/map.html",
        {
            "data": _script_json(config),
            "controls": controls,
            "filtered": any(c["value"] for c in controls),
            "colouring": colouring,
            "by_light": by_light,
            "by_investment": by_investment,
            "rows": rows[:LIST_MAX],
            "count": len(features),
            "listed": min(len(rows), LIST_MAX),
            "today": today,
            "tiles": bool(key),
            "invented_note": INVENTED_NOTE if invented else "",
            "query": request.GET.urlencode(),
            "can_place": can_edit_places(request.user),
        },
    )
    if key:
        # Only this page draws tiles, and only with a key: the rest keep the strict policy.
        response._csp_config = tianditu_csp()
    return response
