"""core.geo: geometries checked, map files read (good and broken), cells, distances."""

import io
import json
import zipfile

import pytest
import shapefile

from guatu.core.geo.files import MAX_FEATURES, read_features
from guatu.core.geo.measure import distance_m, extent
from guatu.core.geo.shapes import GeoError, geometry_checked, haversine_m
from guatu.core.geo.text import geometry_from_text, geometry_text

SEAT = (120.05, 28.885)
SQUARE = [[120.0, 28.8], [120.1, 28.8], [120.1, 28.9], [120.0, 28.9], [120.0, 28.8]]


def test_a_geometry_is_kept_two_dimensional_and_rounded():
    value = {"type": "LineString", "coordinates": [[120.123456789, 28.9, 55], [120.2, 28.95]]}
    assert geometry_checked(value, seat=SEAT) == {
        "type": "LineString",
        "coordinates": [[120.1234568, 28.9], [120.2, 28.95]],
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"type": "Point", "coordinates": [28.9, 120.05]}, "outside China"),
        ({"type": "Point", "coordinates": [116.4, 39.9]}, "km from the city"),
        ({"type": "Point", "coordinates": [float("nan"), 28.9]}, "longitude and latitude pair"),
        ({"type": "Point", "coordinates": [1e30, 28.9]}, "outside China"),
        ({"type": "Point", "coordinates": [True, 28.9]}, "longitude and latitude pair"),
        ({"type": "Point", "coordinates": "120,28"}, "longitude and latitude pair"),
        ({"type": "LineString", "coordinates": [[120.0, 28.9]]}, "at least two points"),
        ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "must close"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[120.0, 28.8], [120.1, 28.9], [120.1, 28.8], [120.0, 28.9], [120.0, 28.8]]
                ],
            },
            "its boundary crosses itself at 120.05, 28.85",
        ),
        ({"type": "GeometryCollection", "geometries": []}, "not a geometry"),
        ({"type": "Polygon", "coordinates": []}, "missing or not nested"),
        ("POINT (120 28)", "not a geometry"),
    ],
)
def test_bad_geometries_are_refused_with_their_reason(value, words):
    with pytest.raises(GeoError) as caught:
        geometry_checked(value, seat=SEAT)
    assert words in str(caught.value)


def test_too_many_points_are_refused():
    line = [[120.0 + i * 1e-6, 28.9] for i in range(100_001)]
    with pytest.raises(GeoError, match="100000 in one geometry"):
        geometry_checked({"type": "LineString", "coordinates": line})


def test_far_from_the_seat_is_judged_only_when_the_seat_is_known():
    beijing = {"type": "Point", "coordinates": [116.4, 39.9]}
    assert geometry_checked(beijing)["coordinates"] == [116.4, 39.9]


def test_distances_in_metres():
    # One thousandth of a degree of latitude is 111.2 m; of longitude at 28.885° N, 97.4 m.
    assert round(haversine_m((120.0, 28.0), (120.0, 28.001)), 1) == 111.2
    point = {"type": "Point", "coordinates": [120.001, 28.885]}
    assert distance_m(120.0, 28.885, point) == pytest.approx(97.39, abs=0.05)
    line = {"type": "LineString", "coordinates": [[120.0, 28.89], [120.1, 28.89]]}
    assert distance_m(120.05, 28.885, line) == pytest.approx(556.0, abs=0.5)
    assert distance_m(120.05, 28.85, {"type": "Polygon", "coordinates": [SQUARE]}) == 0.0
    assert extent([None, line]) == (120.0, 28.89, 120.1, 28.89)
    assert extent([]) is None


def test_cells_read_wkt_and_pairs():
    assert geometry_from_text("") is None
    assert geometry_from_text("120.05，28.89") == {"type": "Point", "coordinates": [120.05, 28.89]}
    polygon = geometry_from_text(
        "POLYGON ((120 28.8, 120.1 28.8, 120.1 28.9, 120 28.9, 120 28.8))", seat=SEAT
    )
    assert polygon == {"type": "Polygon", "coordinates": [SQUARE]}
    assert (
        geometry_text(polygon) == "POLYGON ((120 28.8, 120.1 28.8, 120.1 28.9, 120 28.9, 120 28.8))"
    )
    assert geometry_from_text(geometry_text(polygon)) == polygon
    with pytest.raises(GeoError, match="neither WKT"):
        geometry_from_text("POINT (120")
    with pytest.raises(GeoError, match="outside China"):
        geometry_from_text("28.89, 120.05")
    with pytest.raises(GeoError, match="longer than"):
        geometry_from_text("1" * 40_000)


