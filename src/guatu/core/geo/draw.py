"""The city's places as a map in SVG: the printed 布局图 and the 大屏's map panel.

One drawing at any size. A ``Sheet`` says how big the page is and how large its
type (points on A3, A1 or A0 landscape paper — ``paper_sheet``, from the wall
chart's own paper table and safe margin — or CSS pixels on the 大屏, ``SCREEN``);
``draw_map`` lays out on it:

- a title block across the top: the title, the facts (city, 数据日期, printed on,
  what the selection is) and, when given, a note in red (the demo's invented places);
- the map frame, the rest of the page less a column on the right for the legend:
  the towns as plain outlines with their names, then the features worst last, each
  in its ``colour`` (lines thick enough to see from a step away, points as circles,
  outlines filled lightly), clipped to the frame;
- a north arrow in the frame's top right corner and a scale bar of a round number of
  kilometres in its bottom left, each on a white ground;
- the legend: each light with its label and how many features carry it, and the towns'
  boundary.

**Projection.** Longitude-latitude is projected about the middle of what is shown
(local equirectangular: x = (lon − lon₀)·cos lat₀, y = lat − lat₀), one scale on both
axes, so shapes keep their aspect; across a county (some 50 km) the scale is true to a
few parts in a thousand, well inside the scale bar's 1 %. The whole selection fits
the frame: a map has no rows to tile, so unlike the wall chart it is one sheet at any
paper size, the larger paper simply at the larger scale.

**Labels.** Each project is named once, at its own place or its first item's, the
worst lights first; then each town at its outline's inner point. A label is tried
right of, left of, above and below its place and is kept at the first position that
lies inside the frame and clear of every label already kept (and of the north arrow
and scale bar); one that finds none is left out (``MapDrawing.dropped``), never cut
or set outside the page. All text is escaped as it is written (``_text``); colours and
ids are checked before they reach an attribute.

>>> feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.0, 28.9]},
...            "properties": {"kind": "project", "id": 1, "name": "A&B", "project": "A&B",
...                           "code": "a", "light": "red", "colour": "#d92d20"}}
>>> drawing = draw_map([feature], [], sheet=paper_sheet("A3"),
...                    words=MapWords(legend=(LegendEntry("red", "red", "#d92d20"),)))
>>> drawing.svg.startswith("<svg") and "A&amp;B" in drawing.svg, drawing.counts
(True, {'red': 1})
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import shapely
from shapely.geometry import MultiLineString, shape
from shapely.prepared import prep

from guatu.core.geo.measure import METRES_PER_DEGREE, extent
from guatu.core.limits import CONTROL
from guatu.core.wallchart import FONT, fit_text, text_width, wrap_text
from guatu.core.wallpaper import INSET_MM, MARGIN_MM, MIN_FONT_PT, PAPER_MM, PT_PER_MM

__all__ = [
    "SCREEN",
    "LegendEntry",
    "MapDrawing",
    "MapWords",
    "Projection",
    "Sheet",
    "draw_map",
    "paper_sheet",
    "scale_bar_km",
]

#: The scale bar's lengths, in kilometres: 1, 2 or 5 times a power of ten.
NICE = (1.0, 2.0, 5.0)
#: The most of the frame's width the scale bar may take.
BAR_SHARE = 0.25
#: How much of the frame is left clear around what is shown, on each side.
PAD = 0.04
#: The smallest span shown, in degrees (about a kilometre): a single point is not a map.
MIN_SPAN = 0.01
INK = "#101828"
GREY = "#667085"
TOWN_LINE = "#98a2b3"
NOTE = "#b42318"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


@dataclass(frozen=True)
class Sheet:
    """A page to draw on, in its own units (points on paper, CSS pixels on a screen)."""

    width: float
    height: float
    margin: float
    title_size: float
    text_size: float  # the facts and the legend
    label_size: float  # the places' and the towns' names
    line_width: float  # a feature's line
    #: The document's width and height attributes (``420mm``; plain numbers on a screen).
    size: tuple[str, str] = ("", "")
    #: How the drawing sits in a box of another shape (the 大屏 stretches it to its panel).
    aspect: str = ""
    #: The title block as a column on the left rather than a band across the top: a wide,
    #: low panel (the 大屏's) gives the map its whole height.
    title_left: bool = False


def paper_sheet(paper: str) -> Sheet:
    """A landscape sheet of *paper* (A3, A1 or A0) in points: the wall chart's paper and
    safe margin; type grows with the sheet's width, never under the wall chart's 7 pt."""
    width_mm, height_mm = PAPER_MM[paper]
    grow = width_mm / PAPER_MM["A3"][0]
    return Sheet(
        width=width_mm * PT_PER_MM,
        height=height_mm * PT_PER_MM,
        margin=(MARGIN_MM + INSET_MM) * PT_PER_MM,
        title_size=18.0 * grow,
        text_size=max(MIN_FONT_PT, 9.0 * grow),
        label_size=max(MIN_FONT_PT, 8.0 * grow),
        line_width=2.2 * grow,
        size=(f"{width_mm}mm", f"{height_mm}mm"),
    )


#: The 大屏's panel, in CSS pixels of a 1920 × 1080 screen (as ``screens.chart``): the
#: page stretches it to its box (some 1837 × 462 there, under the 投资调度 line), so its
#: smallest text, 19 units, is 19 px at 1920 × 1080 like the chart's.
SCREEN = Sheet(
    width=1830,
    height=456,
    margin=6,
    title_size=26,
    text_size=21,
    label_size=19,
    line_width=7,
    size=("1830", "456"),
    aspect="xMidYMin meet",
    title_left=True,
)


@dataclass(frozen=True)
class LegendEntry:
    """A light in the legend: its key (``red``), its words and its colour."""

    light: str
    label: str
    colour: str


@dataclass(frozen=True)
class MapWords:
    """Everything the map says, already in the reader's language."""

    title: str = "map"
    facts: tuple[str, ...] = ()
    note: str = ""
    legend_title: str = "legend"
    legend: tuple[LegendEntry, ...] = ()
    #: One legend line: ``%(label)s`` and ``%(count)s``.
    count: str = "%(label)s: %(count)s"
    town: str = "town boundary"
    north: str = "N"
    #: The scale bar's length: ``%(km)s``.
    scale: str = "%(km)s km"
    #: In the empty frame, when nothing selected has a place.
    empty: str = "nothing on the map"


