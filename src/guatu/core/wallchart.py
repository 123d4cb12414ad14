"""The wall chart (挂图) as SVG: a Gantt drawn the way supervision offices hang it.

Each work item is a row, grouped (by town or by phase): the planned bar from
early start to early finish, the reported progress filled in the colour of
its light, a thin line on to the late finish (the float it still has), the
critical path outlined in red, milestones as diamonds and time nodes as
flags — a red flag when reached on time, an orange one when reached late, a
black one when overdue — a dashed line for today and a solid one for the
project's target.

The chart is drawn in three pieces (date header, label column, bars) by
the same functions at any size: the screen keeps the header and the labels
in place while the bars scroll (``render_screen``), one SVG document holds
all three for export (``render_svg``), and the printed sheets lay them out
in points on paper (``guatu.core.wallpaper``).

>>> from datetime import date
>>> svg = render_svg([WallRow("石柱镇", "征地", date(2019, 9, 1), date(2019, 10, 31),
...                           date(2019, 10, 1), date(2019, 11, 30), 40.0, "yellow")],
...                  today=date(2019, 10, 15), zoom="month")
>>> svg.startswith("<svg") and "征地" in svg
True
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

__all__ = [
    "ZOOM_PX_PER_DAY",
    "Axis",
    "Line",
    "Pen",
    "ScreenChart",
    "WallLabels",
    "WallRow",
    "chart_span",
    "draw_bars",
    "draw_head",
    "draw_labels",
    "draw_legend",
    "lines_of",
    "render_screen",
    "render_svg",
    "text_width",
    "ticks",
]

ZOOM_PX_PER_DAY = {"week": 7.0, "month": 2.4, "quarter": 0.9}
LIGHT_FILL = {
    "green": "#079455",
    "yellow": "#f0a000",
    "red": "#d92d20",
    "done": "#475467",
    "not_started": "#98a2b3",
    "": "#98a2b3",
}
FLAG_FILL = {"done_on_time": "#d92d20", "done_late": "#f0a000", "overdue": "#101828"}
TARGET = "#7a271a"
FONT = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, sans-serif"
# Screen sizes, in CSS pixels.
LABEL_WIDTH = 300
ROW = 22
HEADER = 46
TITLE = 26


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
    tip: str = ""  # what hovering or tapping the bar shows, in the reader's language
    #: The same item in a chosen baseline, drawn as a thin bar beneath the current one.
    baseline_start: date | None = None
    baseline_finish: date | None = None
    #: The date by which the item finishes in 80 % of the Monte Carlo runs: a whisker
    #: from its planned finish when later (schedule risk).
    p80: date | None = None


#: The P80 whisker's colour.
P80_COLOUR = "#7a5af8"


@dataclass(frozen=True)
class WallLabels:
    """Words drawn on the chart, already in the reader's language."""

    title: str = ""
    today: str = "today"
    target: str = "target"
    continued: str = "(continued)"
    legend: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """One line of the chart: a group's band (``row`` is None) or an item."""

    group: str
    row: WallRow | None = None
    continued: bool = False


def lines_of(rows: Sequence[WallRow]) -> list[Line]:
    """The chart's lines: a band before each run of rows of the same group."""
    lines: list[Line] = []
    current: str | None = None
    for row in rows:
        if row.group != current:
            current = row.group
            lines.append(Line(row.group))
        lines.append(Line(row.group, row))
    return lines


@dataclass(frozen=True)
class Axis:
    """Days to x: ``left`` is where ``first`` begins, ``per_day`` units a day."""

    first: date
    last: date
    left: float
    per_day: float

    def x(self, day: date) -> float:
        return self.left + (day - self.first).days * self.per_day

    @property
    def right(self) -> float:
        return self.x(self.last)


@dataclass(frozen=True)
class Pen:
    """The sizes of one drawing, in its units (CSS pixels on screen, points on paper)."""

    row: float = ROW
    font: float = 12.0
    small: float = 10.0  # percentages and the date header
    indent: float = 14.0


def chart_span(rows: Sequence[WallRow], today: date, target: date | None = None):
    """The days the chart shows: every bar, float, node, today and the target."""
    dated = [d for r in rows for d in (r.start, r.finish, r.late_finish, r.deadline) if d]
    dated.append(today)
    if target is not None:
        dated.append(target)
    return min(dated) - timedelta(days=7), max(dated) + timedelta(days=14)


