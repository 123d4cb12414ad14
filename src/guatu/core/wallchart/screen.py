"""The chart as SVG documents: in pieces for the screen, whole for the export."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from guatu.core.limits import shifted
from guatu.core.wallchart.bars import draw_bars
from guatu.core.wallchart.labels import draw_head, draw_labels, draw_legend, head_height
from guatu.core.wallchart.layout import (
    FONT,
    LABEL_WIDTH,
    TITLE,
    ZOOM_PX_PER_DAY,
    Axis,
    Pen,
    chart_span,
    ticks,
)
from guatu.core.wallchart.rows import WallLabels, WallRow, lines_of

__all__ = ["ScreenChart", "draw_pieces", "render_screen", "render_svg"]


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
    head_height: float
    today_x: float  # in the bars' area
    target_x: float | None


def _svg(width: float, height: float, content: str, extra: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}"{extra}>{content}</svg>'
    )


def draw_pieces(
    lines: list,
    axis: Axis,
    divisions: Sequence,
    *,
    head_height: float,
    height: float,
    pen: Pen,
    today: date,
    target: date | None,
    labels: WallLabels,
    label_width: float = LABEL_WIDTH,
) -> tuple[list[str], list[str], list[str]]:
    """The date header, the label column and the bars' area of *lines*, drawn with the same
    words and pen (the page's chart and the 大屏's; paper tiles them sheet by sheet)."""
    head: list[str] = []
    draw_head(
        head.append, axis, divisions, height=head_height, pen=pen, today=today, target=target,
        labels=labels,
    )  # fmt: skip
    side: list[str] = []
    draw_labels(side.append, lines, width=label_width, pen=pen, labels=labels)
    body: list[str] = []
    draw_bars(
        body.append, lines, axis, divisions, height=height, pen=pen, today=today, target=target,
        labels=labels,
    )  # fmt: skip
    return head, side, body


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
    head_h = head_height(axis, divisions, pen.small)
    head, side, body = draw_pieces(
        lines, axis, divisions, head_height=head_h, height=height, pen=pen, today=today,
        target=target, labels=labels,
    )  # fmt: skip
    legend: list[str] = []
    end = draw_legend(legend.append, labels, x=2, y=14, size=11)
    return ScreenChart(
        head=_svg(width, head_h, "".join(head)),
        side=_svg(LABEL_WIDTH, height, "".join(side)),
        body=_svg(width, height, "".join(body), f' role="img" aria-label="{escape(labels.title)}"'),
        legend=_svg(end, 20, "".join(legend), ' class="wc-legend"'),
        label_width=LABEL_WIDTH,
        width=width,
        height=height,
        head_height=head_h,
        today_x=axis.x(today),
        target_x=axis.x(shifted(target, 1)) if target is not None else None,
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
    top = TITLE + chart.head_height
    height = top + chart.height + 40
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="12" '
        f'role="img" aria-label="{escape(labels.title)}">'
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
        f'<text x="8" y="18" font-size="15" font-weight="bold">{escape(labels.title)}</text>'
        f'<svg x="{LABEL_WIDTH}" y="{TITLE}"{chart.head[4:]}'
        f'<svg x="0" y="{top:.0f}"{chart.side[4:]}'
        f'<svg x="{LABEL_WIDTH}" y="{top:.0f}"{chart.body[4:]}'
        f'<svg x="8" y="{top + chart.height + 12:.0f}"{chart.legend[4:]}'
        "</svg>"
    )