@dataclass(frozen=True)
class Projection:
    """Longitude-latitude to the page: local equirectangular about (*lon0*, *lat0*),
    which lands at (*x0*, *y0*); *scale* page units per degree of latitude."""

    lon0: float
    lat0: float
    x0: float
    y0: float
    scale: float

    @property
    def cos0(self) -> float:
        return math.cos(math.radians(self.lat0))

    @property
    def per_metre(self) -> float:
        """Page units per metre on the ground."""
        return self.scale / METRES_PER_DEGREE

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.lon0) * self.cos0 * self.scale,
            self.y0 - (lat - self.lat0) * self.scale,
        )

    @classmethod
    def fitting(
        cls, box: tuple[float, float, float, float], frame: tuple[float, float, float, float]
    ) -> "Projection":
        """The projection that shows *box* (west, south, east, north) whole in *frame*
        (x, y, width, height), centred, with ``PAD`` clear on each side."""
        west, south, east, north = box
        lon0, lat0 = (west + east) / 2, (south + north) / 2
        cos0 = math.cos(math.radians(lat0))
        span_x = max((east - west) * cos0, MIN_SPAN)
        span_y = max(north - south, MIN_SPAN)
        x, y, width, height = frame
        scale = min(width / span_x, height / span_y) * (1 - 2 * PAD)
        return cls(lon0, lat0, x + width / 2, y + height / 2, scale)


@dataclass(frozen=True)
class Label:
    """A name set on the map, and the box it takes: (left, top, right, bottom)."""

    text: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class MapDrawing:
    svg: str
    projection: Projection | None
    #: The scale bar: its length in kilometres and on the page (0 when there is no map).
    scale_km: float
    bar: float
    #: Features by light, as the legend counts them.
    counts: dict[str, int]
    labels: list[Label] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: The map frame: (x, y, width, height).
    frame: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def scale_bar_km(per_metre: float, room: float) -> float:
    """The longest round length (1, 2 or 5 × 10ⁿ km) whose bar is at most *room* long
    at *per_metre* page units a metre.

    >>> scale_bar_km(0.01, 50), scale_bar_km(0.01, 20), scale_bar_km(0.5, 60)
    (5.0, 2.0, 0.1)
    """
    most_km = room / per_metre / 1000
    power = 10.0 ** math.floor(math.log10(most_km))
    return max(step * power for step in NICE if step * power <= most_km)


