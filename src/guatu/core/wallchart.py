"""The wall chart (挂图) as SVG: a Gantt drawn the way supervision offices hang it.

Each work item is a row, grouped (by town or by phase): the planned bar from
early start to early finish, the reported progress filled in the colour of
its light, a thin line on to the late finish (the float it still has), the
critical path outlined in red, milestones as diamonds and time nodes as
flags — a red flag when reached on time, an orange one when reached late, a
black one when overdue — and a dashed line for today. Pure Python: the web
page, the print export and the tests all call ``render_svg``.

>>> from datetime import date
>>> svg = render_svg([WallRow("石柱镇", "征地", date(2019, 9, 1), date(2019, 10, 31),
...                           date(2019, 10, 1), date(2019, 11, 30), 40.0, "yellow")],
...                  today=date(2019, 10, 15), zoom="month")
>>> svg.startswith("<svg") and "征地" in svg
True
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

__all__ = ["PAPER_MM", "ZOOM_PX_PER_DAY", "WallLabels", "WallRow", "render_svg"]

ZOOM_PX_PER_DAY = {"week": 7.0, "month": 2.4, "quarter": 0.9}
PAPER_MM = {"A3": (420, 297), "A1": (841, 594)}
LIGHT_FILL = {
    "green": "#079455",
    "yellow": "#f0a000",
    "red": "#d92d20",
    "done": "#475467",
    "not_started": "#98a2b3",
    "": "#98a2b3",
}
FLAG_FILL = {"done_on_time": "#d92d20", "done_late": "#f0a000", "overdue": "#101828"}
LABEL_WIDTH = 300
ROW = 22
HEADER = 46
FONT = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, sans-serif"


@dataclass(frozen=True)
class WallRow:
    group: str
    name: str
    start: date
    finish: date
    late_start: date | None = None
    late_finish: date | None = None
    percent: float | None = None
    light: str = ""
    critical: bool = False
    milestone: bool = False
    flag: str = ""
    total_float: int | None = None
    deadline: date | None = None


@dataclass(frozen=True)
class WallLabels:
    """Words drawn on the chart, already in the reader's language."""

    title: str = ""
    today: str = "today"
    critical: str = "critical path"
    float_: str = "float"
    legend: dict[str, str] = field(default_factory=dict)


def _months(first: date, last: date):
    day = date(first.year, first.month, 1)
    while day <= last:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _ticks(first: date, last: date, zoom: str) -> list[tuple[date, str]]:
    if zoom == "week":
        monday = first - timedelta(days=first.weekday())
        ticks = []
        while monday <= last:
            iso = monday.isocalendar()
            ticks.append((monday, f"{iso.year % 100:02d}W{iso.week:02d}"))
            monday += timedelta(days=7)
        return ticks
    if zoom == "quarter":
        return [
            (m, f"{m.year}Q{(m.month - 1) // 3 + 1}")
            for m in _months(first, last)
            if m.month in (1, 4, 7, 10)
        ]
    return [(m, f"{m.year}-{m.month:02d}") for m in _months(first, last)]


def render_svg(
    rows: Sequence[WallRow],
    *,
    today: date,
    zoom: str = "month",
    labels: WallLabels | None = None,
    paper: str | None = None,
) -> str:
    """Return the wall chart of *rows* as an SVG document.

    *zoom* is week, month or quarter; *paper* (A3 or A1, landscape) sets the
    printed size, the drawing scaled to fit the page.
    """
    labels = labels or WallLabels()
    scale = ZOOM_PX_PER_DAY.get(zoom, ZOOM_PX_PER_DAY["month"])
    dated = [d for r in rows for d in (r.start, r.finish, r.late_finish, r.deadline) if d]
    first = min([*dated, today]) - timedelta(days=7)
    last = max([*dated, today]) + timedelta(days=14)

    def x(day: date) -> float:
        return LABEL_WIDTH + (day - first).days * scale

    groups: list[tuple[str, list[WallRow]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, []))
        groups[-1][1].append(row)
    lines = len(rows) + len(groups)
    width = x(last) + 20
    height = HEADER + lines * ROW + 60
    parts: list[str] = []
    add = parts.append
    size = (
        f'width="{PAPER_MM[paper][0]}mm" height="{PAPER_MM[paper][1]}mm" '
        if paper in PAPER_MM
        else f'width="{width:.0f}" height="{height}" '
    )
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}viewBox="0 0 {width:.0f} {height}" '
        f'preserveAspectRatio="xMidYMin meet" font-family="{FONT}" font-size="12" '
        f'role="img" aria-label="{escape(labels.title)}">'
    )
    add(f'<rect x="0" y="0" width="{width:.0f}" height="{height}" fill="#ffffff"/>')
    if labels.title:
        add(f'<text x="8" y="18" font-size="15" font-weight="bold">{escape(labels.title)}</text>')
    # Time axis: alternate shading and labels per tick.
    ticks = _ticks(first, last, zoom)
    for k, (day, text) in enumerate(ticks):
        end = ticks[k + 1][0] if k + 1 < len(ticks) else last
        if k % 2:
            add(
                f'<rect x="{x(day):.1f}" y="{HEADER - 18}" width="{x(end) - x(day):.1f}" '
                f'height="{lines * ROW + 18}" fill="#f5f6f8"/>'
            )
        add(
            f'<text x="{x(day) + 2:.1f}" y="{HEADER - 5}" font-size="10" fill="#475467">'
            f"{escape(text)}</text>"
        )
    add(f'<line x1="{LABEL_WIDTH}" y1="{HEADER}" x2="{width:.0f}" y2="{HEADER}" stroke="#d0d5dd"/>')
    y = HEADER
    for group, members in groups:
        add(f'<rect x="0" y="{y}" width="{width:.0f}" height="{ROW}" fill="#eef2f6"/>')
        add(f'<text x="6" y="{y + 15}" font-weight="bold">{escape(group)}</text>')
        y += ROW
        for row in members:
            _row(add, row, y, x)
            y += ROW
    # Today.
    tx = x(today)
    add(
        f'<line x1="{tx:.1f}" y1="{HEADER - 18}" x2="{tx:.1f}" y2="{y}" stroke="#d92d20" '
        'stroke-width="1.5" stroke-dasharray="5 3"/>'
    )
    add(
        f'<text x="{tx + 3:.1f}" y="{HEADER - 22}" font-size="10" fill="#d92d20">'
        f"{escape(labels.today)} {today.isoformat()}</text>"
    )
    _legend(add, labels, y + 24)
    add("</svg>")
    return "".join(parts)