def _months(first: date, last: date) -> Iterator[date]:
    day = date(first.year, first.month, 1)
    while day <= last:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def ticks(first: date, last: date, zoom: str) -> list[tuple[date, str]]:
    """The header's divisions at *zoom*: week, month, quarter or year."""
    if zoom == "week":
        monday = first - timedelta(days=first.weekday())
        out = []
        while monday <= last:
            iso = monday.isocalendar()
            out.append((monday, f"{iso.year % 100:02d}W{iso.week:02d}"))
            monday += timedelta(days=7)
        return out
    if zoom == "quarter":
        return [
            (m, f"{m.year}Q{(m.month - 1) // 3 + 1}")
            for m in _months(first, last)
            if m.month in (1, 4, 7, 10)
        ]
    if zoom == "year":
        return [(date(y, 1, 1), str(y)) for y in range(first.year, last.year + 1)]
    return [(m, f"{m.year}-{m.month:02d}") for m in _months(first, last)]


def text_width(text: str, size: float) -> float:
    """About how wide *text* is at *size*: CJK characters a full em, others a little over half."""
    return size * sum(1.0 if ord(char) >= 0x2E80 else 0.58 for char in text)


def fit_text(text: str, size: float, width: float) -> str:
    """*text*, shortened with an ellipsis to fit *width* at *size*."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for char in text:
        if text_width(out + char + "…", size) > width:
            break
        out += char
    return out + "…"


Add = Callable[[str], object]


def draw_head(
    add: Add,
    axis: Axis,
    divisions: list[tuple[date, str]],
    *,
    height: float,
    pen: Pen,
    today: date,
    target: date | None,
    labels: WallLabels,
) -> None:
    """The date header: a label per division, today's date and the target's above them."""
    baseline = height - pen.small * 0.5
    for k, (day, text) in enumerate(divisions):
        end = divisions[k + 1][0] if k + 1 < len(divisions) else axis.last
        left = max(axis.x(day), axis.left)
        if k % 2:
            add(
                f'<rect x="{left:.1f}" y="{height - pen.small * 1.8:.1f}" '
                f'width="{axis.x(end) - left:.1f}" height="{pen.small * 1.8:.1f}" fill="#f5f6f8"/>'
            )
        if axis.x(end) - left >= text_width(text, pen.small) + pen.small * 0.3:
            add(
                f'<text x="{left + pen.small * 0.2:.1f}" y="{baseline:.1f}" '
                f'font-size="{pen.small:.1f}" fill="#475467">{escape(text)}</text>'
            )
    add(
        f'<line x1="{axis.left:.1f}" y1="{height - 0.5:.1f}" x2="{axis.right:.1f}" '
        f'y2="{height - 0.5:.1f}" stroke="#d0d5dd"/>'
    )
    marks = [(today, f"{labels.today} {today.isoformat()}", "#d92d20")]
    if target is not None:
        marks.append((target, f"{labels.target} {target.isoformat()}", TARGET))
    for row, (day, text, colour) in enumerate(marks):
        x = axis.x(day)
        wide = text_width(text, pen.small)
        anchor = "end" if x + wide > axis.right else "start"
        shift = -pen.small * 0.3 if anchor == "end" else pen.small * 0.3
        y = height - pen.small * 2.1 - row * pen.small * 1.2
        add(
            f'<text x="{x + shift:.1f}" y="{y:.1f}" font-size="{pen.small:.1f}" '
            f'text-anchor="{anchor}" fill="{colour}">{escape(text)}</text>'
        )


def draw_labels(add: Add, lines: Sequence[Line], *, width: float, pen: Pen, labels: WallLabels):
    """The label column: group names on their bands, item names under them."""
    for k, line in enumerate(lines):
        top = k * pen.row
        baseline = top + pen.row / 2 + pen.font * 0.36
        if line.row is None:
            add(
                f'<rect x="0" y="{top:.1f}" width="{width:.1f}" height="{pen.row:.1f}" '
                'fill="#eef2f6"/>'
            )
            text = f"{line.group}{labels.continued if line.continued else ''}"
            add(
                f'<text x="{pen.font * 0.5:.1f}" y="{baseline:.1f}" font-size="{pen.font:.1f}" '
                f'font-weight="bold">{escape(fit_text(text, pen.font, width - pen.font))}</text>'
            )
            continue
        row = line.row
        name = fit_text(row.name, pen.font, width - pen.indent - pen.font * 0.5)
        weight = ' font-weight="bold"' if row.critical else ""
        add(
            f'<text x="{pen.indent:.1f}" y="{baseline:.1f}" font-size="{pen.font:.1f}"{weight}>'
            f"<title>{escape(row.name)}</title>{escape(name)}</text>"
        )


def draw_bars(
    add: Add,
    lines: Sequence[Line],
    axis: Axis,
    divisions: list[tuple[date, str]],
    *,
    height: float,
    pen: Pen,
    today: date,
    target: date | None,
) -> None:
    """The bars' area: shaded divisions, group bands, one bar per item, today and the target."""
    for k, (day, _text) in enumerate(divisions):
        if k % 2:
            end = divisions[k + 1][0] if k + 1 < len(divisions) else axis.last
            left = max(axis.x(day), axis.left)
            add(
                f'<rect x="{left:.1f}" y="0" width="{axis.x(end) - left:.1f}" '
                f'height="{height:.1f}" fill="#f5f6f8"/>'
            )
    for k, line in enumerate(lines):
        top = k * pen.row
        if line.row is None:
            add(
                f'<rect x="{axis.left:.1f}" y="{top:.1f}" width="{axis.right - axis.left:.1f}" '
                f'height="{pen.row:.1f}" fill="#eef2f6" fill-opacity="0.8"/>'
            )
        else:
            _bar(add, line.row, top, axis, pen)
    if target is not None:
        x = axis.x(target + timedelta(days=1))
        add(
            f'<line class="wc-target" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.1f}" '
            f'stroke="{TARGET}" '
            f'stroke-width="{pen.row / 11:.2f}"/>'
        )
    x = axis.x(today)
    add(
        f'<line class="wc-today" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.1f}" '
        f'stroke="#d92d20" stroke-width="{pen.row / 15:.2f}" '
        f'stroke-dasharray="{pen.row / 4.4:.1f} {pen.row / 7.3:.1f}"/>'
    )


