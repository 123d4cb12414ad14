"""示例 places on the map: invented, not surveyed.

The towns are laid out as a grid of cells around an invented seat, the railway
runs west to east through its five 镇街区 in the story's order, and each park
is a small outline in its town. Good enough to show the map page, the 大屏
panel and the printed 布局图 with every colour; never a survey. The page says
so wherever the demo's map is shown (``DEMO_NOTE``).
"""

import math

from guatu.core.geo.measure import extent
from guatu.org.models import City, Town
from guatu.projects.geometry import place_set
from guatu.projects.models import Project

__all__ = ["DEMO_NOTE", "SEAT", "build_geometry", "places_invented", "town_cells"]

DEMO_NOTE = "示例地理数据，系虚构，仅供演示"
#: The invented seat (longitude, latitude).
SEAT = (120.05, 28.885)
#: One cell's size in degrees (about 7 km by 8 km here).
CELL = 0.07
#: The grid, north row first, west to east; the railway's towns make the middle row.
ROWS = [
    ["古山镇", "方岩镇", "东城街道", "西城街道", "龙山镇"],
    ["江南街道", "石柱镇", "前仓镇", "芝英镇", "舟山镇"],
    ["西溪镇", "象珠镇", "唐先镇", "花街镇", "经济开发区"],
]
WEST = SEAT[0] - CELL * 2.5
NORTH = SEAT[1] + CELL * 1.5


def town_cells() -> dict[str, tuple[float, float, float, float]]:
    """Each town's cell: (west, south, east, north)."""
    cells = {}
    for row, names in enumerate(ROWS):
        for column, name in enumerate(names):
            west = round(WEST + column * CELL, 6)
            north = round(NORTH - row * CELL, 6)
            cells[name] = (west, round(north - CELL, 6), round(west + CELL, 6), north)
    return cells


def places_invented(city: City) -> bool:
    """Whether *city*'s places are these invented ones: its seat is ``SEAT`` and a town's
    outline is still its cell of the grid (a surveyed outline is never such a box).

    The pages above ask this (``web.geo.places_invented``, set in ``DemoConfig.ready``)
    to show the note; no flag is stored, so a city that uploads its own towns loses it."""
    if (city.longitude, city.latitude) != SEAT:
        return False
    cells = town_cells()
    for name, geometry in Town.everywhere.filter(
        city=city, name__in=list(cells), geometry__isnull=False
    ).values_list("name", "geometry"):
        box = extent([geometry])
        if box and all(abs(a - b) < 1e-6 for a, b in zip(box, cells[name], strict=True)):
            return True
    return False


def _box(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _line(west: float, east: float, steps: int = 8) -> list[list[float]]:
    """The railway between two longitudes: a gentle curve about the middle row."""
    points = []
    for n in range(steps + 1):
        lon = west + (east - west) * n / steps
        lat = SEAT[1] + 0.012 * math.sin((lon - WEST) / CELL * math.pi / 2)
        points.append([round(lon, 6), round(lat, 6)])
    return points


def build_geometry(city: City, supervisor) -> None:
    """The city's seat, every town's outline, the railway's line and items, the parks."""
    City.objects.filter(pk=city.pk).update(longitude=SEAT[0], latitude=SEAT[1])
    city.longitude, city.latitude = SEAT
    cells = town_cells()
    for town in Town.objects.filter(city=city):
        place_set(actor=supervisor, target=town, geometry=_box(*cells[town.name]))
    railway = Project.objects.get(city=city, code="jintai-railway")
    first, last = cells["江南街道"], cells["舟山镇"]
    main = _line(first[0] + 0.01, last[2] - 0.01, steps=40)
    place_set(
        actor=supervisor, target=railway, geometry={"type": "LineString", "coordinates": main}
    )
    items = {item.code: item for item in railway.work_items.all()}
    for n, town in enumerate(ROWS[1], start=1):
        west, _south, east, _north = cells[town]
        segment = _line(max(west, first[0] + 0.01), min(east, last[2] - 0.01))
        for code in (f"zx-zd-{n}", f"zx-tj-{n}"):
            place_set(
                actor=supervisor,
                target=items[code],
                geometry={"type": "LineString", "coordinates": segment},
            )
    station = _line(cells["江南街道"][0] + 0.045, cells["江南街道"][0] + 0.045, steps=1)[0]
    place_set(
        actor=supervisor,
        target=items["zc-yknz"],
        geometry={"type": "Point", "coordinates": station},
    )
    spurs = {"lj-js-1": (0.02, 0.06), "lj-js-2": (0.07, 0.11), "lj-zc": (0.02, 0.06)}
    for code, (west, east) in spurs.items():
        spur = [[WEST + west, SEAT[1] - 0.02], [WEST + east, SEAT[1] - 0.01]]
        place_set(
            actor=supervisor,
            target=items[code],
            geometry={"type": "LineString", "coordinates": spur},
        )
    # The 金温 line moved north of the main line: 征迁 by town, then land and track whole.
    relocation = [[WEST + 0.09, SEAT[1] + 0.02], [WEST + 0.13, SEAT[1] + 0.025]]
    relocation += [[WEST + 0.17, SEAT[1] + 0.02]]
    parts = {
        "wq-zc-1": relocation[:2],
        "wq-zc-2": relocation[1:],
        "wq-zd": relocation,
        "wq-xl": relocation,
    }
    for code, line in parts.items():
        place_set(
            actor=supervisor,
            target=items[code],
            geometry={"type": "LineString", "coordinates": line},
        )
    for park in Project.objects.filter(city=city, code__startswith="park-"):
        town = park.name.removesuffix("小微企业园")
        west, south, east, north = cells[town]
        middle = ((west + east) / 2 + 0.01, (south + north) / 2 - 0.01)
        place_set(
            actor=supervisor,
            target=park,
            geometry=_box(
                middle[0] - 0.006, middle[1] - 0.004, middle[0] + 0.006, middle[1] + 0.004
            ),
        )
