"""A geometry is a GeoJSON geometry object (RFC 7946): longitude first, degrees.

China's base maps (天地图) use CGCS2000, which agrees with WGS84 to a few
centimetres at a city's scale, so one check serves both. A geometry is
refused whole when any vertex lies outside China's extent, far from the city
(a swapped longitude and latitude, or another city's file), or when a line or
ring cannot be drawn; each problem names its place so that the office can
mend its file.
"""

import math
import reprlib
from collections.abc import Iterator
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop as _

__all__ = [
    "CHINA",
    "KINDS",
    "MAX_VERTICES",
    "NEAR_KM",
    "GeoError",
    "Place",
    "geometry_checked",
    "vertices",
]

#: The geometry types guatu stores (no GeometryCollection: one place has one kind).
KINDS = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
#: China's extent in degrees: west, south, east, north (Pamirs to the Wusu, Zengmu to Mohe).
CHINA = (73.4, 3.8, 135.1, 53.6)
#: How far from the city's seat a vertex may lie (a county is some 50 km across).
NEAR_KM = 150.0
#: The most vertices one geometry may have (a railway's line is a few thousand).
MAX_VERTICES = 100_000
#: Stored precision: 7 decimals of a degree is about a centimetre.
DIGITS = 7

#: Where a problem lies: a message id for the place and its values, translated apart
#: from the problem itself (``("feature %(number)s", {"number": 3})``).
Place = tuple[str, dict[str, Any]]


class GeoError(CoreError):
    """A geometry or a map file that cannot be taken; ``place`` says where."""

    def __init__(self, template: str, *, place: Place | None = None, **params: Any) -> None:
        self.place = place
        super().__init__(template, **params)

    def __str__(self) -> str:
        text = super().__str__()
        if self.place is None:
            return text
        return f"{self.place[0] % self.place[1]}: {text}"


def geometry_checked(
    value: Any,
    *,
    seat: tuple[float, float] | None = None,
    near_km: float = NEAR_KM,
    place: Place | None = None,
) -> dict[str, Any]:
    """*value* as a clean GeoJSON geometry (2D, rounded), or ``GeoError``.

    >>> geometry_checked({"type": "Point", "coordinates": [120.05, 28.89, 12.0]})
    {'type': 'Point', 'coordinates': [120.05, 28.89]}
    >>> geometry_checked({"type": "Point", "coordinates": [28.89, 120.05]})
    Traceback (most recent call last):
    ...
    guatu.core.geo.shapes.GeoError: 28.89, 120.05 lies outside China ...
    """
    if not isinstance(value, dict) or value.get("type") not in KINDS:
        raise GeoError(
            _("not a geometry: expected a Point, LineString or Polygon (or Multi- of one)"),
            place=place,
        )
    kind = value["type"]
    depth = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2}
    coordinates = _clean(value.get("coordinates"), depth.get(kind, 3), place)
    count = sum(1 for _vertex in vertices(coordinates, depth.get(kind, 3)))
    if count > MAX_VERTICES:
        raise GeoError(
            _("%(count)s points: at most %(most)s in one geometry"),
            place=place,
            count=count,
            most=MAX_VERTICES,
        )
    for lon, lat in vertices(coordinates, depth.get(kind, 3)):
        _within(lon, lat, seat, near_km, place)
    geometry = {"type": kind, "coordinates": coordinates}
    _drawable(geometry, place)
    return geometry


def vertices(coordinates: Any, depth: int) -> Iterator[tuple[float, float]]:
    """Every vertex of *coordinates* nested *depth* lists deep (0: a point)."""
    if depth == 0:
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        yield from vertices(part, depth - 1)


def _clean(value: Any, depth: int, place: Place | None) -> Any:
    """Nested lists of [lon, lat] floats, rounded, any third number dropped."""
    if depth == 0:
        if (
            not isinstance(value, (list, tuple))
            or len(value) not in (2, 3)
            or not all(_number(v) for v in value)
        ):
            raise GeoError(
                _("%(value)s is not a longitude and latitude pair"),
                place=place,
                value=_short(value),
            )
        return [round(float(value[0]), DIGITS), round(float(value[1]), DIGITS)]
    if not isinstance(value, (list, tuple)) or not value:
        raise GeoError(_("the coordinates are missing or not nested as the type says"), place=place)
    return [_clean(part, depth - 1, place) for part in value]


def _number(value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        return False


_REPR = reprlib.Repr(maxlevel=3, maxlist=4, maxstring=20, maxother=20)


def _short(value: Any) -> str:
    """*value* shown briefly, never walked deeper than three levels (a hostile nesting)."""
    text = _REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _within(
    lon: float, lat: float, seat: tuple[float, float] | None, near_km: float, place: Place | None
) -> None:
    west, south, east, north = CHINA
    if not (west <= lon <= east and south <= lat <= north):
        raise GeoError(
            _(
                "%(lon)s, %(lat)s lies outside China (longitude 73.4–135.1, latitude 3.8–53.6): "
                "longitude first, in degrees (WGS84/CGCS2000)"
            ),
            place=place,
            lon=lon,
            lat=lat,
        )
    if seat is not None:
        km = haversine_m(seat, (lon, lat)) / 1000
        if km > near_km:
            raise GeoError(
                _("%(lon)s, %(lat)s lies %(km)s km from the city (at most %(most)s km)"),
                place=place,
                lon=lon,
                lat=lat,
                km=round(km),
                most=round(near_km),
            )


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lon, lat) points.

    >>> round(haversine_m((120.0, 28.0), (120.0, 29.0)))
    111195
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def _drawable(geometry: dict[str, Any], place: Place | None) -> None:
    """Lines of two points or more; rings closed, of four points or more, not crossing."""
    kind = geometry["type"]
    coordinates = geometry["coordinates"]
    if kind in ("LineString", "MultiLineString"):
        lines = [coordinates] if kind == "LineString" else coordinates
        if any(len(line) < 2 for line in lines):
            raise GeoError(_("a line needs at least two points"), place=place)
    if kind in ("Polygon", "MultiPolygon"):
        polygons = [coordinates] if kind == "Polygon" else coordinates
        for ring in (ring for polygon in polygons for ring in polygon):
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise GeoError(
                    _("a ring must close (last point = first) and have at least four points"),
                    place=place,
                )
        polygon = shape(geometry)
        if not shapely.is_valid(polygon):
            why, at = _validity(explain_validity(polygon))
            raise GeoError(
                _("the outline is not valid: %(why)s at %(at)s"), place=place, why=why, at=at
            )


#: GEOS's reasons, as message ids (the Django layer translates a parameter that is one).
REASONS = {
    "Self-intersection": _("its boundary crosses itself"),
    "Ring Self-intersection": _("a ring touches itself"),
    "Too few points": _("a ring has too few points"),
    "Hole lies outside shell": _("a hole lies outside the outline"),
    "Nested holes": _("a hole lies inside another hole"),
    "Interior is disconnected": _("the inside is cut in two"),
    "Nested shells": _("an outline lies inside another"),
    "Duplicate Rings": _("a ring is given twice"),
    "Invalid Coordinate": _("a point is not a number"),
    "Ring is not closed": _("a ring does not close"),
}


def _validity(explanation: str) -> tuple[str, str]:
    """GEOS's "Self-intersection[120.1 28]" as (a reason people read, "120.1, 28")."""
    reason, _bracket, where = explanation.partition("[")
    where = where.rstrip("]").replace(" ", ", ")
    return REASONS.get(reason.strip(), _("its rings do not make an outline")), where