def _km_text(km: float) -> str:
    return f"{km:.3f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, size: float, text: str, extra: str = "") -> str:
    """A ``<text>``: its words always escaped here, where they are written."""
    text = CONTROL.sub("", text)  # an old name with a control character (XML has none)
    return f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}"{extra}>{escape(text)}</text>'


def _colour(value: Any) -> str:
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else TOWN_LINE


def draw_map(
    features: Sequence[dict[str, Any]],
    towns: Sequence[dict[str, Any]],
    *,
    sheet: Sheet,
    words: MapWords,
    box: tuple[float, float, float, float] | None = None,
) -> MapDrawing:
    """*features* (GeoJSON features as ``web.geo.map_features`` gives them, drawn in the
    order given: worst last) over *towns* (features with a ``name``) on *sheet*.

    *box* (west, south, east, north) is what the frame shows; by default every feature
    and town whole."""
    counts = {entry.light: 0 for entry in words.legend}
    for feature in features:
        light = feature["properties"].get("light", "")
        counts[light] = counts.get(light, 0) + 1
    m, s = sheet.margin, sheet
    inner_w = s.width - 2 * m
    parts: list[str] = []
    add = parts.append
    # The legend's column on the right.
    texts = [words.count % {"label": e.label, "count": 0} for e in words.legend]
    swatch = s.text_size * 1.6
    want = max(
        [text_width(t, s.text_size) + swatch + s.text_size for t in [*texts, words.town]]
        + [text_width(words.legend_title, s.text_size)]
    )
    side = min(max(want + s.text_size, inner_w * 0.12), inner_w * 0.3)
    if s.title_left:
        left = _title_column(add, words, sheet=s, width=inner_w * 0.2)
        frame = (m + left, m, inner_w - side - left, s.height - 2 * m)
    else:
        top = _title_band(add, words, sheet=s, width=inner_w)
        frame = (m, top, inner_w - side, s.height - m - top)
    fx, fy, fw, fh = frame
    add(
        f'<rect class="frame" x="{fx:.2f}" y="{fy:.2f}" width="{fw:.2f}" height="{fh:.2f}" '
        f'fill="#ffffff" stroke="{GREY}" stroke-width="{s.line_width / 4:.2f}"/>'
    )
    _legend(add, words, counts, sheet=s, x=fx + fw + s.text_size, y=fy,
            width=side - s.text_size, towns=any(t.get("geometry") for t in towns))  # fmt: skip

    shown = box or extent(
        [f.get("geometry") for f in features] + [t.get("geometry") for t in towns]
    )
    if shown is None:
        empty = fit_text(words.empty, s.text_size, fw * 0.9)
        add(_text(fx + fw / 2, fy + fh / 2, s.text_size, empty, ' text-anchor="middle"'))
        return MapDrawing(_document(s, words, parts), None, 0.0, 0.0, counts, frame=frame)
    projection = Projection.fitting(shown, frame)
    body: list[str] = []
    for town in towns:
        if town.get("geometry"):
            body.append(_town(town["geometry"], projection, s))
    for feature in features:
        body.append(_feature(feature, projection, s))
    add(
        f'<clipPath id="map-frame"><rect x="{fx:.2f}" y="{fy:.2f}" width="{fw:.2f}" '
        f'height="{fh:.2f}"/></clipPath><g clip-path="url(#map-frame)">{"".join(body)}</g>'
    )
    if not features:
        empty = fit_text(words.empty, s.text_size, fw * 0.9)
        y = fy + fh * 0.08 + s.text_size
        add(_text(fx + fw / 2, y, s.text_size, empty, ' text-anchor="middle"'))
    taken: list[tuple[float, float, float, float]] = []
    taken.append(_north(add, words, sheet=s, frame=frame))
    km = scale_bar_km(projection.per_metre, fw * BAR_SHARE)
    bar = km * 1000 * projection.per_metre
    taken.append(_scale(add, words, km, bar, sheet=s, frame=frame))
    if not features:
        taken.append((fx, fy, fx + fw, fy + fh * 0.08 + s.text_size * 1.4))
    labels, dropped = _labels(add, features, towns, projection, sheet=s, frame=frame, taken=taken)
    return MapDrawing(
        _document(s, words, parts), projection, km, bar, counts, labels, dropped, frame
    )