# Files ------------------------------------------------------------------------------


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(geometry, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_geojson_is_read_feature_by_feature():
    data = _collection(
        _feature({"type": "Point", "coordinates": [120.05, 28.89]}, project="park-shizhu"),
        _feature({"type": "LineString", "coordinates": [[120, 28.9], [120.1, 28.9]]}, item=3),
    )
    features = read_features("places.geojson", data)
    assert [f.number for f in features] == [1, 2]
    assert features[0].properties == {"project": "park-shizhu"}
    assert features[1].properties == {"item": "3"}
    assert features[1].place == ("feature %(number)s", {"number": 2})
    bare = read_features(
        "one.json", json.dumps({"type": "Point", "coordinates": [120, 28.9]}).encode()
    )
    assert bare[0].geometry["type"] == "Point"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.geojson", b"{not json", "not valid GeoJSON"),
        ("a.geojson", b"[1, 2]", "expected an object"),
        ("a.geojson", b'{"type": "FeatureCollection"}', "without features"),
        ("a.geojson", b'{"type": "FeatureCollection", "features": []}', "no features"),
        (
            "a.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "EPSG:4549"}},
                    "features": [],
                }
            ).encode(),
            "EPSG:4549",
        ),
        ("a.kml", b"<kml><Placemark>", "not valid KML"),
        (
            "a.kml",
            b"<kml><Document><Placemark><name>x</name></Placemark></Document></kml>",
            "no Point",
        ),
        ("a.zip", b"PK\x03\x04 broken", "not a readable zip"),
        ("a.docx", b"anything", "not a map file"),
        ("a.geojson", b" " * (20 * 2**20 + 1), "larger than 20 MB"),
    ],
)
def test_broken_files_are_refused_with_a_reason(name, data, words):
    with pytest.raises(GeoError) as caught:
        read_features(name, data)
    assert words in str(caught.value)


def test_a_file_claiming_too_many_features_is_refused():
    data = _collection(*[_feature(None) for _ in range(MAX_FEATURES + 1)])
    with pytest.raises(GeoError, match="more than 20000 features"):
        read_features("many.geojson", data)


def test_an_xml_bomb_is_refused_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Placemark><name>&b;</name>'
        b"<Point><coordinates>120,28.9</coordinates></Point></Placemark></kml>"
    )
    with pytest.raises(GeoError, match="not valid KML"):
        read_features("bomb.kml", bomb)


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>石柱镇小微企业园</name>
  <ExtendedData><Data name="project"><value>park-shizhu</value></Data></ExtendedData>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>
    120.0,28.8,0 120.1,28.8,0 120.1,28.9,0 120.0,28.9,0 120.0,28.8,0
  </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>站房</name><Point><coordinates>120.05,28.89</coordinates></Point></Placemark>
<Placemark><name>两段</name><MultiGeometry>
  <LineString><coordinates>120,28.9 120.1,28.9</coordinates></LineString>
  <LineString><coordinates>120.1,28.9 120.2,28.95</coordinates></LineString>
