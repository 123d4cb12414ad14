"""Distances on the ground in metres, and the extent of a set of geometries.

A site photo is judged within a few hundred metres of its site, so a local
flat projection about the photo's position (equirectangular, metres) is exact
to well under a metre there; shapely measures in that plane.
"""

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, shape

__all__ = ["distance_m", "extent"]

#: Metres in one degree of latitude (mean Earth radius 6,371,008.8 m).
METRES_PER_DEGREE = 2 * math.pi * 6_371_008.8 / 360


def distance_m(lon: float, lat: float, geometry: dict[str, Any]) -> float:
    """Metres from (*lon*, *lat*) to the nearest part of *geometry* (0 inside an outline).

    >>> round(distance_m(120.0, 28.0, {"type": "Point", "coordinates": [120.0, 28.001]}))
    111
    >>> distance_m(120.0, 28.0, {"type": "Polygon", "coordinates": [[[119.9, 27.9],
    ...     [120.1, 27.9], [120.1, 28.1], [119.9, 28.1], [119.9, 27.9]]]})
    0.0
    """
    scale = np.array([math.cos(math.radians(lat)), 1.0]) * METRES_PER_DEGREE
    origin = np.array([lon, lat])
    flat = shapely.transform(shape(geometry), lambda xy: (xy - origin) * scale)
    return float(flat.distance(Point(0.0, 0.0)))


def extent(geometries: Iterable[dict[str, Any] | None]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of every geometry given; None when there are none.

    >>> extent([{"type": "Point", "coordinates": [120.0, 28.0]},
    ...         {"type": "LineString", "coordinates": [[119.5, 28.5], [120.5, 28.2]]}, None])
    (119.5, 28.0, 120.5, 28.5)
    """
    west = south = math.inf
    east = north = -math.inf
    for geometry in geometries:
        if not geometry:
            continue
        w, s, e, n = shape(geometry).bounds
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    if west == math.inf:
        return None
    return west, south, east, north
