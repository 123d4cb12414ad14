"""Map files as the office receives them: GeoJSON, KML or KMZ, and zipped Shapefiles.

Each reader gives the file's features in order, each with its properties as
text and its geometry as GeoJSON, not yet checked (``shapes.geometry_checked``
does that, with the city's seat). A file is read within bounds — its size, the
members of a zip and what they unpack to, the number of features and points —
so a small file that claims a huge one is refused at once. XML is read with
defusedxml (no entity expansion). A Shapefile must be in longitude-latitude: a
projected one (a .prj with PROJCS) is refused with a word on how to export it.
"""

import io
import json
import reprlib
import zipfile
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeXml
import shapefile
from defusedxml import DefusedXmlException

from guatu.core.geo.shapes import GeoError, Place
from guatu.core.i18n import gettext_noop as _

__all__ = ["MAX_FEATURES", "MAX_FILE_BYTES", "Feature", "read_features"]

#: The largest map file taken (a county's towns as a Shapefile are a few MB).
MAX_FILE_BYTES = 20 * 2**20
#: What a zip may unpack to in all, and how many members it may have.
MAX_UNPACKED_BYTES = 100 * 2**20
MAX_MEMBERS = 50
#: The most features one file may carry.
MAX_FEATURES = 20_000
#: The longest property value kept.
MAX_VALUE = 200
#: The suffixes read, lower case.
SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".zip")


@dataclass(frozen=True)
class Feature:
    """One feature of a file: where it is (for messages), its properties, its geometry."""

    number: int
    place: Place
    geometry: Any
    properties: dict[str, str] = field(default_factory=dict)


