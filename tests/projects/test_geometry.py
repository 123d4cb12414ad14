"""Places on the map: set by the office on every path (service, API, page, map file, ledger),
checked at the field or the feature, nothing written on error, another city's never touched."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guatu.audit.models import AuditEntry
from guatu.ledger.city_setup import city_init
from guatu.ledger.importing import ledger_import
from guatu.org.models import City, Department, Town
from guatu.projects.geometry import city_seat, place_set, places_import
from guatu.projects.models import Project, WorkItem
from tests.ledger.files import TITLE, csv_file, xlsx
from tests.ledger.test_city_setup import workbook_with
from tests.office import office

pytestmark = pytest.mark.django_db
JSON = "application/json"
SEAT = (120.05, 28.885)
POINT = {"type": "Point", "coordinates": [120.05, 28.89]}
LINE = {"type": "LineString", "coordinates": [[120.0, 28.88], [120.1, 28.9]]}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.0, 28.8], [120.1, 28.8], [120.1, 28.9], [120.0, 28.9], [120.0, 28.8]]],
}


@pytest.fixture
def seated(city):
    city.longitude, city.latitude = SEAT
    city.save()
    return city


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _collection(*features) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": geometry, "properties": properties}
                for geometry, properties in features
            ],
        }
    ).encode()


def test_the_office_places_and_others_are_refused_audited(seated, project, users, make_item):
    item = make_item("a")
    place_set(actor=users["supervisor"], target=project, geometry=LINE)
    place_set(actor=users["supervisor"], target=item, geometry=POINT)
    project.refresh_from_db()
    item.refresh_from_db()
    assert project.geometry == LINE and item.geometry == POINT
    for role in ("town", "department", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            place_set(actor=users[role], target=item, geometry=None)
    item.refresh_from_db()
    assert item.geometry == POINT
    assert AuditEntry.objects.filter(action="place_set", allowed=False).count() == 4
    place_set(actor=users["supervisor"], target=item, geometry=None)
    item.refresh_from_db()
    assert item.geometry is None


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        ({"type": "Point", "coordinates": [28.89, 120.05]}, "不在中国范围内"),
        ({"type": "Point", "coordinates": [116.4, 39.9]}, "距本市"),
        ({"type": "Point", "coordinates": [1e30, 28.9]}, "不在中国范围内"),
        ({"type": "LineString", "coordinates": [[120.0, 28.9]]}, "至少需要两个点"),
        ({"type": "Feature"}, "不是几何图形"),
    ],
)
def test_a_bad_place_is_refused_at_the_field_in_chinese(seated, project, users, geometry, words):
    with pytest.raises(ValidationError) as caught:
        place_set(actor=users["supervisor"], target=project, geometry=geometry)
    assert words in caught.value.message_dict["geometry"][0]
    project.refresh_from_db()
    assert project.geometry is None


def test_the_seat_is_the_citys_or_the_middle_of_its_towns(city, towns, users):
    assert city_seat(city) is None
    for town, west in zip(towns.values(), (120.0, 120.1), strict=True):
        box = [[west, 28.8], [west + 0.1, 28.8], [west + 0.1, 28.9], [west, 28.9], [west, 28.8]]
        place_set(
            actor=users["supervisor"],
            target=town,
            geometry={"type": "Polygon", "coordinates": [box]},
        )
    assert city_seat(city) == pytest.approx((120.1, 28.85))
    city.longitude, city.latitude = SEAT
    city.save()
    assert city_seat(city) == SEAT


def test_a_map_file_places_projects_items_and_towns_in_one_go(seated, project, towns, make_item):
    item = make_item("a")
    data = _collection(
        (LINE, {"project": "railway"}),
        (POINT, {"project": "railway", "item": "a"}),
        (SQUARE, {"镇街": "石柱镇"}),
        (SQUARE, {"name": "前仓镇"}),
    )
    counts = places_import(actor=office(), city=seated, name="places.geojson", data=data)
    assert (counts.projects, counts.items, counts.towns) == (1, 1, 2)
    project.refresh_from_db()
    item.refresh_from_db()
    assert project.geometry == LINE and item.geometry == POINT
    assert towns["前仓镇"].__class__.objects.get(pk=towns["前仓镇"].pk).geometry == SQUARE
    # Uploaded to the project: a lone feature without a name is the project's own place.
    places_import(
        actor=office(),
        city=seated,
        name="one.geojson",
        data=_collection((POINT, {})),
        project=project,
    )
    project.refresh_from_db()
    assert project.geometry == POINT


def test_a_file_with_problems_names_each_at_its_feature_and_writes_nothing(
    seated, project, make_item
):
    make_item("a")
    data = _collection(
        (POINT, {"project": "railway", "item": "a"}),
        ({"type": "Point", "coordinates": [28.89, 120.05]}, {"project": "railway"}),
        (POINT, {"project": "nowhere"}),
        (POINT, {"project": "railway", "item": "zz"}),
        (POINT, {"project": "railway", "item": "a"}),
        (POINT, {"colour": "red"}),
    )
    with pytest.raises(ValidationError) as caught:
        places_import(actor=office(), city=seated, name="places.geojson", data=data)
    messages = caught.value.messages
    assert messages[0].startswith("第 2 个要素：") and "不在中国范围内" in messages[0]
    assert messages[1] == "第 3 个要素：本市没有项目 nowhere"
    assert messages[2].startswith("第 4 个要素：") and "没有事项 zz" in messages[2]
    assert messages[3].startswith("第 5 个要素：") and "第 1 个要素" in messages[3]
    assert messages[4].startswith("第 6 个要素：请注明")
    assert not WorkItem.objects.filter(geometry__isnull=False).exists()
    with pytest.raises(ValidationError, match="不是有效的 KML"):
        places_import(actor=office(), city=seated, name="a.kml", data=b"<kml>")


def test_another_citys_project_is_not_found_by_its_code(seated, project, users):
    other = City.objects.create(name="别市", code="330800")
    department = Department.everywhere.create(city=other, name="别市交通局")
    Project.everywhere.create(
        city=other, code="other", name="别市项目", start_date=date(2019, 1, 1),
        owner_department=department,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="本市没有项目 other"):
        places_import(
            actor=office(),
            city=seated,
            name="a.geojson",
            data=_collection((POINT, {"project": "other"})),
        )
    assert Project.everywhere.get(code="other").geometry is None


def test_the_api_reads_and_writes_geometry_for_the_office_only(seated, project, users, make_item):
    item = make_item("a")
    office_client = client_of(users["supervisor"])
    answer = office_client.patch("/api/v1/projects/railway", {"geometry": LINE}, content_type=JSON)
    assert answer.status_code == 200, answer.content
    assert answer.json()["geometry"] == LINE
    answer = office_client.patch(f"/api/v1/items/{item.pk}", {"geometry": POINT}, content_type=JSON)
    assert answer.status_code == 200 and answer.json()["geometry"] == POINT
    listed = office_client.get("/api/v1/projects/railway/items").json()
    assert [row["geometry"] for row in listed] == [POINT]
    assert office_client.get(f"/api/v1/items/{item.pk}").json()["geometry"] == POINT
    projects = office_client.get("/api/v1/projects").json()
    assert [row["geometry"] for row in projects] == [LINE]
    bad = office_client.patch(
        "/api/v1/projects/railway",
        {"geometry": {"type": "Point", "coordinates": [1e30, 28.9]}, "name": "改名"},
        content_type=JSON,
    )
    assert bad.status_code in (400, 422) and "geometry" in bad.text
    project.refresh_from_db()
    assert project.name == "金台铁路永康段" and project.geometry == LINE
    town = client_of(users["town"])
    refused = town.patch(f"/api/v1/items/{item.pk}", {"geometry": None}, content_type=JSON)
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.geometry == POINT
    features = town.get("/api/v1/geo/features").json()
    assert {f["properties"]["kind"] for f in features["features"]} == {"project", "item"}
    assert town.get("/api/v1/geo/features", {"project": "nowhere"}).status_code == 404
    assert town.get("/api/v1/geo/features", {"light": "purple"}).status_code in (400, 422)
    upload = SimpleUploadedFile("a.geojson", _collection((SQUARE, {"town": "石柱镇"})))
    assert town.post("/api/v1/geo/places", {"file": upload}).status_code == 403
    upload.seek(0)
    placed = office_client.post("/api/v1/geo/places", {"file": upload})
    assert placed.status_code == 200 and placed.json() == {"projects": 0, "items": 0, "towns": 1}
    towns = town.get("/api/v1/geo/towns").json()
    assert [f["properties"]["name"] for f in towns["features"]] == ["石柱镇"]


def test_the_page_places_from_a_file_or_a_written_place(seated, project, users, make_item):
    make_item("a")
    page = client_of(users["supervisor"])
    assert client_of(users["town"]).get("/map/places/").status_code == 403
    assert "项目上图" in page.get("/map/places/").text
    upload = SimpleUploadedFile("a.geojson", _collection((LINE, {"project": "railway"})))
    sent = page.post("/map/places/", {"form": "file", "file": upload}, follow=True)
    assert "已放置 1 个项目、0 个事项、0 个镇街区" in sent.text
    broken = SimpleUploadedFile("a.geojson", b"{broken")
    refused = page.post("/map/places/", {"form": "file", "file": broken})
    assert refused.status_code == 200 and "不是有效的 GeoJSON" in refused.text
    written = page.post(
        "/map/places/",
        {"form": "text", "one-project": "railway", "one-item": "a", "one-place": "120.05，28.89"},
        follow=True,
    )
    assert "已放置 事项a" in written.text
    assert WorkItem.objects.get(code="a").geometry == POINT
    wrong = page.post(
        "/map/places/",
        {"form": "text", "one-project": "railway", "one-place": "28.89, 120.05"},
    )
    assert "不在中国范围内" in wrong.text
    project.refresh_from_db()
    assert project.geometry == LINE


def test_the_ledger_reads_a_place_column_and_names_a_bad_cell(seated, project, towns, tmp_path):
    header = ["项目编码", "项目名称", "专项", "牵头单位", "开工日期", "目标日期", "空间位置"]
    row = ["railway", "金台铁路永康段", "", "交通局", "2016-07-01", "2020-06-30"]
    good = xlsx(tmp_path / "good.xlsx", {"项目": [[TITLE], header, [*row, "120.05, 28.89"]]})
    result = ledger_import(source=good, actor=office(), city=seated, today=date(2019, 11, 15))
    assert result.written, [str(p) for p in result.problems]
    project.refresh_from_db()
    assert project.geometry == POINT
    bad = xlsx(tmp_path / "bad.xlsx", {"项目": [[TITLE], header, [*row, "LINESTRING (120"]]})
    result = ledger_import(source=bad, actor=office(), city=seated, today=date(2019, 11, 15))
    assert not result.written
    problem = str(result.problems[0])
    assert "项目" in problem and "G" in problem and "WKT" in problem, problem
    project.refresh_from_db()
    assert project.geometry == POINT


def test_the_organisation_workbook_carries_town_outlines_checked_together():
    wkt = "POLYGON ((120 28.8, 120.1 28.8, 120.1 28.9, 120 28.9, 120 28.8))"
    far = "POLYGON ((116 39.8, 116.1 39.8, 116.1 39.9, 116 39.9, 116 39.8))"
    refused = city_init(
        source=workbook_with({"镇街区": {"D3": wkt, "D4": "28.89, 120.05", "D5": far}}),
        name="org.xlsx",
    )
    found = {(p.sheet, p.row, p.column): str(p) for p in refused.problems}
    assert ("镇街区", 4, "D（边界）") in found and "不在中国范围内" in found[
        ("镇街区", 4, "D（边界）")
    ]
    assert not refused.written and not City.objects.exists()
    made = city_init(source=workbook_with({"镇街区": {"D3": wkt}}), name="org.xlsx")
    assert made.written, [str(p) for p in made.problems]
    assert Town.objects.get(name="石柱镇").geometry == SQUARE
    assert Town.objects.get(name="江南街道").geometry is None


def test_every_other_path_checks_a_place_by_the_same_rule(seated, project, users, make_item):
    from guatu.projects.services import project_update, work_item_update

    item = make_item("a")
    wrong = {"type": "Point", "coordinates": [28.89, 120.05]}
    with pytest.raises(ValidationError) as caught:
        project_update(project=project, actor=users["supervisor"], geometry=wrong)
    assert "不在中国范围内" in caught.value.message_dict["geometry"][0]
    with pytest.raises(ValidationError):
        work_item_update(item=item, actor=users["supervisor"], geometry=wrong)
    # The admin shows a place but does not edit it (the 项目上图 page, API and ledger do).
    admin = Client()
    admin.force_login(users["supervisor"])
    page = admin.get(f"/admin/projects/project/{project.pk}/change/")
    assert page.status_code == 200 and "空间位置" in page.text
    assert 'name="geometry"' not in page.text


def test_a_control_character_in_a_name_is_refused_where_it_is_typed(
    seated, project, users, tmp_path
):
    """No 布局图 (SVG), public feed or workbook can carry one: refused on every path."""
    from guatu.projects.services import project_update, work_item_create

    with pytest.raises(ValidationError) as caught:
        project_update(project=project, actor=users["supervisor"], name="金台\x0b铁路")
    assert "控制字符" in caught.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as caught:
        work_item_create(
            actor=users["supervisor"], project=project, code="x", name="事项\x07", duration_days=1
        )
    assert "name" in caught.value.message_dict
    path = csv_file(
        tmp_path / "items.csv",
        [["项目编码", "事项编码", "事项名称"], ["railway", "x1", "清表\x0b一段"]],
    )
    result = ledger_import(source=path, actor=office(), city=seated, today=date(2019, 11, 15))
    assert not result.written and "控制字符" in str(result.problems[0]), result.problems
    assert not WorkItem.objects.filter(code="x1").exists()
    project.refresh_from_db()
    assert project.name == "金台铁路永康段"


def test_a_nul_in_a_project_code_is_refused_at_the_field_not_a_500(seated, project, users):
    """PostgreSQL refuses a NUL in a lookup (a 500 there): the code is a slug at the field."""
    office_client = client_of(users["supervisor"])
    assert office_client.get("/api/v1/geo/features", {"project": "\x00"}).status_code == 422
    upload = SimpleUploadedFile("a.geojson", _collection((POINT, {})))
    sent = office_client.post("/api/v1/geo/places", {"file": upload, "project": "\x00"})
    assert sent.status_code == 400 and "project" in sent.json()["errors"]
    drafted = office_client.post(
        "/api/v1/bulletins", {"period": "", "project": "\x00"}, content_type=JSON
    )
    assert drafted.status_code == 422, drafted.content