def _lines(text: str, size: float, width: float, most: int) -> list[str]:
    """*text* wrapped to *width*, at most *most* lines, the last shortened if need be."""
    lines = wrap_text(text, size, width) if text else []
    if len(lines) > most:
        lines = [*lines[: most - 1], fit_text("".join(lines[most - 1 :]), size, width)]
    return lines


def _title_band(add, words: MapWords, *, sheet: Sheet, width: float) -> float:
    """The title, the facts on one line and the note (two lines at most) across the top;
    returns its foot."""
    m, s = sheet.margin, sheet
    y = m + s.title_size
    add(_text(m, y, s.title_size, fit_text(words.title, s.title_size, width),
              ' font-weight="bold"'))  # fmt: skip
    if words.facts:
        y += s.text_size * 1.55
        add(_text(m, y, s.text_size, fit_text("　".join(words.facts), s.text_size, width)))
    for line in _lines(words.note, s.text_size, width, 2):
        y += s.text_size * 1.35
        add(_text(m, y, s.text_size, line, f' fill="{NOTE}"'))
    return y + s.text_size * 0.9


def _title_column(add, words: MapWords, *, sheet: Sheet, width: float) -> float:
    """The title, each fact and the note down a column on the left, each wrapped to its
    width, as many lines as the column holds; returns its width with its gap."""
    m, s = sheet.margin, sheet
    floor = s.height - m - s.text_size * 0.3  # the lowest baseline: descenders stay in
    title = [(line, s.title_size, ' font-weight="bold"', 1.2)
             for line in _lines(words.title, s.title_size, width, 2)]  # fmt: skip
    facts = [
        (line, s.text_size, "", 1.35)
        for fact in words.facts
        for line in _lines(fact, s.text_size, width, 2)
    ]
    note = [(line, s.text_size, f' fill="{NOTE}"', 1.35)
            for line in _lines(words.note, s.text_size, width, 3)]  # fmt: skip
    # The note is kept before the last facts: the demo's sheet must say it is invented.
    while facts and m + sum(size * pitch for _l, size, _e, pitch in title + facts + note) > floor:
        facts.pop()
    lines = title + facts + note
    y = m
    for line, size, extra, pitch in lines:
        if y + size * pitch > floor:
            break
        y += size * pitch
        add(_text(m, y, size, line, extra))
    return width + s.text_size


def _document(sheet: Sheet, words: MapWords, parts: list[str]) -> str:
    width, height = sheet.size
    aspect = f' preserveAspectRatio="{sheet.aspect}"' if sheet.aspect else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width or sheet.width}" '
        f'height="{height or sheet.height}" viewBox="0 0 {sheet.width:.2f} {sheet.height:.2f}"'
        f'{aspect} font-family="{FONT}" fill="{INK}" role="img" '
        f'aria-label="{escape(words.title)}">'
        f'<rect x="0" y="0" width="{sheet.width:.2f}" height="{sheet.height:.2f}" '
        f'fill="#ffffff"/>{"".join(parts)}</svg>'
    )


# --- the legend, the north arrow, the scale bar -----------------------------------------


