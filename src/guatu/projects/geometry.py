"""Places on the map: the geometry of a project, a work item or a town.

Set one at a time (the API, the ledger's column, the admin) with ``place_set``,
or many from a map file the office uploads (GeoJSON, KML/KMZ, a zipped
Shapefile) with ``places_import``. Either way the geometry is checked by
``core.geo`` against China's extent and the city's seat, and a file is taken
whole or not at all, every problem named at its feature in one round.

Which place a feature of a file is for, from its properties (case ignored):
``project`` / ``项目`` (a project's code), ``item`` / ``事项`` (a work item's code, of
that project or of the project the file is uploaded to), ``town`` / ``镇街`` (a
town's name). A feature with only a ``name`` (KML's placemark name) is matched
to a work item's code or name, then to a project's code or name, then to a
town's name. Uploaded to one project, a single feature with no name is the
project's own place.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_edit_places, require
from guatu.audit.services import audit_record
from guatu.core.geo.files import read_features
from guatu.core.geo.measure import extent
from guatu.core.geo.shapes import GeoError, geometry_checked
from guatu.errors import translate
from guatu.org.models import City, Town
from guatu.projects.models import Project, WorkItem

__all__ = [
    "PlacesImported",
    "city_seat",
    "geometry_or_error",
    "place_set",
    "places_import",
]

#: The most problems listed for one file (the rest are counted).
MAX_PROBLEMS = 50

PROJECT_KEYS = ("project", "项目", "项目编号")
ITEM_KEYS = ("item", "事项", "事项编号")
TOWN_KEYS = ("town", "镇街", "镇街区", "乡镇")
NAME_KEYS = ("name", "名称")

Place = Project | WorkItem | Town


def city_seat(city: City) -> tuple[float, float] | None:
    """Where the city sits: its seat when set, else the middle of its towns' outlines."""
    if city.longitude is not None and city.latitude is not None:
        return city.longitude, city.latitude
    box = extent(Town.everywhere.filter(city=city).values_list("geometry", flat=True))
    if box is None:
        return None
    west, south, east, north = box
    return (west + east) / 2, (south + north) / 2


def geometry_or_error(value: Any, city: City) -> dict[str, Any] | None:
    """*value* checked for *city* (None clears a place); ``ValidationError`` on "geometry"."""
    if value is None:
        return None
    try:
        return geometry_checked(value, seat=city_seat(city))
    except GeoError as error:
        raise ValidationError({"geometry": translate(error)}) from None


def _city_of(target: Place) -> City:
    if isinstance(target, WorkItem):
        return target.project.city
    return target.city


def place_set(*, actor, target: Place, geometry: Any) -> None:
    """Give *target* the place *geometry* (GeoJSON; None removes it): the office only."""
    require(can_edit_places(actor), user=actor, action="place_set", target=target)
    checked = geometry_or_error(geometry, _city_of(target))
    with transaction.atomic():
        type(target).everywhere.filter(pk=target.pk).update(geometry=checked)
        target.geometry = checked
        audit_record(
            user=actor,
            action="place_set",
            target=target,
            detail={"type": checked["type"] if checked else None},
        )


@dataclass(frozen=True)
class PlacesImported:
    projects: int
    items: int
    towns: int


