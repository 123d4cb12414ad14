"""The printed 布局图 (issue 35), read back from the PDF as the wall chart is: one sheet of
A3, A1 or A0 landscape, its title block, a legend whose counts are ``map_features``'
counts, a scale bar, the north arrow, the 数据日期, no text outside the sheet's safe
margin, vector only (no embedded image); and who may print it, with which filters."""

import io
import re
from collections import Counter
from datetime import date

import pdfplumber
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guatu.accounts.models import User
from guatu.core.wallpaper import MARGIN_MM, MIN_FONT_PT, PAPER_MM
from guatu.org.models import City, Department, Town
from guatu.progress.labels import light_label
from guatu.projects.models import Project
from guatu.web.geo import INVENTED_NOTE, MapFilters, map_features
from tests.web.test_wallchart_print import preview

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def read_back(pdf: bytes) -> dict:
    """The one page: its size in points, its text without spaces, its characters, and
    whether it holds any raster image."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        return {
            "size": (page.width, page.height),
            "text": "".join(page.extract_text().split()),
            "chars": list(page.chars),
            "images": len(page.images),
            "raw": pdf,
        }


def plain(text: str) -> str:
    return "".join(str(text).split())


@pytest.mark.parametrize("paper", ["A3", "A1", "A0"])
def test_the_demo_prints_on_one_sheet_with_all_a_map_needs(demo, paper):
    city = City.objects.get()
    response = signed_in("leader").get(f"/map/print.pdf?paper={paper}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"-map-{paper}.pdf" in response["Content-Disposition"]
    page = read_back(response.content)
    width_mm, height_mm = PAPER_MM[paper]
    assert page["size"] == pytest.approx((width_mm * MM, height_mm * MM), abs=0.5)
    text = page["text"]
    features = map_features(city, MapFilters())["features"]
    counts = Counter(f["properties"]["light"] for f in features)
    assert len(features) > 10 and counts["red"] and counts["green"]
    with translation.override("zh-hans"):
        title = _("%(city)s key projects layout map") % {"city": city.name}
        words = [
            title,
            _("Places by light"),
            _("town boundary"),
            pgettext("compass", "N"),
            _("data date %(date)s") % {"date": "2019年11月15日"},
            str(INVENTED_NOTE),  # the demo's places are invented, and the sheet says so
        ]
        # The legend: each light with as many places as the map page draws.
        words += [
            _("%(label)s: %(count)s") % {"label": light_label(light), "count": counts[light]}
            for light in ("red", "yellow", "green", "done", "not_started")
        ]
        scale = _("%(km)s km") % {"km": "%s"}
    for expected in words:
        assert plain(expected) in text, expected
    # The scale bar says a round number of kilometres.
    head, tail = plain(scale).split("%s")
    assert any(f"{head}{km}{tail}" in text for km in ("1", "2", "5", "10", "20")), text
    # No character outside the safe margin (10 mm) and none under 7 pt.
    chars = page["chars"]
    width, height = page["size"]
    edge = min(min(c["x0"], c["top"], width - c["x1"], height - c["bottom"]) for c in chars)
    assert edge >= MARGIN_MM * MM, edge / MM
    assert min(c["size"] for c in chars) >= MIN_FONT_PT - 0.01
    # Vector: no raster image in it.
    assert page["images"] == 0 and b"/Subtype /Image" not in page["raw"]
    # The places' names are on it: the railway's.
    assert "金台铁路" in text
    preview(response.content, f"layout-map-{paper}")


def test_the_svg_is_the_same_drawing_and_names_its_projects(demo):
    response = signed_in("supervisor").get("/map/print.svg?paper=A1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and 'width="841mm"' in svg and "<image" not in svg
    railway = Project.objects.get(code="jintai-railway")
    # Each segment of the railway in its own light's colour, as the map page draws it.
    features = map_features(City.objects.get(), MapFilters(project=railway.pk))["features"]
    segments = [f for f in features if f["properties"]["kind"] == "item"]
    assert len(segments) >= 10
    for feature in segments:
        properties = feature["properties"]
        tag = f'class="f f-item light-{properties["light"] or "none"}" data-id="{properties["id"]}"'
        at = svg.index(tag)
        # A line is stroked in its colour; a point's circles are filled with it.
        assert f'="{properties["colour"]}"' in svg[at : svg.index(">", at)], properties
    lights = {f["properties"]["light"] for f in segments}
    assert {"red", "green"} <= lights, lights


def test_the_filters_are_the_map_pages(demo):
    city = City.objects.get()
    railway = Project.objects.get(code="jintai-railway")
    town = Town.objects.get(name="石柱镇")
    client = signed_in("supervisor")
    response = client.get(f"/map/print.pdf?project={railway.pk}&light=red")
    assert response.status_code == 200
    text = read_back(response.content)["text"]
    red = map_features(city, MapFilters(project=railway.pk, light="red"))["features"]
    with translation.override("zh-hans"):
        assert plain(_("project: %(name)s") % {"name": railway.name}) in text
        assert plain(_("light: %(light)s") % {"light": light_label("red")}) in text
        legend = _("%(label)s: %(count)s") % {"label": light_label("red"), "count": len(red)}
        assert plain(legend) in text
        green = _("%(label)s: %(count)s") % {"label": light_label("green"), "count": 0}
        assert plain(green) in text
    department = Department.objects.order_by("pk").first()
    response = client.get(f"/map/print.svg?town={town.pk}&department={department.pk}")
    assert response.status_code == 200 and "石柱镇" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["paper=A4", "paper=<b>", "paper=A3&sheet=2x"],
)
def test_a_paper_not_offered_is_not_found(demo, query):
    response = signed_in("leader").get(f"/map/print.pdf?{query}")
    assert response.status_code == (200 if "sheet" in query else 404)
    assert signed_in("leader").get("/map/print.png").status_code == 404


@pytest.mark.parametrize(
    "query, named",
    [
        ("project=abc", "项目"),
        ("town=0", "镇街区"),
        ("light=purple", "灯色"),
        ("department=99999999999999999999", "责任部门"),
    ],
)
def test_a_filter_the_map_cannot_use_is_refused_by_name(demo, query, named):
    response = signed_in("supervisor").get(f"/map/print.pdf?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()


def test_signed_out_is_sent_to_sign_in_and_each_role_may_print(demo):
    response = Client().get("/map/print.pdf")
    assert response.status_code == 302 and "/login/" in response["Location"]
    for username in ("leader", "supervisor", "dept_jiaotong", "town_shizhu", "admin"):
        response = signed_in(username).get("/map/print.svg")
        assert response.status_code == 200, username
    assert signed_in("leader").post("/map/print.pdf").status_code == 405


def test_another_citys_project_is_no_row_here(demo):
    """B's project id, asked by A's office, answers as an id that names nothing does: the
    same refusal, and nothing of B in it; B's place is never on A's sheet."""
    other = City.objects.create(name="建德市", code="330182")
    department = Department.objects.create(city=other, name="建德市交通运输局")
    theirs = Project.objects.create(
        city=other,
        owner_department=department,
        code="jiande-road",
        name="建德大道拓宽工程",
        start_date=date(2019, 3, 1),
        deadline=date(2020, 12, 31),
        geometry={"type": "Point", "coordinates": [119.28, 29.47]},
    )
    client = signed_in("supervisor")
    asked = client.get(f"/map/print.pdf?project={theirs.pk}")
    nobody = client.get("/map/print.pdf?project=987654321")
    assert asked.status_code == nobody.status_code == 400
    assert theirs.name not in asked.content.decode()
    svg = client.get("/map/print.svg").content.decode()
    assert theirs.name not in svg
    assert not re.search(rf'f-project light-\w+" data-id="{theirs.pk}"', svg)