def _legend(
    add, words: MapWords, counts: dict[str, int], *, sheet: Sheet, x, y, width, towns: bool
) -> None:
    """The legend's heading, each light with its count, and the towns' line when drawn."""
    size = sheet.text_size
    pitch = size * 1.6
    y += size * 1.3
    add(_text(x, y, size, fit_text(words.legend_title, size, width), ' font-weight="bold"'))
    swatch = size * 1.6
    for entry in words.legend:
        y += pitch
        mid = y - size * 0.35
        add(
            f'<line class="legend-{escape(entry.light)}" x1="{x:.2f}" y1="{mid:.2f}" '
            f'x2="{x + size * 1.2:.2f}" y2="{mid:.2f}" stroke="{_colour(entry.colour)}" '
            f'stroke-width="{min(sheet.line_width, size * 0.5):.2f}" stroke-linecap="round"/>'
        )
        text = words.count % {"label": entry.label, "count": counts.get(entry.light, 0)}
        add(_text(x + swatch, y, size, fit_text(text, size, width - swatch)))
    if not towns:
        return
    y += pitch
    add(
        f'<rect x="{x:.2f}" y="{y - size * 0.8:.2f}" width="{size * 1.2:.2f}" '
        f'height="{size * 0.8:.2f}" fill="none" stroke="{TOWN_LINE}" '
        f'stroke-width="{sheet.line_width / 3:.2f}"/>'
    )
    add(_text(x + swatch, y, size, fit_text(words.town, size, width - swatch)))


def _north(add, words: MapWords, *, sheet: Sheet, frame) -> tuple[float, float, float, float]:
    """The north arrow in the frame's top right corner; returns the box it takes."""
    fx, fy, fw, _fh = frame
    size = sheet.text_size
    w, h = size * 2.2, size * 3.6
    left, top = fx + fw - w - size * 0.4, fy + size * 0.4
    cx = left + w / 2
    tip, foot = top + size * 1.45, top + h - size * 0.25
    add(
        f'<g class="north"><rect class="ground" x="{left:.2f}" y="{top:.2f}" width="{w:.2f}" '
        f'height="{h:.2f}" fill="#ffffff" fill-opacity="0.85"/>'
        + _text(
            cx, top + size * 1.05, size, words.north, ' text-anchor="middle" font-weight="bold"'
        )
        + f'<path d="M{cx:.2f} {tip:.2f} L{cx + size * 0.55:.2f} {foot:.2f} '
        f'L{cx:.2f} {foot - size * 0.5:.2f} Z" fill="{INK}"/>'
        f'<path d="M{cx:.2f} {tip:.2f} L{cx - size * 0.55:.2f} {foot:.2f} '
        f'L{cx:.2f} {foot - size * 0.5:.2f} Z" fill="#ffffff" stroke="{INK}" '
        f'stroke-width="{size / 14:.2f}"/></g>'
    )
    return left, top, left + w, top + h


def _scale(add, words: MapWords, km: float, bar: float, *, sheet: Sheet, frame):
    """The scale bar in the frame's bottom left corner, in two halves; returns its box."""
    fx, fy, _fw, fh = frame
    size = sheet.text_size
    label = words.scale % {"km": _km_text(km)}
    pad = size * 0.5
    left = fx + size * 0.4
    bottom = fy + fh - size * 0.4
    x0 = left + pad + text_width("0", size) / 2
    thick = size * 0.45
    bar_y = bottom - pad - thick
    text_y = bar_y - size * 0.35
    right = max(x0 + bar + text_width(label, size) / 2, x0 + bar) + pad
    top = text_y - size * 1.05
    add(
        f'<g class="scale-bar" data-km="{_km_text(km)}" data-length="{bar:.3f}">'
        f'<rect class="ground" x="{left:.2f}" y="{top:.2f}" width="{right - left:.2f}" '
        f'height="{bottom - top:.2f}" fill="#ffffff" fill-opacity="0.85"/>'
        f'<rect class="bar" x="{x0:.3f}" y="{bar_y:.2f}" width="{bar:.3f}" height="{thick:.2f}" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="{size / 14:.2f}"/>'
        f'<rect x="{x0:.3f}" y="{bar_y:.2f}" width="{bar / 2:.3f}" height="{thick:.2f}" '
        f'fill="{INK}"/>'
        + _text(x0, text_y, size, "0", ' text-anchor="middle"')
        + _text(x0 + bar, text_y, size, label, ' text-anchor="middle"')
        + "</g>"
    )
    return left, top, right, bottom


# --- places -------------------------------------------------------------------------------


def _rings(coordinates, projection: Projection, closed: bool, least: float) -> str:
    """One path's ``d`` for a line or a ring: vertices nearer than *least* to the last one
    kept are left out (a railway's thousands of points at A3 are a few hundred)."""
    points = [projection.point(lon, lat) for lon, lat in coordinates]
    kept = [points[0]]
    for x, y in points[1:-1]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= least:
            kept.append((x, y))
    if len(points) > 1:
        kept.append(points[-1])
    d = "M" + " L".join(f"{x:.2f} {y:.2f}" for x, y in kept)
    return d + (" Z" if closed else "")