def _bar(add: Add, row: WallRow, top: float, axis: Axis, pen: Pen) -> None:
    h = pen.row
    mid = top + h / 2
    if row.tip:
        tip = escape(row.tip)
        add(f'<g class="wc-item" tabindex="0"><title>{tip}</title>')
    else:
        add("<g>")
    # A transparent strip the height of the row: the whole row answers a hover or a tap.
    add(
        f'<rect x="{axis.x(row.start):.1f}" y="{top:.1f}" '
        f'width="{max(axis.x(row.finish + timedelta(days=1)) - axis.x(row.start), h):.1f}" '
        f'height="{h:.1f}" fill="transparent"/>'
    )
    colour = LIGHT_FILL.get(row.light, LIGHT_FILL[""])
    if row.late_finish and row.late_finish > row.finish:
        x1 = axis.x(row.finish + timedelta(days=1))
        x2 = axis.x(row.late_finish + timedelta(days=1))
        add(
            f'<line x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}" stroke="#98a2b3" '
            f'stroke-width="{h / 22:.2f}" stroke-dasharray="{h / 11:.1f} {h / 11:.1f}"/>'
        )
        add(
            f'<line x1="{x2:.1f}" y1="{mid - h * 0.23:.1f}" x2="{x2:.1f}" '
            f'y2="{mid + h * 0.23:.1f}" stroke="#667085" stroke-width="{h / 22:.2f}"/>'
        )
    if row.baseline_start is not None and row.baseline_finish is not None:
        left = axis.x(row.baseline_start)
        right = axis.x(row.baseline_finish + timedelta(days=1))
        add(
            f'<rect class="wc-baseline" x="{left:.1f}" y="{top + h * 0.80:.1f}" '
            f'width="{max(right - left, h / 11):.1f}" height="{h * 0.1:.1f}" fill="#475467"/>'
        )
    if row.p80 is not None and row.p80 > row.finish:
        x1 = axis.x(row.finish + timedelta(days=1))
        x2 = min(axis.x(row.p80 + timedelta(days=1)), axis.right)  # past the chart: to its edge
        y = top + h * 0.9
        add(
            f'<line class="wc-p80" x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
            f'stroke="{P80_COLOUR}" stroke-width="{h / 14:.2f}"/>'
        )
        add(
            f'<line x1="{x2:.1f}" y1="{y - h * 0.14:.1f}" x2="{x2:.1f}" y2="{y + h * 0.08:.1f}" '
            f'stroke="{P80_COLOUR}" stroke-width="{h / 14:.2f}"/>'
        )
    critical = f' stroke="#d92d20" stroke-width="{h / 11:.2f}"' if row.critical else ""
    if row.milestone:
        cx, r = axis.x(row.start + timedelta(days=1)), h * 0.32
        add(
            f'<path d="M{cx:.1f} {mid - r:.1f} L{cx + r:.1f} {mid:.1f} L{cx:.1f} {mid + r:.1f} '
            f'L{cx - r:.1f} {mid:.1f} Z" fill="{colour}"{critical}/>'
        )
    else:
        left, right = axis.x(row.start), axis.x(row.finish + timedelta(days=1))
        bar = max(right - left, h / 11)
        stroke = critical or f' stroke="#98a2b3" stroke-width="{h / 22:.2f}"'
        add(
            f'<rect x="{left:.1f}" y="{top + h * 0.23:.1f}" width="{bar:.1f}" '
            f'height="{h * 0.54:.1f}" fill="#e4e7ec"{stroke} rx="{h / 11:.1f}"/>'
        )
        if row.percent:
            done = bar * min(max(row.percent, 0.0), 100.0) / 100.0
            add(
                f'<rect x="{left:.1f}" y="{top + h * 0.32:.1f}" width="{done:.1f}" '
                f'height="{h * 0.36:.1f}" fill="{colour}"/>'
            )
        if row.percent is not None:
            text = f"{row.percent:.0f}%"
            wide = text_width(text, pen.small)
            # Right of the bar, or left of it when the chart ends first.
            x = right + pen.small * 0.4
            if x + wide > axis.right:
                x = left - pen.small * 0.4 - wide
            add(
                f'<text x="{x:.1f}" y="{mid + pen.small * 0.36:.1f}" '
                f'font-size="{pen.small:.1f}" fill="#475467">{text}</text>'
            )
    if row.deadline is not None:
        fx = axis.x(row.deadline + timedelta(days=1))
        fill = FLAG_FILL.get(row.flag, "#ffffff")
        add(
            f'<line x1="{fx:.1f}" y1="{top + h * 0.1:.1f}" x2="{fx:.1f}" '
            f'y2="{top + h * 0.9:.1f}" stroke="#101828" stroke-width="{h / 22:.2f}"/>'
        )
        add(
            f'<path d="M{fx:.1f} {top + h * 0.1:.1f} L{fx + h * 0.4:.1f} {top + h * 0.28:.1f} '
            f'L{fx:.1f} {top + h * 0.46:.1f} Z" fill="{fill}" stroke="#101828" '
            f'stroke-width="{h / 27:.2f}"/>'
        )
    add("</g>")


