"""The map page (/map/, docs/MAP.md "The map page"): who sees it, what it draws (the
features of ``web.geo.map_features``, filtered as the lists filter), its legend's counts
and its list agreeing with them, the 400 of a filter it cannot use, another city's
places never in it, and its Content-Security-Policy with and without a 天地图 key."""

import json
import re
from datetime import date
from html import unescape

import pytest
from django.test import Client

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.org.models import City, Department, Town
from guatu.projects.geometry import place_set
from guatu.projects.models import Project, WorkItem
from guatu.projects.services import work_item_create
from guatu.web.geo import MapFilters, map_features
from guatu.web.views.map import TIANDITU_HOSTS

pytestmark = pytest.mark.django_db

ROLES = ["leader", "supervisor", "dept_jiaotong", "town_shizhu", "admin"]
B_NAME = '建德<b>"乙城"</b>&大道'
B_SEAT = (119.28, 29.47)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _config(response) -> dict:
    """The features and settings the page hands its script (the json_script block)."""
    text = response.content.decode()
    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', text, re.S)
    assert found, "the page carries no map data"
    return json.loads(found[1])


def _ids(collection: dict) -> list[tuple[str, int]]:
    return [(f["properties"]["kind"], f["properties"]["id"]) for f in collection["features"]]


def _listed(response) -> list[tuple[str, int]]:
    text = response.content.decode()
    return [
        (kind, int(pk)) for kind, pk in re.findall(r'<tr data-kind="(\w+)" data-id="(\d+)"', text)
    ]


def _counts(response, attribute: str) -> dict[str, int]:
    text = response.content.decode()
    return {
        code: int(count) for code, count in re.findall(rf'data-{attribute}="(\w+)">(\d+)<', text)
    }


def _city() -> City:
    return City.objects.get(name="永康市")


@pytest.mark.parametrize("username", ROLES)
def test_every_role_of_the_city_sees_the_whole_map_as_the_lists_do(demo, username):
    response = _client(username).get("/map/")
    assert response.status_code == 200
    config = _config(response)
    expected = map_features(_city(), MapFilters())
    assert _ids(config["features"]) == _ids(expected)
    assert len(expected["features"]) >= 20  # the railway's segments, its station, the parks
    # The list under the map holds the same places, worst light first.
    assert sorted(_listed(response)) == sorted(_ids(expected))
    lights = [
        next(
            f
            for f in expected["features"]
            if (f["properties"]["kind"], f["properties"]["id"]) == row
        )["properties"]["light"]
        for row in _listed(response)
    ]
    rank = {"red": 0, "yellow": 1, "green": 2, "done": 3, "not_started": 4, "": 5}
    assert [rank[light] for light in lights] == sorted(rank[light] for light in lights)
    # The towns' outlines are the base, and no tiles without a key.
    assert len(config["towns"]["features"]) == Town.objects.filter(city=_city()).count()
    assert config["tiles"] is None
    text = response.content.decode()
    assert 'href="/map/"' in text  # the menu's entry