def places_import(
    *, actor, city: City, name: str, data: bytes, project: Project | None = None
) -> PlacesImported:
    """Every feature of the map file *name* placed, or nothing: ``ValidationError`` lists
    each problem at its feature (up to ``MAX_PROBLEMS``)."""
    require(can_edit_places(actor), user=actor, action="places_import", target=project or city)
    try:
        features = read_features(name, data)
    except GeoError as error:
        raise ValidationError(translate(error)) from None
    seat = city_seat(city)
    matcher = _Matcher(city, project)
    problems: list[str] = []
    placed: list[tuple[Place, dict[str, Any]]] = []
    seen: dict[tuple[str, int], str] = {}
    for feature in features:
        where = _(feature.place[0]) % feature.place[1]
        try:
            geometry = geometry_checked(feature.geometry, seat=seat, place=feature.place)
        except GeoError as error:
            problems.append(translate(error))
            continue
        target, problem = matcher.match(feature.properties, single=len(features) == 1)
        if target is None:
            problems.append(_("%(where)s: %(problem)s") % {"where": where, "problem": problem})
            continue
        key = (type(target).__name__, target.pk)
        if key in seen:
            problems.append(
                _("%(where)s: %(target)s is already placed by %(other)s")
                % {"where": where, "target": str(target), "other": seen[key]}
            )
            continue
        seen[key] = where
        placed.append((target, geometry))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(
                _("… and %(count)s more problems") % {"count": len(problems) - MAX_PROBLEMS}
            )
        raise ValidationError(shown)
    with transaction.atomic():
        for target, geometry in placed:
            type(target).everywhere.filter(pk=target.pk).update(geometry=geometry)
        counts = PlacesImported(
            projects=sum(isinstance(t, Project) for t, _g in placed),
            items=sum(isinstance(t, WorkItem) for t, _g in placed),
            towns=sum(isinstance(t, Town) for t, _g in placed),
        )
        audit_record(
            user=actor,
            action="places_import",
            target=project or city,
            detail={"file": name[:100], **counts.__dict__},
        )
    return counts


def _value(properties: dict[str, str], keys: Iterable[str]) -> str:
    lowered = {key.strip().lower(): value for key, value in properties.items()}
    return next((lowered[key] for key in keys if lowered.get(key)), "")


class _Matcher:
    """Finds the project, item or town a feature's properties name, within one city."""

    def __init__(self, city: City, project: Project | None) -> None:
        self.project = project
        projects = list(Project.everywhere.filter(city=city))
        self.projects = {p.code: p for p in projects}
        self.project_names = {p.name: p for p in projects}
        self.towns = {t.name: t for t in Town.everywhere.filter(city=city)}
        items = WorkItem.everywhere.filter(project__city=city).select_related("project")
        if project is not None:
            items = items.filter(project=project)
        self.items: dict[tuple[int, str], WorkItem] = {}
        self.item_names: dict[tuple[int, str], WorkItem] = {}
        for item in items:
            self.items[(item.project_id, item.code)] = item
            self.item_names.setdefault((item.project_id, item.name), item)

    def match(self, properties: dict[str, str], *, single: bool) -> tuple[Place | None, str]:
        project_code = _value(properties, PROJECT_KEYS)
        item_code = _value(properties, ITEM_KEYS)
        town_name = _value(properties, TOWN_KEYS)
        name = _value(properties, NAME_KEYS)
        project = self.project
        if project_code:
            project = self.projects.get(project_code) or self.project_names.get(project_code)
            if project is None or (self.project and project != self.project):
                return None, _("no project %(code)s here") % {"code": project_code}
        if item_code:
            if project is None:
                return None, _("an item needs its project (a “project” property)")
            item = self.items.get((project.pk, item_code)) or self.item_names.get(
                (project.pk, item_code)
            )
            if item is None:
                return None, _("%(project)s has no item %(code)s") % {
                    "project": project.name,
                    "code": item_code,
                }
            return item, ""
        if town_name:
            town = self.towns.get(town_name)
            if town is None:
                return None, _("no town %(name)s in this city") % {"name": town_name}
            return town, ""
        if project_code:
            return project, ""
        if name:
            for key in (project.pk,) if project else ():
                found = self.items.get((key, name)) or self.item_names.get((key, name))
                if found:
                    return found, ""
            if project is None:
                found = self.projects.get(name) or self.project_names.get(name)
                if found:
                    return found, ""
                town = self.towns.get(name)
                if town is not None:
                    return town, ""
            elif name in (project.code, project.name):
                return project, ""
            return None, _("nothing here is called %(name)s") % {"name": name}
        if project is not None and single:
            return project, ""
        return None, _(
            "say what the feature is for: a “project”, “item” or “town” property, or a name"
        )