def draw_legend(add: Add, labels: WallLabels, *, x: float, y: float, size: float) -> float:
    """The legend on one line from (*x*, *y* baseline); returns where it ends."""
    for key, text in labels.legend.items():
        top = y - size * 0.85
        if key in FLAG_FILL:
            add(
                f'<path d="M{x:.1f} {top:.1f} L{x + size * 0.8:.1f} {top + size * 0.35:.1f} '
                f'L{x:.1f} {top + size * 0.7:.1f} Z" fill="{FLAG_FILL[key]}" stroke="#101828" '
                f'stroke-width="{size / 14:.2f}"/>'
            )
        elif key == "critical":
            add(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{size * 1.2:.1f}" '
                f'height="{size * 0.75:.1f}" fill="#e4e7ec" stroke="#d92d20" '
                f'stroke-width="{size / 6:.2f}"/>'
            )
        elif key == "float":
            add(
                f'<line x1="{x:.1f}" y1="{top + size * 0.4:.1f}" x2="{x + size * 1.2:.1f}" '
                f'y2="{top + size * 0.4:.1f}" stroke="#98a2b3" stroke-width="{size / 10:.2f}" '
                f'stroke-dasharray="{size / 6:.1f} {size / 6:.1f}"/>'
            )
        elif key == "p80":
            add(
                f'<line x1="{x:.1f}" y1="{top + size * 0.4:.1f}" x2="{x + size * 1.2:.1f}" '
                f'y2="{top + size * 0.4:.1f}" stroke="{P80_COLOUR}" stroke-width="{size / 8:.2f}"/>'
            )
        elif key in ("today", "target"):
            colour = "#d92d20" if key == "today" else TARGET
            dash = f' stroke-dasharray="{size / 3:.1f} {size / 5:.1f}"' if key == "today" else ""
            add(
                f'<line x1="{x + size * 0.6:.1f}" y1="{top - size * 0.1:.1f}" '
                f'x2="{x + size * 0.6:.1f}" y2="{y + size * 0.1:.1f}" stroke="{colour}" '
                f'stroke-width="{size / 8:.2f}"{dash}/>'
            )
        else:
            add(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{size * 1.2:.1f}" '
                f'height="{size * 0.75:.1f}" fill="{LIGHT_FILL.get(key, "#98a2b3")}"/>'
            )
        add(
            f'<text x="{x + size * 1.5:.1f}" y="{y:.1f}" font-size="{size:.1f}">'
            f"{escape(text)}</text>"
        )
        x += size * 2.6 + text_width(text, size)
    return x


