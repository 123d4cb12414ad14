"""Geometry as data: GeoJSON geometries in longitude-latitude (WGS84/CGCS2000).

``shapes`` checks a geometry (China's extent, near the city, valid rings, size);
``files`` reads GeoJSON, KML/KMZ and zipped Shapefiles into features; ``text``
reads a ledger cell (WKT or "longitude, latitude"); ``measure`` gives distances
in metres and the extent of a set of geometries. No Django here.
"""

from guatu.core.geo.shapes import GeoError, geometry_checked

__all__ = ["GeoError", "geometry_checked"]
