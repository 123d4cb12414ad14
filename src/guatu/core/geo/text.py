"""A geometry written in a cell: WKT (``POINT (120.05 28.89)``) or "longitude, latitude".

The ledger and the organisation workbook carry a place as text, since a
spreadsheet has no geometry type: GIS tools export WKT, and a person with a
phone's map app copies a longitude and latitude.
"""

import re
from typing import Any

import shapely
from shapely.errors import ShapelyError
from shapely.geometry import mapping

from guatu.core.geo.shapes import DIGITS, GeoError, Place, geometry_checked
from guatu.core.i18n import gettext_noop as _

__all__ = ["KEEP", "MAX_TEXT", "TOO_LONG", "geometry_from_text", "geometry_text"]

#: The longest cell read as a geometry (Excel's own limit is 32,767 characters).
MAX_TEXT = 32_767
#: What an export writes for a place whose WKT would not fit in a cell (a detailed line),
#: and what reading it back answers: keep the stored place as it is.
TOO_LONG = "（图形过长，保留原有位置）"
KEEP: Any = object()
_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def geometry_from_text(
    text: str,
    *,
    seat: tuple[float, float] | None = None,
    place: Place | None = None,
    keep: bool = False,
) -> dict[str, Any] | None:
    """The geometry a cell holds; None for an empty cell; ``GeoError`` otherwise.

    With *keep*, the export's ``TOO_LONG`` answers ``KEEP`` (leave the stored place); without,
    it is refused (a place typed by hand is never that).

    >>> geometry_from_text("120.05, 28.89")
    {'type': 'Point', 'coordinates': [120.05, 28.89]}
    >>> geometry_from_text("LINESTRING (120 28.9, 120.1 28.95)")["type"]
    'LineString'
    >>> geometry_from_text("here")
    Traceback (most recent call last):
    ...
    guatu.core.geo.shapes.GeoError: "here" is neither WKT nor "longitude, latitude"
    """
    text = (text or "").strip()
    if not text:
        return None
    if text == TOO_LONG:
        if keep:
            return KEEP
        raise GeoError(_("too long for a cell: upload the place as a map file"), place=place)
    if len(text) > MAX_TEXT:
        raise GeoError(_("longer than %(most)s characters"), place=place, most=MAX_TEXT)
    pair = _PAIR.match(text)
    if pair:
        value: Any = {"type": "Point", "coordinates": [float(pair[1]), float(pair[2])]}
    else:
        try:
            value = mapping(shapely.from_wkt(text))
        except (ShapelyError, ValueError, TypeError, NotImplementedError):  # curves too
            raise GeoError(
                _('"%(text)s" is neither WKT nor "longitude, latitude"'),
                place=place,
                text=text[:40],
            ) from None
        value = _lists(value)
    return geometry_checked(value, seat=seat, place=place)


def geometry_text(geometry: dict[str, Any] | None) -> str:
    """The cell for *geometry*: "lon, lat" for a point, WKT otherwise, empty for none.

    >>> geometry_text({"type": "Point", "coordinates": [120.05, 28.89]})
    '120.05, 28.89'
    """
    if not geometry:
        return ""
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"]
        return f"{_degrees(lon)}, {_degrees(lat)}"
    text = shapely.to_wkt(shapely.geometry.shape(geometry), rounding_precision=DIGITS, trim=True)
    return text if len(text) <= MAX_TEXT else TOO_LONG


def _degrees(value: float) -> str:
    """Degrees to the stored 7 decimals, trailing zeros dropped (120.0512345, 28.89)."""
    return f"{value:.{DIGITS}f}".rstrip("0").rstrip(".")


def _lists(value: Any) -> Any:
    """shapely's mapping gives tuples; GeoJSON has lists."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(item) for item in value]
    return value