def test_signed_out_is_sent_to_sign_in(demo):
    response = Client().get("/map/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_legend_counts_are_the_features_counts(demo):
    response = _client("supervisor").get("/map/")
    features = _config(response)["features"]["features"]
    counts = _counts(response, "light")
    for light in ("red", "yellow", "green", "done", "not_started"):
        assert counts[light] == sum(f["properties"]["light"] == light for f in features), light
    assert sum(counts.values()) == len(features)
    money = _counts(response, "investment")
    assert money["none"] == sum(not f["properties"]["investment"] for f in features)
    assert sum(money.values()) == len(features)
    assert counts["red"] > 0 and counts["green"] > 0  # the demo draws more than one colour


def test_the_railway_is_drawn_segment_by_segment_in_its_items_lights(demo):
    config = _config(_client("town_shizhu").get("/map/"))
    railway = Project.objects.get(code="jintai-railway")
    segments = {
        f["properties"]["id"]: f
        for f in config["features"]["features"]
        if f["properties"]["kind"] == "item" and f["properties"]["code"] == railway.code
    }
    codes = dict(WorkItem.objects.filter(pk__in=segments).values_list("pk", "code"))
    assert {f"zx-tj-{n}" for n in range(1, 6)} <= set(codes.values())
    colours = {f["properties"]["colour"] for f in segments.values()}
    assert len(colours) >= 2, colours  # not one colour for the whole line
    for pk, feature in segments.items():
        if codes[pk].startswith("zx-"):  # the main line's segments, town by town
            assert feature["geometry"]["type"] == "LineString"
        light = feature["properties"]["light"]
        assert (
            feature["properties"]["colour"]
            == {
                "red": "#d92d20",
                "yellow": "#dc8b00",
                "green": "#079455",
                "done": "#475467",
                "not_started": "#98a2b3",
            }[light]
        )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("project", lambda: Project.objects.get(code="jintai-railway").pk),
        ("town", lambda: Town.objects.get(name="石柱镇").pk),
        ("department", lambda: Department.objects.get(short_name="交通局").pk),
        ("light", lambda: "red"),
    ],
)
def test_each_filter_narrows_the_map_as_map_features_does(demo, name, value):
    value = value()
    response = _client("leader").get("/map/", {name: value})
    assert response.status_code == 200
    expected = map_features(_city(), MapFilters(**{name: value}))
    everything = map_features(_city(), MapFilters())
    config = _config(response)
    assert _ids(config["features"]) == _ids(expected)
    assert 0 < len(expected["features"]) < len(everything["features"]), name
    assert sorted(_listed(response)) == sorted(_ids(expected))
    assert sum(_counts(response, "light").values()) == len(expected["features"])
    if name == "light":
        assert {f["properties"]["light"] for f in config["features"]["features"]} == {"red"}
    # The form keeps the choice.
    assert re.search(rf'<option value="{value}" selected>', response.content.decode())


def test_the_colouring_is_kept_and_its_legend_shown(demo):
    response = _client("supervisor").get("/map/", {"colour": "investment"})
    assert response.status_code == 200
    assert _config(response)["colouring"] == "investment"
    text = response.content.decode()
    assert re.search(r'data-colouring="light" hidden', text)
    assert not re.search(r'data-colouring="investment" hidden', text)
    assert 'value="investment" checked' in text


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"town": "abc"}, "镇街区"),
        ({"town": "99999999"}, "镇街区"),
        ({"project": "-1"}, "项目"),
        ({"department": "1e30"}, "责任部门"),
        ({"light": "purple"}, "灯色"),
        ({"light": "<script>"}, "灯色"),
        ({"colour": "rainbow"}, "colour"),
        ({"town": "1" * 40}, "镇街区"),
    ],
)
def test_a_filter_the_map_cannot_use_answers_400_naming_it(demo, query, named):
    response = _client("supervisor").get("/map/", query)
    assert response.status_code == 400
    text = unescape(response.content.decode())
    assert "topbar" in text  # the site's own error page
    if named != "colour":
        assert named in text
    assert "<script>" not in response.content.decode()


@pytest.fixture
def city_b(demo):
    """A second city beside the demo, with a placed project and item of its own."""
    city = City.objects.create(
        name="建德市", code="330182", longitude=B_SEAT[0], latitude=B_SEAT[1]
    )
    town = Town.objects.create(city=city, name="乾潭镇", order=1)
    department = Department.objects.create(
        city=city, name="建德市交通运输局", short_name="建德交通"
    )
    office = user_create(
        username="jd_office", password="pw-jd-office-1", role=Role.SUPERVISOR, city=city
    )
    project = Project.objects.create(
        city=city,
        code="jd-road",
        name=B_NAME,
        start_date=date(2019, 1, 1),
        deadline=date(2020, 12, 31),
        owner_department=department,
        responsible_town=town,
    )
    item = work_item_create(
        actor=office, project=project, code="jd-1", name="乙城征地", duration_days=30, town=town
    )
    line = [[B_SEAT[0] - 0.02, B_SEAT[1]], [B_SEAT[0] + 0.02, B_SEAT[1] + 0.01]]
    place_set(actor=office, target=project, geometry={"type": "LineString", "coordinates": line})
    place_set(actor=office, target=item, geometry={"type": "LineString", "coordinates": line})
    box = [
        [B_SEAT[0] - 0.05, B_SEAT[1] - 0.05],
        [B_SEAT[0] + 0.05, B_SEAT[1] - 0.05],
        [B_SEAT[0] + 0.05, B_SEAT[1] + 0.05],
        [B_SEAT[0] - 0.05, B_SEAT[1] + 0.05],
        [B_SEAT[0] - 0.05, B_SEAT[1] - 0.05],
    ]
    place_set(actor=office, target=town, geometry={"type": "Polygon", "coordinates": [box]})
    return {"city": city, "town": town, "project": project, "item": item, "office": office}


