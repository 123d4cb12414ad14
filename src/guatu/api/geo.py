"""The city's places as GeoJSON: features coloured by their lights, town outlines, map files.

``GET /geo/features`` answers from ``web.geo.map_features``, the one collection the map
page, the 大屏 and the printed 布局图 draw, so a colour here is the colour there.
``POST /geo/places`` takes a map file (GeoJSON, KML/KMZ, zipped Shapefile) as the
upload page does (``projects.geometry.places_import``): the office, all or nothing.
"""

import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from guatu.common.bounds import ProjectCode
from guatu.core.geo.files import MAX_FILE_BYTES
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city
from guatu.projects.geometry import places_import
from guatu.projects.models import Project
from guatu.web.geo import MapFilters, map_features, town_outlines

router = Router(tags=["geo"])
#: A project's code as the model keeps it (a slug), or nothing.
SLUG = re.compile(r"[-a-zA-Z0-9_]{0,40}")

Light = Literal["red", "yellow", "green", "done", "not_started"]


class FeatureQuery(Schema):
    project: ProjectCode | None = Field(None, description="A project's code.")
    town: int | None = Field(None, ge=1, le=2**62, description="A town's id.")
    department: int | None = Field(None, ge=1, le=2**62, description="A department's id.")
    light: Light | None = None


class PlacesOut(Schema):
    projects: int
    items: int
    towns: int


def filters_of(query: FeatureQuery) -> MapFilters:
    """The query as the map's filters; a code or id of another city is not found (404)."""
    project = get_object_or_404(Project, code=query.project).pk if query.project else None
    town = get_object_or_404(Town, pk=query.town).pk if query.town else None
    department = get_object_or_404(Department, pk=query.department).pk if query.department else None
    return MapFilters(project=project, town=town, department=department, light=query.light or "")


@router.get(
    "/geo/features",
    summary="The placed projects and work items as GeoJSON, coloured by their lights",
    description=(
        "A FeatureCollection (RFC 7946, longitude-latitude). Each feature's properties: "
        "kind (project | item), id, name, project, code, town, light, light_label, colour, "
        "investment (the project's 序时 light this month, or empty), investment_colour, url. "
        "Filters as the map page's; the worst light comes last (drawn on top)."
    ),
)
def features(request, query: Query[FeatureQuery]) -> dict:
    return map_features(current_city(), filters_of(query))


@router.get("/geo/towns", summary="The city's towns with an outline, as GeoJSON")
def towns(request) -> dict:
    return town_outlines(current_city())


@router.post(
    "/geo/places",
    response={200: PlacesOut},
    summary=(
        "Place projects, items or towns from a map file: GeoJSON, KML/KMZ or a zipped "
        "Shapefile, all or nothing (the office)"
    ),
    description=(
        "Each feature names what it places by its properties: project (a project's code), "
        "item (a work item's code, with project), town (a town's name), or a name. With "
        "`project` in the form, the file is for that project. Every problem is named at its "
        "feature; nothing is stored unless every feature is good."
    ),
)
def places(request, file: File[UploadedFile], project: Form[str] = ""):
    if not SLUG.fullmatch(project):  # a NUL would reach PostgreSQL's lookup: a 500 there
        raise ValidationError({"project": _("No project of this city has this code.")})
    target = get_object_or_404(Project, code=project) if project else None
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20}}
        )
    counts = places_import(
        actor=request.user,
        city=current_city(),
        name=file.name or "",
        data=data,
        project=target,
    )
    return PlacesOut(projects=counts.projects, items=counts.items, towns=counts.towns)
