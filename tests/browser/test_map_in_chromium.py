"""The map page (/map/) in headless Chromium: the demo's map at 1440 px and 390 px with
no sideways scroll, the railway's segments drawn in their items' lights, a click opening
a feature's popup, every request the browser makes recorded — none leaves the test
server without a 天地图 key, and with one only 天地图's tile hosts are asked — and ten
thousand placed items loading and answering a click within 2 s.

The 10,000 items belong to a city of their own (万点市, one office user) added to the
test server's database, so the demo's cities and pages stay as the other tests expect.
bench/map_load.py gives the official figure (docs/PERFORMANCE.md)."""

import json
import os
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import SERVER_ENV, guatu_shell, served, sign_in
from tests.browser.test_phone_in_chromium import MEASURE, MINIMUM

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The generous bound of the browser test; the figure itself is the bench's.
BIG_BOUND_S = 2.0

#: What map_features says of the demo's railway items (id → colour), from the server's
#: database: the colours the page must draw.
RAILWAY = """
import json
from guatu.org.models import City
from guatu.web.geo import MapFilters, map_features
city = City.objects.get(name="永康市")
features = map_features(city, MapFilters())["features"]
print(json.dumps({
    f["properties"]["id"]: f["properties"]["colour"]
    for f in features
    if f["properties"]["kind"] == "item" and f["properties"]["code"] == "jintai-railway"
}))
"""

#: A city with 10,000 placed work items in 20 projects and 10 towns, written in bulk.
BIG_CITY = """
import json
from datetime import timedelta
from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.org.clock import city_today
from guatu.org.models import City, Department, Town
from guatu.projects.models import Project, WorkItem
if not City.objects.filter(name="万点市").exists():
    city = City.objects.create(name="万点市", code="339901", longitude=120.6, latitude=29.0)
    towns = [Town.objects.create(city=city, name=f"万点{n}镇", order=n) for n in range(10)]
    for n, town in enumerate(towns):
        west, south = 120.35 + (n % 5) * 0.1, 28.9 + (n // 5) * 0.1
        ring = [[west, south], [west + 0.1, south], [west + 0.1, south + 0.1],
                [west, south + 0.1], [west, south]]
        Town.objects.filter(pk=town.pk).update(geometry={"type": "Polygon", "coordinates": [ring]})
    department = Department.objects.create(city=city, name="万点市交通局", short_name="万点交通")
    user = user_create(username="map_10k", password="guatu-demo-2019", role=Role.SUPERVISOR,
                       city=city)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    today = city_today(city)
    projects = [Project.objects.create(city=city, code=f"wan-{p:02d}", name=f"万点工程{p}",
                start_date=today - timedelta(days=400), deadline=today + timedelta(days=400),
                owner_department=department) for p in range(20)]
    items = []
    for n in range(10_000):
        # A grid of short lines, points and small outlines over the ten towns.
        x, y = 120.352 + (n % 100) * 0.00496, 28.902 + (n // 100) * 0.00196
        kind = n % 10
        if kind < 7:
            geometry = {"type": "LineString", "coordinates": [[x, y], [x + 0.002, y + 0.0008],
                        [x + 0.004, y]]}
        elif kind < 9:
            geometry = {"type": "Point", "coordinates": [x + 0.002, y + 0.0005]}
        else:
            geometry = {"type": "Polygon", "coordinates": [[[x, y], [x + 0.003, y],
                        [x + 0.003, y + 0.0012], [x, y + 0.0012], [x, y]]]}
        start = today + timedelta(days=(n % 7) * 60 - 240)
        finish = start + timedelta(days=120)
        items.append(WorkItem(
            project=projects[n % 20], code=f"w{n:05d}", name=f"万点事项{n}",
            town=towns[(n % 100) // 20 + 5 * (n // 5000)], owner_department=department,
            duration_days=120, order=n, plan_start=start, plan_finish=finish, early_start=start,
            early_finish=finish, late_start=start, late_finish=finish, geometry=geometry))
    WorkItem.objects.bulk_create(items, batch_size=2000)
city = City.objects.get(name="万点市")
print(json.dumps({"items": WorkItem.everywhere.filter(project__city=city,
                  geometry__isnull=False).count()}))
"""