def test_another_citys_places_never_appear(city_b):
    # A's office sees A's map: nothing of B, in the data or the page.
    response = _client("supervisor").get("/map/")
    text = unescape(response.content.decode())
    config = _config(response)
    assert "乙城" not in json.dumps(config, ensure_ascii=False) and "乙城" not in text
    assert "乾潭镇" not in json.dumps(config, ensure_ascii=False)
    # B's office sees B's only: its project and item, its town; A's names nowhere.
    response = Client()
    response.force_login(city_b["office"])
    page = response.get("/map/")
    assert page.status_code == 200
    config = _config(page)
    assert sorted(_ids(config["features"])) == [
        ("item", city_b["item"].pk),
        ("project", city_b["project"].pk),
    ]
    assert [f["properties"]["name"] for f in config["towns"]["features"]] == ["乾潭镇"]
    text = unescape(page.content.decode())
    for marker in ("金台铁路", "石柱镇", "永康"):
        assert marker not in text and marker not in json.dumps(config, ensure_ascii=False)
    # A's ids as B's filters: refused, like a list's (400), naming the filter.
    a_town = Town.objects.get(name="石柱镇").pk
    a_project = Project.objects.get(code="jintai-railway").pk
    for query in ({"town": a_town}, {"project": a_project}):
        assert response.get("/map/", query).status_code == 400
    # B's places are its own, not the demo's invented ones: no note.
    assert "map-note" not in page.content.decode()


def test_names_are_escaped_in_the_page_and_the_data(city_b):
    client = Client()
    client.force_login(city_b["office"])
    response = client.get("/map/")
    raw = response.content.decode()
    assert "<b>" not in raw  # neither in the list nor in the JSON block
    assert "&lt;b&gt;" in raw  # the list shows the name as text
    data = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', raw, re.S)[1]
    assert "<" not in data and "</script" not in data.lower()
    names = {f["properties"]["name"] for f in _config(response)["features"]["features"]}
    assert B_NAME in names  # the data holds the name itself; the script writes it as text


def test_the_demo_says_its_places_are_invented(demo):
    text = _client("supervisor").get("/map/").content.decode()
    assert 'class="map-note"' in text


def _csp(response) -> str:
    return response["Content-Security-Policy"]


def test_without_a_key_the_policy_names_no_other_host(demo, settings):
    settings.TIANDITU_KEY = ""
    response = _client("supervisor").get("/map/")
    policy = _csp(response)
    assert "tianditu" not in policy
    assert not re.search(r"https?://", policy), policy
    assert "img-src 'self' data:;" in policy
    assert _config(response)["tiles"] is None
    assert "tianditu" not in response.content.decode()


def test_with_a_key_the_map_page_alone_may_load_tianditu_tiles(demo, settings):
    settings.TIANDITU_KEY = "test-key&1"
    response = _client("town_shizhu").get("/map/")
    policy = _csp(response)
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert all(host in img for host in TIANDITU_HOSTS)
    assert set(re.findall(r"https://[^\s;]+", policy)) == set(TIANDITU_HOSTS)
    # Only images: scripts, styles and connections stay the site's own.
    for directive in ("script-src", "style-src", "connect-src", "default-src"):
        part = next(p for p in policy.split(";") if p.strip().startswith(directive))
        assert "tianditu" not in part
    tiles = _config(response)["tiles"]
    assert [re.search(r"LAYER=(\w+)", url)[1] for url in tiles["urls"]] == ["vec", "cva"]
    assert all("tk=test-key%261" in url for url in tiles["urls"])
    assert tiles["subdomains"] == "01234567"
    # The other pages keep the strict policy.
    assert "tianditu" not in _csp(_client("town_shizhu").get("/projects/"))


def test_a_city_with_nothing_placed_shows_an_empty_map_and_says_so(demo):
    city = City.objects.create(name="空城市", code="330999")
    office = user_create(
        username="empty_office", password="pw-empty-1", role=Role.SUPERVISOR, city=city
    )
    client = Client()
    client.force_login(office)
    response = client.get("/map/")
    assert response.status_code == 200
    assert _config(response)["features"]["features"] == []
    assert "<tr data-kind" not in response.content.decode()
