"""The map drawn as SVG (issue 35), no Django: the projection keeps the ground's shape,
the scale bar is as long as it says to within 1 % on every paper, the legend counts what
is drawn, every name is escaped, and no text leaves the page (names that would collide
or leave the frame are left out, never cut)."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from guatu.core.geo.draw import (
    SCREEN,
    LegendEntry,
    MapWords,
    Projection,
    draw_map,
    paper_sheet,
    scale_bar_km,
)
from guatu.core.geo.shapes import haversine_m
from guatu.core.wallchart import text_width
from guatu.core.wallpaper import MARGIN_MM, MIN_FONT_PT, PAPER_MM, PT_PER_MM

SVG = "{http://www.w3.org/2000/svg}"
COLOURS = {"red": "#d92d20", "yellow": "#dc8b00", "green": "#079455", "done": "#475467"}
LEGEND = tuple(LegendEntry(light, light.upper(), colour) for light, colour in COLOURS.items())
WORDS = MapWords(title="布局图", facts=("永康市", "数据日期 2019年11月15日"), legend=LEGEND)


def feature(geometry, *, pk=1, light="red", name="项目", code="p", kind="project") -> dict:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "kind": kind,
            "id": pk,
            "name": name,
            "project": name,
            "code": code,
            "light": light,
            "colour": COLOURS.get(light, "#98a2b3"),
        },
    }


def point(lon, lat, **kw) -> dict:
    return feature({"type": "Point", "coordinates": [lon, lat]}, **kw)


def box(west, south, east, north) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def town(name, *cell) -> dict:
    return {"type": "Feature", "geometry": box(*cell), "properties": {"name": name}}


#: A county: 5 × 3 towns of 0.07° around 永康's latitude, a railway across it.
TOWNS = [
    town(f"镇{row}{col}", 119.875 + col * 0.07, 28.78 + row * 0.07, 119.945 + col * 0.07,
         28.85 + row * 0.07)
    for row in range(3) for col in range(5)
]  # fmt: skip
RAILWAY = feature(
    {"type": "LineString", "coordinates": [[119.885, 28.88], [120.0, 28.9], [120.215, 28.89]]},
    name="金台铁路",
    code="rail",
    light="yellow",
)


def texts(svg: str) -> list[tuple[float, float, float, str, str]]:
    """Every text: x, y, size, anchor, words (parsed as XML: escaping is proven too)."""
    root = ET.fromstring(svg)
    return [
        (
            float(t.get("x")),
            float(t.get("y")),
            float(t.get("font-size")),
            t.get("text-anchor", "start"),
            "".join(t.itertext()),
        )
        for t in root.iter(f"{SVG}text")
    ]


def text_boxes(svg: str):
    for x, y, size, anchor, words in texts(svg):
        wide = text_width(words, size)
        left = x - (wide if anchor == "end" else wide / 2 if anchor == "middle" else 0)
        yield words, (left, y - size, left + wide, y + size * 0.3)


# --- the projection --------------------------------------------------------------------


def test_the_projection_keeps_the_grounds_shape():
    frame = (0.0, 0.0, 1000.0, 800.0)
    projection = Projection.fitting((119.9, 28.8, 120.2, 29.0), frame)
    assert projection.point(120.05, 28.9) == pytest.approx((500.0, 400.0))
    # A kilometre east and a kilometre north are as long on the page (cos(lat) on x).
    x0, y0 = projection.point(120.05, 28.9)
    east = 1000 / (haversine_m((120.0, 28.9), (120.01, 28.9)) / 0.01)
    north = 1000 / (haversine_m((120.0, 28.9), (120.0, 28.91)) / 0.01)
    xe, ye = projection.point(120.05 + east, 28.9)
    xn, yn = projection.point(120.05, 28.9 + north)
    assert ye == pytest.approx(y0) and xn == pytest.approx(x0)
    assert xe - x0 == pytest.approx(y0 - yn, rel=1e-3)  # north is up
    assert xe - x0 == pytest.approx(1000 * projection.per_metre, rel=2e-3)
    # The whole box fits the frame, centred, with its margins.
    left, top = projection.point(119.9, 29.0)
    right, bottom = projection.point(120.2, 28.8)
    assert 0 < left < right < 1000 and 0 < top < bottom < 800
    assert left == pytest.approx(1000 - right) and top == pytest.approx(800 - bottom)


def test_a_single_point_is_not_a_map_of_nothing():
    projection = Projection.fitting((120.0, 28.9, 120.0, 28.9), (0, 0, 500, 500))
    assert math.isfinite(projection.scale) and projection.scale > 0


@pytest.mark.parametrize("paper", ["A3", "A1", "A0"])
@pytest.mark.parametrize(
    "places",
    [
        [RAILWAY, point(120.0, 28.85, pk=2, code="q", light="green")],  # a county
        [point(120.0, 28.9), point(120.004, 28.902, pk=2, code="q")],  # a site, some 450 m
    ],
    ids=["county", "site"],
)
def test_the_scale_bar_is_as_long_as_it_says_on_every_paper(paper, places):
    towns = TOWNS if len(places) == 2 and places[0] is RAILWAY else []
    drawing = draw_map(places, towns, sheet=paper_sheet(paper), words=WORDS)
    projection = drawing.projection
    # Page units a metre, measured on the ground between two places of the drawing.
    a, b = (119.95, 28.86), (120.05, 28.92)
    if not towns:
        a, b = (120.0, 28.9), (120.004, 28.902)
    (xa, ya), (xb, yb) = projection.point(*a), projection.point(*b)
    per_metre = math.hypot(xb - xa, yb - ya) / haversine_m(a, b)
    # The bar in millimetres on the paper against what it says at the paper's scale.
    bar_mm = drawing.bar / PT_PER_MM
    said_mm = drawing.scale_km * 1000 * per_metre / PT_PER_MM
    assert bar_mm == pytest.approx(said_mm, rel=0.01)
    # A round number of kilometres, as the bar's words say it, drawn as long as that.
    assert re.fullmatch(r"[125]0*|0\.0*[125]", f"{drawing.scale_km:g}")
    bar = re.search(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', drawing.svg)
    assert float(bar[1]) == pytest.approx(drawing.bar, abs=0.001)
    assert f"{drawing.scale_km:g} km" in [t[4] for t in texts(drawing.svg)]
    # No longer than a quarter of the frame, and more than a tenth of it (round numbers
    # 1-2-5 step at most 2.5 times).
    assert drawing.frame[2] * 0.09 < drawing.bar <= drawing.frame[2] * 0.25


def test_the_round_lengths():
    assert scale_bar_km(0.001, 50) == 50  # 0.001 units a metre, 50 units: 50 km
    assert scale_bar_km(0.001, 49) == 20
    assert scale_bar_km(1.0, 300) == 0.2
    assert scale_bar_km(1.0, 99) == 0.05


# --- what is drawn, and what it says ----------------------------------------------------


def test_the_legend_counts_each_light_as_drawn_and_colours_each_place():
    places = [RAILWAY]
    places += [
        point(120.0 + k * 0.01, 28.84, pk=10 + k, code=f"c{k}", light="red") for k in range(3)
    ]
    places += [
        point(120.0 + k * 0.01, 28.95, pk=20 + k, code=f"d{k}", light="green") for k in range(2)
    ]
    multi = {
        "type": "MultiLineString",
        "coordinates": [[[119.9, 28.8], [119.95, 28.81]], [[120.1, 28.8], [120.12, 28.82]]],
    }
    places.append(feature(multi, pk=30, code="m", light="done", kind="item"))
    places.append(feature(box(120.1, 28.9, 120.11, 28.91), pk=31, code="o", light="red"))
    drawing = draw_map(places, TOWNS, sheet=paper_sheet("A3"), words=WORDS)
    assert drawing.counts == {"red": 4, "yellow": 1, "green": 2, "done": 1}
    words = [t[4] for t in texts(drawing.svg)]
    for light, count in drawing.counts.items():
        assert f"{light.upper()}: {count}" in words
    svg = drawing.svg
    for place in places:
        properties = place["properties"]
        at = svg.index(f'light-{properties["light"]}" data-id="{properties["id"]}"')
        assert f'="{properties["colour"]}"' in svg[at : svg.index(">", at)]
    # A multi-line is one path of two parts; an outline is filled lightly.
    assert re.search(r'data-id="30" d="M[^"]*M[^"]*"', svg)
    assert re.search(r'data-id="31" d="[^"]*Z" fill="#d92d20" fill-opacity="0.25"', svg)
    # The towns are plain outlines with their names, and the north arrow says N.
    assert svg.count('class="town"') == len(TOWNS)
    assert "N" in words and sum(w.startswith("镇") for w in words) >= 10
    assert "<image" not in svg  # vector only


def test_every_word_is_escaped_where_it_is_written():
    evil = '<script>alert("x")</script> & 园区'
    words = MapWords(
        title=evil,
        facts=(evil,),
        note=evil,
        legend_title=evil,
        legend=(LegendEntry('red" onload="x', evil, 'red" onload="x'),),
        town=evil,
        north=evil,
        scale=evil + " %(km)s",
    )
    places = [point(120.0, 28.9, name=evil), point(120.05, 28.95, pk=2, code="z", name="A&B<>")]
    named = [{**TOWNS[0], "properties": {"name": evil}}]
    svg = draw_map(places, named, sheet=paper_sheet("A3"), words=words).svg
    assert "<script" not in svg and "onload" not in svg.replace("onload=&quot;", "")
    said = [t[4] for t in texts(svg)]  # parses: nothing broke out of its element
    assert evil in said and "A&B<>" in said
    assert ET.fromstring(svg).get("aria-label") == evil


@pytest.mark.parametrize("sheet", ["A3", "A0", "screen"])
def test_no_text_leaves_the_page_and_no_two_names_collide(sheet):
    """Two hundred places with long names crowd the county: the names that fit are set
    inside the frame, clear of each other; the rest are left out whole, never cut."""
    page = SCREEN if sheet == "screen" else paper_sheet(sheet)
    places = [
        point(119.88 + (k % 20) * 0.017, 28.79 + (k // 20) * 0.02, pk=k, code=f"p{k}",
              light=("red", "yellow", "green", "done")[k % 4],
              name=f"第{k}号重点项目（永康市某某工业园区标准厂房及配套设施建设工程）")
        for k in range(200)
    ]  # fmt: skip
    long_words = MapWords(
        title="永康市重点项目布局图" * 12,
        facts=("数据日期 2019年11月15日",) * 12,
        note="示例地理数据，系虚构，仅供演示" * 6,
        legend=LEGEND,
    )
    drawing = draw_map(places, TOWNS, sheet=page, words=long_words)
    assert drawing.dropped and drawing.labels  # some set, some left out
    margin = page.margin
    for words, (left, top, right, bottom) in text_boxes(drawing.svg):
        assert left >= margin - 0.01 and right <= page.width - margin + 0.01, words
        assert top >= margin - 0.01 and bottom <= page.height - margin + 0.01, words
    fx, fy, fw, fh = drawing.frame
    for label in drawing.labels:
        left, top, right, bottom = label.box
        assert fx <= left and right <= fx + fw and fy <= top and bottom <= fy + fh, label
    boxes = [label.box for label in drawing.labels]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    # Names are shortened to a third of the frame at most, with an ellipsis, or whole.
    full = {place["properties"]["name"] for place in places}
    set_names = [label.text for label in drawing.labels if not label.text.startswith("镇")]
    assert set_names and all(name.endswith("…") or name in full for name in set_names)
    # The note is never crowded out of the title block (the demo's must say it).
    assert any(t[4].startswith("示例地理数据") for t in texts(drawing.svg))
    # No type is smaller than the paper's 7 pt (or the screen's 19 px).
    smallest = min(t[2] for t in texts(drawing.svg))
    assert smallest >= (19 if sheet == "screen" else MIN_FONT_PT)


def test_the_paper_is_the_wall_charts():
    for paper, (width_mm, height_mm) in PAPER_MM.items():
        sheet = paper_sheet(paper)
        assert sheet.size == (f"{width_mm}mm", f"{height_mm}mm")
        assert sheet.width == pytest.approx(width_mm * PT_PER_MM)
        assert sheet.margin > MARGIN_MM * PT_PER_MM
    assert paper_sheet("A0").title_size > paper_sheet("A3").title_size


def test_nothing_placed_says_so():
    drawing = draw_map([], [], sheet=paper_sheet("A3"), words=WORDS)
    assert drawing.projection is None and drawing.counts == dict.fromkeys(COLOURS, 0)
    assert WORDS.empty in [t[4] for t in texts(drawing.svg)]
    only_towns = draw_map([], TOWNS, sheet=paper_sheet("A3"), words=WORDS)
    assert only_towns.projection is not None and WORDS.empty in only_towns.svg