</MultiGeometry></Placemark>
</Document></kml>"""


def test_kml_and_kmz_are_read_with_their_names_and_data():
    for name, data in (("a.kml", KML.encode()), ("a.kmz", _zip({"doc.kml": KML.encode()}))):
        features = read_features(name, data)
        assert [f.properties.get("name") for f in features] == ["石柱镇小微企业园", "站房", "两段"]
        assert features[0].properties["project"] == "park-shizhu"
        assert geometry_checked(features[0].geometry, seat=SEAT)["coordinates"] == [SQUARE]
        assert features[1].geometry == {"type": "Point", "coordinates": [120.05, 28.89]}
        assert features[2].geometry["type"] == "MultiLineString"
        assert features[2].place == ("placemark %(number)s", {"number": 3})


def test_kml_with_a_bad_coordinate_names_its_placemark():
    data = KML.replace("120.05,28.89", "东经120").encode()
    with pytest.raises(GeoError) as caught:
        read_features("a.kml", data)
    assert str(caught.value).startswith("placemark 2: ")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _shapefile(prj: str | None = None, encoding: str = "utf-8") -> dict[str, bytes]:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
    ) as w:
        w.field("town", "C", size=50)
        w.poly([SQUARE])
        w.record("石柱镇")
        w.poly([[[120.1, 28.8], [120.2, 28.8], [120.2, 28.9], [120.1, 28.9], [120.1, 28.8]]])
        w.record("前仓镇")
    members = {
        "towns.shp": shp.getvalue(),
        "towns.shx": shx.getvalue(),
        "towns.dbf": dbf.getvalue(),
    }
    if prj is not None:
        members["towns.prj"] = prj.encode()
    if encoding != "utf-8":
        members["towns.cpg"] = b"GBK"
    return members


def test_a_zipped_shapefile_is_read_in_utf8_and_gbk():
    for encoding in ("utf-8", "gbk"):
        features = read_features("towns.zip", _zip(_shapefile(encoding=encoding)))
        assert [f.properties["town"] for f in features] == ["石柱镇", "前仓镇"]
        checked = geometry_checked(features[0].geometry, seat=SEAT)
        assert checked["type"] == "Polygon"
        assert features[1].place == ("record %(number)s", {"number": 2})


def test_a_projected_or_incomplete_shapefile_is_refused():
    projected = _shapefile(prj='PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_2000"]]')
    with pytest.raises(GeoError, match="projected coordinates"):
        read_features("towns.zip", _zip(projected))
    members = _shapefile()
    del members["towns.dbf"]
    with pytest.raises(GeoError, match=r"\.dbf"):
        read_features("towns.zip", _zip(members))
    members = _shapefile()
    members["towns.shp"] = members["towns.shp"][:120]
    with pytest.raises(GeoError, match="cannot be read"):
        read_features("towns.zip", _zip(members))
    with pytest.raises(GeoError, match="neither a KML file nor a Shapefile"):
        read_features("towns.zip", _zip({"readme.txt": b"hello"}))


def test_a_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.shp", b"\0" * (101 * 2**20))
    with pytest.raises(GeoError, match="unpacks to more than 100 MB"):
        read_features("bomb.zip", out.getvalue())


def test_hostile_nesting_is_named_briefly_not_walked():
    deep = "[" * 900 + "]" * 900
    data = (
        '{"type": "Feature", "properties": {"name": ' + deep + '}, "geometry": '
        '{"type": "Point", "coordinates": ' + deep + "}}"
    ).encode()
    feature = read_features("deep.geojson", data)[0]
    assert len(feature.properties["name"]) < 40
    with pytest.raises(GeoError, match=r"\[\[\[\[\.\.\.\]\]\]\] is not a longitude"):
        geometry_checked(feature.geometry)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "a.geojson",
            b'{"type": "FeatureCollection", "crs": {"properties": [1]}, "features": []}',
            "coordinate system {'properties': [1]}",
        ),
        (
            "a.kml",
            b"<kml><Placemark><Placemark><name>x</name></Placemark></Placemark></kml>",
            "a placemark inside a placemark",
        ),
    ],
)
def test_odd_files_are_refused_not_crashed(name, data, words):
    with pytest.raises(GeoError) as caught:
        read_features(name, data)
    assert words in str(caught.value)


def test_odd_values_are_refused_not_crashed():
    with pytest.raises(GeoError, match="longitude and latitude pair"):
        geometry_checked({"type": "Point", "coordinates": [10**400, 28]})
    with pytest.raises(GeoError, match="neither WKT"):
        geometry_from_text("CIRCULARSTRING (120 28, 120.1 28.1, 120.2 28)")
    wkt2 = 'PROJCRS["CGCS2000 / 3-degree Gauss-Kruger CM 120E"]'
    with pytest.raises(GeoError, match="projected coordinates"):
        read_features("towns.zip", _zip(_shapefile(prj=wkt2)))


def test_a_cell_keeps_seven_decimals_and_a_place_too_long_for_it_is_kept():
    from guatu.core.geo.text import KEEP, TOO_LONG

    point = {"type": "Point", "coordinates": [120.0512345, 28.8765432]}
    assert geometry_text(point) == "120.0512345, 28.8765432"
    assert geometry_from_text(geometry_text(point)) == point
    line = {"type": "LineString", "coordinates": [[120 + i * 1e-5, 28.9] for i in range(3000)]}
    assert geometry_text(line) == TOO_LONG
    assert geometry_from_text(TOO_LONG, keep=True) is KEEP
    with pytest.raises(GeoError, match="upload the place as a map file"):
        geometry_from_text(TOO_LONG)