def _parts(geometry: dict[str, Any]) -> tuple[str, list]:
    """The geometry's kind (Point, LineString, Polygon) and its parts of that kind."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind.startswith("Multi"):
        return kind[5:], list(coordinates)
    return kind, [coordinates]


def _town(geometry: dict[str, Any], projection: Projection, sheet: Sheet) -> str:
    kind, parts = _parts(geometry)
    least = sheet.line_width / 8
    if kind == "Polygon":
        d = " ".join(_rings(ring, projection, True, least) for poly in parts for ring in poly)
    elif kind == "LineString":
        d = " ".join(_rings(line, projection, False, least) for line in parts)
    else:
        return ""
    return (
        f'<path class="town" d="{d}" fill="#f9fafb" fill-rule="evenodd" stroke="{TOWN_LINE}" '
        f'stroke-width="{sheet.line_width / 3:.2f}" stroke-linejoin="round"/>'
    )


def _feature(feature: dict[str, Any], projection: Projection, sheet: Sheet) -> str:
    properties = feature["properties"]
    colour = _colour(properties.get("colour"))
    kind = "item" if properties.get("kind") == "item" else "project"
    light = re.sub(r"[^a-z_]", "", str(properties.get("light", "")))
    tag = f'class="f f-{kind} light-{light or "none"}" data-id="{int(properties.get("id", 0))}"'
    shape_kind, parts = _parts(feature["geometry"])
    least = sheet.line_width / 4
    width = sheet.line_width
    if shape_kind == "Point":
        radius = width * 1.4
        circles = "".join(
            f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{radius:.2f}"/>'
            for x, y in (projection.point(*point) for point in parts)
        )
        return (
            f'<g {tag} fill="{colour}" stroke="#ffffff" stroke-width="{width / 3:.2f}">'
            f"{circles}</g>"
        )
    if shape_kind == "LineString":
        d = " ".join(_rings(line, projection, False, least) for line in parts)
        return (
            f'<path {tag} d="{d}" fill="none" stroke="{colour}" stroke-width="{width:.2f}" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
    d = " ".join(_rings(ring, projection, True, least) for poly in parts for ring in poly)
    return (
        f'<path {tag} d="{d}" fill="{colour}" fill-opacity="0.25" fill-rule="evenodd" '
        f'stroke="{colour}" stroke-width="{width / 2:.2f}" stroke-linejoin="round"/>'
    )


def _place_box(geometry: dict[str, Any], projection: Projection, sheet: Sheet, frame):
    """Where a place is on the page, for naming it: (left, top, right, bottom) and whether
    it is a line. A point is its circle; a line its middle; a small outline its box; a
    large one its inner point (named inside it)."""
    kind = geometry["type"]
    geo = shape(geometry)
    if kind in ("Point", "MultiPoint"):
        point = geo if kind == "Point" else geo.geoms[0]
        x, y = projection.point(point.x, point.y)
        r = sheet.line_width * 1.4
        return (x - r, y - r, x + r, y + r), False
    if kind in ("LineString", "MultiLineString"):
        line = geo if kind == "LineString" else max(geo.geoms, key=lambda g: g.length)
        middle = line.interpolate(0.5, normalized=True)
        x, y = projection.point(middle.x, middle.y)
        r = sheet.line_width / 2
        return (x - r, y - r, x + r, y + r), True
    west, south, east, north = geo.bounds
    left, bottom = projection.point(west, south)
    right, top = projection.point(east, north)
    if right - left < frame[2] / 4 and bottom - top < frame[3] / 4:
        return (left, top, right, bottom), False
    inner = geo.representative_point()
    x, y = projection.point(inner.x, inner.y)
    return (x, y, x, y), False


def _page_lines(features: Sequence[dict[str, Any]], projection: Projection):
    """Every line drawn, on the page, ready to be asked whether a name would cover it."""
    lines = []
    for feature in features:
        kind, parts = _parts(feature["geometry"])
        if kind == "LineString":
            lines += [[projection.point(lon, lat) for lon, lat in part] for part in parts]
    return prep(MultiLineString(lines)) if lines else None


def _labelled(features: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Each project's name once, with the place it is set at: its own, else its first
    item's; the worst lights (last drawn) first."""
    chosen: dict[str, dict[str, Any]] = {}
    for feature in reversed(features):
        code = str(feature["properties"].get("code", ""))
        own = feature["properties"].get("kind") == "project"
        if code not in chosen or (own and chosen[code]["properties"].get("kind") != "project"):
            chosen[code] = feature
    return [(str(f["properties"].get("project", "")), f["geometry"]) for f in chosen.values()]


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _labels(add, features, towns, projection: Projection, *, sheet: Sheet, frame, taken):
    """Name the projects, then the towns, where each fits (module docstring). The points
    and small outlines drawn are obstacles too: no name is set over one."""
    fx, fy, fw, fh = frame
    inset = sheet.text_size * 0.2
    inside = (fx + inset, fy + inset, fx + fw - inset, fy + fh - inset)
    kept: list[Label] = []
    dropped: list[str] = []
    places = [
        (text, geometry, *_place_box(geometry, projection, sheet, frame))
        for text, geometry in _labelled(features)
    ]
    boxes = list(taken) + [box for _t, _g, box, line in places if not line and box[0] < box[2]]
    drawn_lines = _page_lines(features, projection)
    out: list[str] = []
    size = sheet.label_size
    room = fw * 0.3
    gap = sheet.line_width * 0.8 + size * 0.2

    def place(text: str, at, line: bool, town: bool) -> None:
        left_x, top_y, right_x, bottom_y = at
        middle_x, middle_y = (left_x + right_x) / 2, (top_y + bottom_y) / 2
        wide = text_width(text, size)
        beside = (
            (right_x + gap, middle_y + size * 0.35),  # right
            (left_x - gap - wide, middle_y + size * 0.35),  # left
        )
        over = (
            (middle_x - wide / 2, top_y - gap),  # above
            (middle_x - wide / 2, bottom_y + gap + size * 0.9),  # below
        )
        corners = (
            (right_x + gap * 0.5, top_y - gap * 0.5),  # above right
            (left_x - gap * 0.5 - wide, top_y - gap * 0.5),  # above left
            (right_x + gap * 0.5, bottom_y + gap * 0.5 + size * 0.9),  # below right
            (left_x - gap * 0.5 - wide, bottom_y + gap * 0.5 + size * 0.9),  # below left
        )
        if town:
            spots = ((middle_x - wide / 2, middle_y + size * 0.35), *over)
        else:
            spots = (*over, *beside, *corners) if line else (*beside, *over, *corners)
        for left, base in spots:
            box = (left - size * 0.15, base - size * 0.95, left + wide + size * 0.15,
                   base + size * 0.3)  # fmt: skip
            fits = box[0] >= inside[0] and box[1] >= inside[1] and box[2] <= inside[2]
            if not (fits and box[3] <= inside[3]) or any(_overlaps(box, b) for b in boxes):
                continue
            if drawn_lines is not None and drawn_lines.intersects(shapely.box(*box)):
                continue
            boxes.append(box)
            kept.append(Label(text, box))
            if town:
                out.append(_text(left, base, size, text, f' class="town-name" fill="{GREY}"'))
            else:
                out.append(
                    f'<rect class="ground" x="{box[0]:.2f}" y="{box[1]:.2f}" '
                    f'width="{box[2] - box[0]:.2f}" '
                    f'height="{box[3] - box[1]:.2f}" fill="#ffffff" fill-opacity="0.8"/>'
                    + _text(left, base, size, text, ' class="place-name"')
                )
            return
        dropped.append(text)

    for name, _geometry, box, line in places:
        if name:
            place(fit_text(name, size, room), box, line, town=False)
    for town in towns:
        geometry = town.get("geometry")
        name = str(town.get("properties", {}).get("name", ""))
        if name and geometry:
            inner = shape(geometry).representative_point()
            x, y = projection.point(inner.x, inner.y)
            place(fit_text(name, size, room), (x, y, x, y), False, town=True)
    add("".join(out))
    return kept, dropped
