"""The city on a map: every placed project, item and town as one GeoJSON collection.

One function answers for the map page, the 大屏's map panel, the printed 布局图 and
the API's ``/geo/features``, so the four never disagree on a colour: an item's
light is the lights' own (``progress.status``), a project's the roll-up of its
items (``lights_by_project``), and its investment light the month's standing
(``investment.selectors.city_standing``) when the project has a plan.

A project without a place of its own is drawn at its items' places (only the
items are, then); an item without one is not drawn. Towns come as the base:
outlines, uncoloured.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from guatu.investment.rules import figures_month
from guatu.investment.selectors import city_standing
from guatu.org.clock import city_today
from guatu.org.models import City, Town
from guatu.progress.labels import light_label
from guatu.progress.status import lights_by_project, status_table
from guatu.projects.models import Project, WorkItem

__all__ = [
    "INVENTED_NOTE",
    "LIGHT_COLOURS",
    "MapFilters",
    "invented_source_set",
    "map_features",
    "places_invented",
    "town_outlines",
]

#: The lights' colours, as the site's badges draw them (guatu.css ``.light-*``).
LIGHT_COLOURS = {
    "red": "#d92d20",
    "yellow": "#dc8b00",
    "green": "#079455",
    "done": "#475467",
    "not_started": "#98a2b3",
    "": "#98a2b3",
}
#: The order of the legend, and of drawing (the worst on top).
LIGHT_ORDER = ("not_started", "done", "green", "yellow", "red")


#: Said wherever a city's places are the demo's invented ones (map page, 大屏, 布局图).
INVENTED_NOTE = gettext_lazy("Example places, invented: for the demo only")

#: Who knows whether a city's places are invented: the demo app, above this floor,
#: answers when it starts (``DemoConfig.ready``); nothing is invented without it.
_invented_source: Callable[[City], bool] | None = None


def invented_source_set(source: Callable[[City], bool] | None) -> None:
    """Let *source(city)* say whether the city's places are invented (the demo's)."""
    global _invented_source
    _invented_source = source


def places_invented(city: City) -> bool:
    """Whether *city*'s places on the map are invented, so pages show ``INVENTED_NOTE``."""
    return _invented_source is not None and _invented_source(city)


@dataclass(frozen=True)
class MapFilters:
    """What the map shows, as the lists filter: by project, town, department, light."""

    project: int | None = None
    town: int | None = None
    department: int | None = None
    light: str = ""


def map_features(
    city: City,
    filters: MapFilters = MapFilters(),
    *,
    as_of: date | None = None,
    investment: bool = True,
) -> dict[str, Any]:
    """The placed projects and items of *city* as a FeatureCollection, worst light last.

    Each feature's properties: ``kind`` (project | item), ``id``, ``name``, ``project``
    (the project's name), ``code`` (the project's code), ``town``, ``light`` and its
    ``light_label`` and ``colour``, ``investment`` (the project's 序时 light, or "")
    and its ``investment_colour``, and ``url`` (its page)."""
    as_of = as_of or city_today(city)
    projects = _projects(city, filters)
    by_pk = {project.pk: project for project in projects}
    if not by_pk:  # no project (or none of the filter's): nothing to ask the lights
        return {"type": "FeatureCollection", "features": []}
    items = _items(city, filters, by_pk)
    table = status_table(items=Q(project__in=list(by_pk)), as_of=as_of, city=city)
    item_lights = dict(zip(table.pks.tolist(), table.light_names(), strict=True))
    project_lights = lights_by_project(table, list(by_pk))
    money = _investment_lights(city, as_of) if investment else {}
    towns = dict(Town.everywhere.filter(city=city).values_list("pk", "name"))
    # Once per call, not per feature: ten thousand items cost a reverse() and five
    # gettext() each otherwise (docs/PERFORMANCE.md, the map page).
    labels = {light: light_label(light) for light in LIGHT_ORDER}
    item_url = _path_of("web:item-detail")
    features = []
    for project in projects:
        if project.geometry:
            light = project_lights.get(project.pk, "")
            features.append(
                _feature(
                    project.geometry,
                    kind="project",
                    pk=project.pk,
                    name=project.name,
                    project=project,
                    town=towns.get(project.responsible_town_id, ""),
                    light=light,
                    investment=money.get(project.pk, ""),
                    url=reverse("web:project-detail", args=[project.code]),
                    labels=labels,
                )
            )
    for item in items:
        light = item_lights.get(item.pk, "")
        features.append(
            _feature(
                item.geometry,
                kind="item",
                pk=item.pk,
                name=item.name,
                project=by_pk[item.project_id],
                town=towns.get(item.town_id, ""),
                light=light,
                investment=money.get(item.project_id, ""),
                url=item_url(item.pk),
                labels=labels,
            )
        )
    if filters.light:
        features = [f for f in features if f["properties"]["light"] == filters.light]
    rank = {light: n for n, light in enumerate(LIGHT_ORDER)}
    features.sort(
        key=lambda f: (f["properties"]["kind"] == "item", rank.get(f["properties"]["light"], 0))
    )
    return {"type": "FeatureCollection", "features": features}


def town_outlines(city: City) -> dict[str, Any]:
    """The city's towns with an outline, as a FeatureCollection (``name`` each)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"kind": "town", "id": pk, "name": name},
            }
            for pk, name, geometry in Town.everywhere.filter(city=city, geometry__isnull=False)
            .order_by("order", "name")
            .values_list("pk", "name", "geometry")
        ],
    }


def _projects(city: City, filters: MapFilters) -> list[Project]:
    query: QuerySet[Project] = Project.everywhere.filter(city=city)
    if filters.project:
        query = query.filter(pk=filters.project)
    if filters.department:
        query = query.filter(
            Q(owner_department_id=filters.department)
            | Q(work_items__owner_department_id=filters.department)
        ).distinct()
    if filters.town:
        query = query.filter(
            Q(responsible_town_id=filters.town) | Q(work_items__town_id=filters.town)
        ).distinct()
    return list(query.order_by("code"))


def _items(city: City, filters: MapFilters, projects: dict[int, Project]) -> list[Any]:
    """The placed items, as rows (``pk``, ``project_id``, ``name``, ``town_id``,
    ``geometry``): ten thousand model instances would cost more than the map's query."""
    query = WorkItem.everywhere.filter(project__in=list(projects), geometry__isnull=False)
    if filters.department:
        query = query.filter(owner_department_id=filters.department)
    if filters.town:
        query = query.filter(town_id=filters.town)
    return list(
        query.order_by("project_id", "order", "code").values_list(
            "pk", "project_id", "name", "town_id", "geometry", named=True
        )
    )


def _investment_lights(city: City, as_of: date) -> dict[int, str]:
    year, month = figures_month(city, as_of)
    standing = city_standing(city, year, month)
    return {
        row.project.pk: row.light for row in standing.rows if row.plan > 0 and row.light != "none"
    }


def _path_of(name: str) -> Callable[[int], str]:
    """The path of the route *name* for an id, reversed once (its one ``<int:pk>``)."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _feature(
    geometry, *, kind, pk, name, project, town, light, investment, url, labels
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "kind": kind,
            "id": pk,
            "name": name,
            "project": project.name,
            "code": project.code,
            "town": town,
            "light": light,
            "light_label": labels.get(light, "") if light else "",
            "colour": LIGHT_COLOURS.get(light, LIGHT_COLOURS[""]),
            "investment": investment,
            "investment_colour": LIGHT_COLOURS.get(investment, LIGHT_COLOURS[""])
            if investment
            else "",
            "url": url,
        },
    }