#: The map's layers as Leaflet holds them: each feature's kind, id and drawn colour.
LAYERS = """() => {
  const found = [];
  window.guatuMap.eachLayer((layer) => {
    if (layer.feature && layer.feature.properties.kind !== "town") {
      const p = layer.feature.properties;
      const renderer = layer.options.renderer;
      found.push({kind: p.kind, id: p.id, code: p.code, colour: layer.options.color,
                  canvas: Boolean(renderer && renderer instanceof L.Canvas)});
    }
  });
  return found;
}"""

#: A point on screen where the topmost drawn feature of *code* lies: its layer's middle.
WHERE = """(code) => {
  const map = window.guatuMap;
  let target = null;
  map.eachLayer((layer) => {
    if (layer.feature && layer.feature.properties.kind === "item" &&
        (!code || layer.feature.properties.code === code)) target = layer;
  });
  const latlng = target.getLatLng ? target.getLatLng() : target.getCenter();
  const point = map.latLngToContainerPoint(latlng);
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y, id: target.feature.properties.id,
          name: target.feature.properties.name};
}"""

#: The map drawn and ready (map.js's last step).
READY = "() => { const m = document.getElementById('map'); return m && m.dataset.ready === '1'; }"
#: The parts of a load, ms from the navigation's start: the server's first byte, the
#: HTML in, the map ready.
PARTS = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const ready = performance.getEntriesByName("guatu-map-ready")[0];
  return {first_byte: Math.round(n.responseStart), html: Math.round(n.responseEnd),
          ready: Math.round(ready.startTime), bytes: n.transferSize};
}"""
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _json(out: str):
    return json.loads(next(line for line in out.splitlines()[::-1] if line.startswith("{")))


class Requests:
    """Every request the page makes, by host and port."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def outside(self, server: str) -> list[str]:
        home = urlsplit(server).netloc
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).netloc != home
        ]


