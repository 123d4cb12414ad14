"""The 大屏's map panel (issue 35): it comes round among the projects' charts, by the same
token and page, and draws every place of the city in the map page's colours — the
railway's segments each in its own light."""

import re

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.projects.models import Project, WorkItem
from guatu.screens.panels import MAP_EVERY, rotation
from guatu.web.geo import MapFilters, map_features

pytestmark = pytest.mark.django_db


def issue() -> str:
    office = Client()
    office.force_login(User.objects.get(username="supervisor"))
    page = office.post("/screens/", {"action": "create", "name": "指挥中心大屏"})
    return re.search(
        r'<code class="screen-url">http://testserver(/screen/[^<]+/)</code>', page.text
    )[1]


def map_turn(projects: int) -> int:
    return next(
        n for n in range(projects * 2 + 1) if rotation(n, projects, with_map=True).project is None
    )


def test_the_rotation_puts_the_map_among_the_charts():
    for projects in range(0, 12):
        turns = rotation(0, projects, with_map=True).turns
        shown = [rotation(n, projects, with_map=True).project for n in range(turns)]
        # Every chart once, in order, and the map after every MAP_EVERY of them.
        assert [p for p in shown if p is not None] == list(range(projects))
        assert shown.count(None) == max(-(-projects // MAP_EVERY), 1)
        assert all(
            None in shown[k : k + MAP_EVERY + 1] for k in range(0, max(turns - MAP_EVERY, 1))
        )
        # Round and round: a turn past the end, or before the start, is the same.
        assert rotation(turns + 1, projects, with_map=True) == rotation(1, projects, with_map=True)
        assert rotation(-1, projects, with_map=True) == rotation(turns - 1, projects, with_map=True)
        without = [rotation(n, projects, with_map=False).project for n in range(max(projects, 1))]
        assert without == (list(range(projects)) or [None])


def test_the_map_comes_round_with_the_railways_segments_in_their_lights(demo):
    url = issue()
    city = City.objects.get()
    projects = Project.objects.filter(city=city).count()
    turn = map_turn(projects)
    page = Client().get(f"{url}?n={turn}")
    assert page.status_code == 200
    text = page.text
    assert 'class="s-panel s-chart s-map"' in text and "s-chart-box" in text
    turns = rotation(0, projects, with_map=True).turns
    assert f"?n={(turn + 1) % turns}" in text  # and it moves on
    railway = Project.objects.get(code="jintai-railway")
    features = map_features(city, MapFilters(project=railway.pk))["features"]
    segments = [
        f
        for f in features
        if f["properties"]["kind"] == "item"
        and f["geometry"]["type"] == "LineString"
        and WorkItem.objects.get(pk=f["properties"]["id"]).code.startswith("zx-")
    ]
    assert len(segments) == 10
    for feature in segments:
        properties = feature["properties"]
        at = text.index(
            f'class="f f-item light-{properties["light"] or "none"}" data-id="{properties["id"]}"'
        )
        assert f'stroke="{properties["colour"]}"' in text[at : text.index(">", at)], properties
    assert len({f["properties"]["colour"] for f in segments}) >= 2
    # Read across the room: no text under 19 px at 1920 × 1080 (the panel is drawn in its
    # pixels, as the chart).
    drawing = re.search(r'<div class="s-chart-box">(<svg.*?</svg>)</div>', text, re.S)[1]
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', drawing)]
    assert sizes and min(sizes) >= 19
    # The first turn is still the first project's chart, with no map.
    first = Client().get(f"{url}?n=0").text
    assert "s-map" not in first and "?n=1" in first


def test_a_city_with_no_place_has_no_map_turn(demo):
    url = issue()
    city = City.objects.get()
    Project.objects.filter(city=city).update(geometry=None)
    WorkItem.objects.filter(project__city=city).update(geometry=None)
    projects = Project.objects.filter(city=city).count()
    for n in range(projects):
        assert "s-map" not in Client().get(f"{url}?n={n}").text, n
    assert "?n=0" in Client().get(f"{url}?n={projects - 1}").text