def _row(add, row: WallRow, y: int, x) -> None:
    name = row.name if len(row.name) <= 22 else row.name[:21] + "…"
    weight = ' font-weight="bold"' if row.critical else ""
    add(f'<text x="14" y="{y + 15}"{weight}><title>{escape(row.name)}</title>{escape(name)}</text>')
    colour = LIGHT_FILL.get(row.light, LIGHT_FILL[""])
    mid = y + ROW / 2
    if row.late_finish and row.late_finish > row.finish:
        add(
            f'<line x1="{x(row.finish + timedelta(days=1)):.1f}" y1="{mid:.1f}" '
            f'x2="{x(row.late_finish + timedelta(days=1)):.1f}" y2="{mid:.1f}" stroke="#98a2b3" '
            f'stroke-dasharray="2 2"><title>{row.total_float}</title></line>'
        )
        add(
            f'<line x1="{x(row.late_finish + timedelta(days=1)):.1f}" y1="{mid - 5:.1f}" '
            f'x2="{x(row.late_finish + timedelta(days=1)):.1f}" y2="{mid + 5:.1f}" '
            'stroke="#667085"/>'
        )
    if row.milestone:
        cx = x(row.start + timedelta(days=1))
        stroke = ' stroke="#d92d20" stroke-width="2"' if row.critical else ""
        add(
            f'<path d="M{cx:.1f} {mid - 7:.1f} L{cx + 7:.1f} {mid:.1f} L{cx:.1f} {mid + 7:.1f} '
            f'L{cx - 7:.1f} {mid:.1f} Z" fill="{colour}"{stroke}/>'
        )
    else:
        left, right = x(row.start), x(row.finish + timedelta(days=1))
        bar = max(right - left, 2.0)
        stroke = ' stroke="#d92d20" stroke-width="2"' if row.critical else ' stroke="#98a2b3"'
        add(
            f'<rect x="{left:.1f}" y="{y + 5}" width="{bar:.1f}" height="{ROW - 10}" '
            f'fill="#e4e7ec"{stroke} rx="2"/>'
        )
        if row.percent:
            done = bar * min(max(row.percent, 0.0), 100.0) / 100.0
            add(
                f'<rect x="{left:.1f}" y="{y + 7}" width="{done:.1f}" height="{ROW - 14}" '
                f'fill="{colour}" rx="1"/>'
            )
        if row.percent is not None:
            add(
                f'<text x="{right + 4:.1f}" y="{y + 15}" font-size="10" fill="#475467">'
                f"{row.percent:.0f}%</text>"
            )
    node = row.deadline
    if node is not None:
        fx = x(node + timedelta(days=1))
        fill = FLAG_FILL.get(row.flag, "#ffffff")
        add(f'<line x1="{fx:.1f}" y1="{y + 2}" x2="{fx:.1f}" y2="{y + ROW - 2}" stroke="#101828"/>')
        add(
            f'<path d="M{fx:.1f} {y + 2} L{fx + 9:.1f} {y + 6} L{fx:.1f} {y + 10} Z" '
            f'fill="{fill}" stroke="#101828" stroke-width="0.8"/>'
        )


def _legend(add, labels: WallLabels, y: int) -> None:
    x = 14
    for key, text in labels.legend.items():
        if key in FLAG_FILL:
            add(
                f'<path d="M{x} {y - 10} L{x + 9} {y - 6} L{x} {y - 2} Z" '
                f'fill="{FLAG_FILL[key]}" stroke="#101828" stroke-width="0.8"/>'
            )
        elif key == "critical":
            add(
                f'<rect x="{x}" y="{y - 10}" width="14" height="9" fill="#e4e7ec" '
                'stroke="#d92d20" stroke-width="2"/>'
            )
        elif key == "float":
            add(
                f'<line x1="{x}" y1="{y - 5}" x2="{x + 14}" y2="{y - 5}" stroke="#98a2b3" '
                'stroke-dasharray="2 2"/>'
            )
        else:
            add(
                f'<rect x="{x}" y="{y - 10}" width="14" height="9" '
                f'fill="{LIGHT_FILL.get(key, "#98a2b3")}"/>'
            )
        add(f'<text x="{x + 18}" y="{y}" font-size="11">{escape(text)}</text>')
        x += 30 + 13 * len(text)