def read_features(name: str, data: bytes) -> list[Feature]:
    """The features of the file called *name* holding *data*; ``GeoError`` if unreadable."""
    if len(data) > MAX_FILE_BYTES:
        raise GeoError(_("the file is larger than %(most)s MB"), most=MAX_FILE_BYTES // 2**20)
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("geojson", "json"):
        features = _geojson(data)
    elif suffix == "kml":
        features = _kml(data)
    elif suffix in ("kmz", "zip"):
        features = _zipped(data)
    else:
        raise GeoError(
            _("%(name)s: not a map file (GeoJSON, KML, KMZ or a zipped Shapefile)"),
            name=name[:80],
        )
    if not features:
        raise GeoError(_("the file has no features"))
    return features


def _too_many(count: int) -> None:
    if count > MAX_FEATURES:
        raise GeoError(_("the file has more than %(most)s features"), most=MAX_FEATURES)


_REPR = reprlib.Repr(maxlevel=2, maxlist=4, maxdict=4, maxstring=MAX_VALUE, maxother=40)


def _text(value: Any) -> str:
    """A property as text: a nested value shown briefly, never walked deep (a hostile file)."""
    text = "" if value is None else value if isinstance(value, str) else _REPR.repr(value)
    return "".join(ch for ch in text if ch >= " " or ch == "\t").strip()[:MAX_VALUE]


# GeoJSON ------------------------------------------------------------------------------

#: The coordinate systems that are longitude-latitude on WGS84 or CGCS2000.
LONLAT_CRS = ("crs84", "4326", "4490")


def _geojson(data: bytes) -> list[Feature]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise GeoError(_("not valid GeoJSON (JSON in UTF-8)")) from None
    if not isinstance(document, dict):
        raise GeoError(_("not valid GeoJSON: expected an object"))
    crs = document.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = _text(properties.get("name") if isinstance(properties, dict) else crs)
        if not any(code in name.lower() for code in LONLAT_CRS):
            raise GeoError(
                _(
                    "coordinate system %(crs)s: export the file in longitude-latitude "
                    "(WGS84, EPSG:4326, or CGCS2000, EPSG:4490)"
                ),
                crs=name[:60],
            )
    kind = document.get("type")
    if kind == "FeatureCollection":
        items = document.get("features")
        if not isinstance(items, list):
            raise GeoError(_("not valid GeoJSON: a FeatureCollection without features"))
    elif kind == "Feature":
        items = [document]
    else:
        items = [{"type": "Feature", "geometry": document, "properties": {}}]
    _too_many(len(items))
    features = []
    for number, item in enumerate(items, start=1):
        place: Place = (_("feature %(number)s"), {"number": number})
        if not isinstance(item, dict):
            raise GeoError(_("not a GeoJSON Feature"), place=place)
        properties = item.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        features.append(
            Feature(
                number,
                place,
                item.get("geometry"),
                {str(key)[:MAX_VALUE]: _text(value) for key, value in properties.items()},
            )
        )
    return features


# KML ----------------------------------------------------------------------------------


def _kml(data: bytes) -> list[Feature]:
    try:
        root = SafeXml.fromstring(data)
    except (SafeXml.ParseError, DefusedXmlException, ValueError):
        raise GeoError(_("not valid KML (XML)")) from None
    placemarks = [node for node in root.iter() if _local(node.tag) == "Placemark"]
    _too_many(len(placemarks))
    features = []
    for number, placemark in enumerate(placemarks, start=1):
        place: Place = (_("placemark %(number)s"), {"number": number})
        properties: dict[str, str] = {}
        # Its own children only (a placemark's subtree is read once, never a nested one's).
        for node in placemark:
            tag = _local(node.tag)
            if tag == "Placemark":
                raise GeoError(_("a placemark inside a placemark"), place=place)
            if tag == "name" and "name" not in properties:
                properties["name"] = _text(node.text)
            elif tag == "ExtendedData":
                _kml_data(node, properties)
        features.append(Feature(number, place, _kml_geometry(placemark, place), properties))
    return features


def _kml_data(extended: Any, properties: dict[str, str]) -> None:
    """``<Data name><value>`` and ``<SchemaData><SimpleData name>`` of an ExtendedData."""
    for node in extended:
        tag = _local(node.tag)
        if tag == "Data" and node.get("name"):
            value = next((n for n in node if _local(n.tag) == "value"), None)
            properties[node.get("name", "")[:MAX_VALUE]] = _text(
                value.text if value is not None else ""
            )
        elif tag == "SchemaData":
            for simple in node:
                if _local(simple.tag) == "SimpleData" and simple.get("name"):
                    properties[simple.get("name", "")[:MAX_VALUE]] = _text(simple.text)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kml_geometry(placemark: Any, place: Place) -> dict[str, Any] | None:
    parts = []
    for node in placemark:
        tag = _local(node.tag)
        if tag == "MultiGeometry":
            parts += [_kml_part(child, place) for child in node if _local(child.tag) in _KML]
        elif tag in _KML:
            parts.append(_kml_part(node, place))
    if not parts:
        raise GeoError(_("the placemark has no Point, LineString or Polygon"), place=place)
    if len(parts) == 1:
        return parts[0]
    kinds = {part["type"] for part in parts}
    if len(kinds) > 1:
        raise GeoError(
            _("a placemark mixes points, lines and outlines: give each its own placemark"),
            place=place,
        )
    return {"type": "Multi" + kinds.pop(), "coordinates": [part["coordinates"] for part in parts]}


_KML = ("Point", "LineString", "LinearRing", "Polygon")


def _kml_part(node: Any, place: Place) -> dict[str, Any]:
    tag = _local(node.tag)
    if tag == "Polygon":
        rings = []
        for boundary in node:
            if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                for ring in boundary.iter():
                    if _local(ring.tag) == "LinearRing":
                        rings.append((_local(boundary.tag), _kml_coordinates(ring, place)))
        rings.sort(key=lambda pair: pair[0] != "outerBoundaryIs")
        return {"type": "Polygon", "coordinates": [coordinates for _side, coordinates in rings]}
    coordinates = _kml_coordinates(node, place)
    if tag == "Point":
        return {"type": "Point", "coordinates": coordinates[0] if coordinates else None}
    if tag == "LinearRing":
        return {"type": "Polygon", "coordinates": [coordinates]}
    return {"type": "LineString", "coordinates": coordinates}


def _kml_coordinates(node: Any, place: Place) -> list[list[float]]:
    text = next((n.text or "" for n in node.iter() if _local(n.tag) == "coordinates"), "")
    points = []
    for token in text.split():
        try:
            points.append([float(number) for number in token.split(",")])
        except ValueError:
            raise GeoError(
                _('"%(value)s" is not "longitude,latitude"'), place=place, value=token[:40]
            ) from None
    return points


# Zips: KMZ and Shapefiles --------------------------------------------------------------


def _zipped(data: bytes) -> list[Feature]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        raise GeoError(_("not a readable zip file")) from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise GeoError(
            _("the zip unpacks to more than %(most)s MB or %(count)s files"),
            most=MAX_UNPACKED_BYTES // 2**20,
            count=MAX_MEMBERS,
        )
    by_suffix: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        suffix = member.filename.lower().rsplit(".", 1)[-1]
        by_suffix.setdefault(suffix, member)

    def read(suffix: str) -> bytes | None:
        member = by_suffix.get(suffix)
        if member is None:
            return None
        try:
            with archive.open(member) as handle:
                content = handle.read(member.file_size + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            raise GeoError(
                _("%(name)s in the zip cannot be read"), name=member.filename[:80]
            ) from None
        if len(content) > member.file_size:
            raise GeoError(
                _("%(name)s in the zip is larger than it says"), name=member.filename[:80]
            )
        return content

    if "kml" in by_suffix:
        if by_suffix["kml"].file_size > MAX_FILE_BYTES:  # as large as a file sent alone
            raise GeoError(_("the file is larger than %(most)s MB"), most=MAX_FILE_BYTES // 2**20)
        return _kml(read("kml") or b"")
    if "shp" not in by_suffix:
        raise GeoError(_("the zip holds neither a KML file nor a Shapefile (.shp, .shx, .dbf)"))
    return _shapefile(read("shp") or b"", read("shx"), read("dbf"), read("prj"), read("cpg"))


def _shapefile(
    shp: bytes, shx: bytes | None, dbf: bytes | None, prj: bytes | None, cpg: bytes | None
) -> list[Feature]:
    if dbf is None:
        raise GeoError(_("the Shapefile's .dbf (its attributes) is missing from the zip"))
    if prj is not None and (b"PROJCS" in prj.upper() or b"PROJCRS" in prj.upper()):
        raise GeoError(
            _(
                "the Shapefile is in projected coordinates (its .prj): export it in "
                "longitude-latitude (WGS84 or CGCS2000)"
            )
        )
    encoding = (cpg or b"").decode("ascii", "replace").strip() or "utf-8"
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp),
            shx=io.BytesIO(shx) if shx else None,
            dbf=io.BytesIO(dbf),
            encoding=_encoding(encoding),
            encodingErrors="replace",
        )
        count = len(reader)
        _too_many(count)
        names = [f[0] for f in reader.fields[1:]]
        features = []
        for number, record in enumerate(reader.iterShapeRecords(), start=1):
            place: Place = (_("record %(number)s"), {"number": number})
            if record.shape.shapeType == shapefile.NULL:
                raise GeoError(_("the record has no shape"), place=place)
            features.append(
                Feature(
                    number,
                    place,
                    record.shape.__geo_interface__,
                    {name: _text(value) for name, value in zip(names, record.record, strict=False)},
                )
            )
    except GeoError:
        raise
    except Exception:  # pyshp raises what it meets on a malformed file: none may escape
        raise GeoError(_("the Shapefile cannot be read (.shp, .shx and .dbf must match)")) from None
    return features


def _encoding(name: str) -> str:
    """A .cpg names the attributes' encoding; Chinese GIS files often say GBK or 936."""
    name = name.lower()
    if name in ("936", "cp936", "gbk", "gb2312", "gb18030"):
        return "gb18030"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name