@dataclass(frozen=True)
class ScreenChart:
    """The chart for the screen, in pieces the page lays out so header and labels stay put."""

    head: str
    side: str
    body: str
    legend: str
    label_width: int
    width: float  # of the bars' area
    height: float  # of the label column and the bars' area
    head_height: int
    today_x: float  # in the bars' area
    target_x: float | None


def _svg(width: float, height: float, content: str, extra: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}"{extra}>{content}</svg>'
    )


def render_screen(
    rows: Sequence[WallRow],
    *,
    today: date,
    zoom: str = "month",
    target: date | None = None,
    labels: WallLabels | None = None,
    window: tuple[date, date] | None = None,
    per_day: float | None = None,
) -> ScreenChart:
    """The chart at *zoom* (week, month or quarter) for the screen, in CSS pixels.

    *window* shows only those days (bars running past it are cut at its
    edges) and *per_day* overrides the zoom's pixels a day: the 大屏 shows a
    few months around today, large.
    """
    labels = labels or WallLabels()
    first, last = window or chart_span(rows, today, target)
    scale = per_day or ZOOM_PX_PER_DAY.get(zoom, ZOOM_PX_PER_DAY["month"])
    axis = Axis(first, last, 0.0, scale)
    divisions = ticks(first, last, zoom if zoom in ZOOM_PX_PER_DAY else "month")
    lines = lines_of(rows)
    pen = Pen()
    width, height = axis.right + 20, max(len(lines), 1) * pen.row
    head: list[str] = []
    draw_head(
        head.append, axis, divisions, height=HEADER, pen=pen, today=today, target=target,
        labels=labels,
    )  # fmt: skip
    side: list[str] = []
    draw_labels(side.append, lines, width=LABEL_WIDTH, pen=pen, labels=labels)
    body: list[str] = []
    draw_bars(
        body.append, lines, axis, divisions, height=height, pen=pen, today=today, target=target
    )
    legend: list[str] = []
    end = draw_legend(legend.append, labels, x=2, y=14, size=11)
    return ScreenChart(
        head=_svg(width, HEADER, "".join(head)),
        side=_svg(LABEL_WIDTH, height, "".join(side)),
        body=_svg(width, height, "".join(body), f' role="img" aria-label="{escape(labels.title)}"'),
        legend=_svg(end, 20, "".join(legend), ' class="wc-legend"'),
        label_width=LABEL_WIDTH,
        width=width,
        height=height,
        head_height=HEADER,
        today_x=axis.x(today),
        target_x=axis.x(target + timedelta(days=1)) if target is not None else None,
    )


def render_svg(
    rows: Sequence[WallRow],
    *,
    today: date,
    zoom: str = "month",
    target: date | None = None,
    labels: WallLabels | None = None,
    window: tuple[date, date] | None = None,
    per_day: float | None = None,
) -> str:
    """The whole chart as one SVG document (the export): title, header, labels, bars, legend."""
    labels = labels or WallLabels()
    chart = render_screen(
        rows, today=today, zoom=zoom, target=target, labels=labels, window=window,
        per_day=per_day,
    )  # fmt: skip
    width = LABEL_WIDTH + chart.width
    top = TITLE + HEADER
    height = top + chart.height + 40
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="12" '
        f'role="img" aria-label="{escape(labels.title)}">'
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
        f'<text x="8" y="18" font-size="15" font-weight="bold">{escape(labels.title)}</text>'
        f'<svg x="{LABEL_WIDTH}" y="{TITLE}"{chart.head[4:]}'
        f'<svg x="0" y="{top}"{chart.side[4:]}'
        f'<svg x="{LABEL_WIDTH}" y="{top}"{chart.body[4:]}'
        f'<svg x="8" y="{top + chart.height + 12:.0f}"{chart.legend[4:]}'
        "</svg>"
    )