def _open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "390"])
def test_the_demo_map_draws_the_railway_in_its_lights_and_nothing_leaves_the_site(
    server, browser, screenshots, viewport
):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    requests = Requests(page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "town_shizhu")
    _open_map(page, f"{server}/map/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(NO_SIDEWAYS), page.evaluate("document.documentElement.scrollWidth")
    # The map fits the screen's width and shows; the list is below it, readable.
    box = page.locator("#map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
    assert box["height"] >= 280, box
    rows = page.locator("table.map-list tbody tr")
    assert rows.count() >= 20
    first = rows.first.bounding_box()
    assert first["x"] >= 0 and first["x"] + first["width"] <= viewport["width"] + 0.5
    # Every layer on the canvas, each in map_features' colour; the railway segment by segment.
    expected = {int(k): v for k, v in _json(guatu_shell(RAILWAY)).items()}
    layers = page.evaluate(LAYERS)
    drawn = {
        layer["id"]: layer["colour"]
        for layer in layers
        if layer["kind"] == "item" and layer["code"] == "jintai-railway"
    }
    assert drawn == expected
    assert len(set(drawn.values())) >= 2, drawn
    assert all(layer["canvas"] for layer in layers)  # the canvas, not one SVG node each
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    assert page.locator(".leaflet-overlay-pane svg").count() == 0
    # The towns' names on the plain base, the demo's note in the legend.
    assert page.locator(".map-town-name", has_text="石柱镇").count() == 1
    assert page.locator(".map-note").is_visible()
    # A click on a railway segment opens its popup: name, light, a link to its page.
    where = page.evaluate(WHERE, "jintai-railway")
    page.mouse.click(where["x"], where["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    link = popup.locator("a").first
    assert link.get_attribute("href").startswith("/items/")
    assert popup.locator("dt", has_text="灯色").count() == 1
    if viewport is PHONE:
        # The phone rule (docs/PHONE.md), the popup open: zoom buttons, its close button
        # and links, the form, the list's links — each 44 × 44 px; no word broken in a cell.
        measured = page.evaluate(MEASURE, MINIMUM)
        assert not measured["small"] and not measured["broken"], measured
    # Colour by 序时: the layers take the projects' investment colours, the legend follows.
    page.check("input[name=colour][value=investment]")
    assert page.locator(".map-counts[data-colouring='investment']").is_visible()
    assert not page.locator(".map-counts[data-colouring='light']").is_visible()
    assert "colour=investment" in page.url
    page.check("input[name=colour][value=light]")
    assert page.evaluate(LAYERS) == layers
    name = "map-desktop" if viewport is DESKTOP else "map-phone"
    page.screenshot(path=screenshots / f"{name}.png")
    # Following the popup's link leaves the map for the item's page (same site).
    link.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.startswith("/items/")
    context.close()
    assert not requests.outside(server), requests.outside(server)
    assert not [e for e in errors if "favicon" not in e], errors


def test_a_filter_narrows_the_map_and_its_list_alike(server, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    requests = Requests(page)
    sign_in(page, server, "supervisor")
    _open_map(page, f"{server}/map/")
    page.select_option("select[name=light]", "red")
    page.click(".map-controls button[type=submit]")
    page.wait_for_function(READY)
    layers = page.evaluate(LAYERS)
    assert layers and {layer["colour"] for layer in layers} == {"#d92d20"}
    rows = page.locator("table.map-list tbody tr")
    assert rows.count() == len(layers)
    assert page.locator("table.map-list tbody td:first-child .light-red").count() == len(layers)
    assert page.locator(".map-counts [data-light='red']").inner_text() == str(len(layers))
    context.close()
    assert not requests.outside(server), requests.outside(server)


@pytest.fixture(scope="module")
def keyed_server(server):
    """A second server on the same data with a 天地图 key set."""
    yield from served({**SERVER_ENV, "GUATU_TIANDITU_KEY": "browser-test-key"})


def test_with_a_key_only_tianditus_tile_hosts_are_asked(keyed_server, browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    requests = Requests(page)
    tile = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2214bc60000000049454e44ae426082"
    )
    # Nothing really leaves the test machine: 天地图's answers are made up here.
    page.route(
        "https://*.tianditu.gov.cn/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    sign_in(page, keyed_server, "town_shizhu")
    _open_map(page, f"{keyed_server}/map/")
    page.wait_for_load_state("networkidle")
    outside = requests.outside(keyed_server)
    assert outside, "no tile was asked for"
    hosts = {urlsplit(url).netloc for url in outside}
    assert hosts <= {f"t{n}.tianditu.gov.cn" for n in range(8)}, hosts
    layers = {urlsplit(url).path for url in outside}
    assert layers == {"/vec_w/wmts", "/cva_w/wmts"}, layers
    assert all("tk=browser-test-key" in url for url in outside)
    assert not refused, refused
    assert page.locator(".leaflet-tile-loaded").count() > 0
    assert "天地图" in page.locator(".leaflet-control-attribution").inner_text()
    context.close()


@pytest.fixture(scope="module")
def big_city(server):
    found = _json(guatu_shell(BIG_CITY))
    assert found["items"] == 10_000
    return found


def test_ten_thousand_features_load_and_answer_a_click_within_2_s(server, browser, big_city):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    requests = Requests(page)
    sign_in(page, server, "map_10k")
    page.goto(f"{server}/map/")  # warm: the server's first answer imports and caches
    timings, parts = [], []
    bound = BIG_BOUND_S * float(os.environ.get("GUATU_BROWSER_SLACK", "1"))
    # The best of up to five rounds (a shared machine's other work only ever adds time).
    for _round in range(5):
        if timings and min(timings) <= bound and len(timings) >= 3:
            break
        page.goto(f"{server}/map/", wait_until="commit")
        page.wait_for_function(READY, timeout=30_000, polling=10)
        where = page.evaluate(WHERE, "")
        page.mouse.click(where["x"], where["y"])
        page.locator(".leaflet-popup-content").wait_for(timeout=30_000)
        # From the navigation's start to the popup on screen, in the page's own clock.
        timings.append(page.evaluate("performance.now()") / 1000)
        parts.append(page.evaluate(PARTS))
    assert sum(layer["kind"] == "item" for layer in page.evaluate(LAYERS)) == 10_000
    print(f"10,000 features: a click answered {min(timings):.2f} s after navigating ({parts})")
    assert min(timings) <= bound, timings
    context.close()
    assert not requests.outside(server), requests.outside(server)
