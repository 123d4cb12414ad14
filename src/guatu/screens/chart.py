"""The 大屏's chart: the wall chart drawn large enough to be read across a room.

It is drawn by the wall chart's own pieces (``draw_pieces``, the page's, and
``draw_legend``) with the same words and a pen sized for the screen, in units of
one CSS pixel of a 1920 × 1080 screen: the page stretches it to its box
(``screen.css``), so 3840 × 2160 shows the same at twice the size. Its
smallest text is ``PEN.small`` units, 19 px at 1920 × 1080, and the window
always reaches the project's target (before or after today), so the target's
line and date are in view whatever the project, and the rows' bars to their ends
(up to two years ahead).

>>> from datetime import date
>>> window(date(2019, 11, 15), date(2020, 6, 30))
(datetime.date(2019, 9, 27), datetime.date(2020, 7, 21))
>>> window(date(2019, 11, 15), None)
(datetime.date(2019, 9, 27), datetime.date(2020, 3, 6))
>>> window(date(2019, 11, 15), date(2019, 1, 31))  # a target already passed
(datetime.date(2019, 1, 10), datetime.date(2020, 3, 6))
>>> window(date(2019, 11, 15), date(9999, 12, 31))  # stored before the bounds: clamped
(datetime.date(2019, 9, 27), datetime.date(2201, 1, 21))
>>> window(date(2019, 11, 15), date(2020, 6, 30), date(2020, 9, 30))  # bars past the target
(datetime.date(2019, 9, 27), datetime.date(2020, 10, 21))
>>> window(date(2019, 11, 15), date(2020, 6, 30), date(2030, 1, 1))  # up to two years
(datetime.date(2019, 9, 27), datetime.date(2021, 11, 14))
>>> fitting_zoom(date(2019, 9, 27), date(2020, 7, 21), 1400)
'month'
>>> fitting_zoom(date(2019, 9, 27), date(2200, 12, 31), 1400)
'year'
"""

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from html import escape

from guatu.core.limits import clamped
from guatu.core.wallchart import (
    FONT,
    Axis,
    Pen,
    WallLabels,
    WallRow,
    draw_legend,
    draw_pieces,
    fit_text,
    head_height,
    lines_of,
    text_width,
    ticks,
)

#: The chart's box at 1920 × 1080, in CSS pixels: the drawing's units.
WIDTH = 1830
#: Screen text: item names 22 px, dates, percentages and the legend 19 px (≥ 18 px).
PEN = Pen(row=34.0, font=22.0, small=19.0, indent=26.0)
LEGEND_SIZE = 19.0
TITLE_SIZE = 26.0
LABEL_WIDTH = 430
#: Lines (items and their towns' bands) the box holds under the header and the legend.
LINES = 9
#: Days before today, after today, and beyond the target, that the window shows.
BEFORE, AFTER, BEYOND = timedelta(days=49), timedelta(days=112), timedelta(days=21)
#: How far past today the window goes to show where the rows' bars end (the target: always).
FURTHEST = timedelta(days=730)
#: The divisions tried, finest first, with their shortest spacing in days.
ZOOMS = (("week", 7), ("month", 28), ("quarter", 90), ("year", 365))
URGENCY = {"red": 0, "yellow": 1}


def window(today: date, target: date | None, finish: date | None = None) -> tuple[date, date]:
    """Some weeks before today to some months after, stretched to take in the *target*
    and, up to ``FURTHEST`` from today, the last *finish* of the rows shown."""
    first, last = today - BEFORE, today + AFTER
    if finish is not None:
        last = max(last, min(clamped(finish) + BEYOND, today + FURTHEST))
    if target is not None:
        target = clamped(target)
        first, last = min(first, target - BEYOND), max(last, target + BEYOND)
    return first, last


def fitting_zoom(first: date, last: date, width: float) -> str:
    """The finest divisions named in the header at *width* units for the window: each
    cell holds its name at least without the year (the year band above names that)."""
    per_day = width / max((last - first).days, 1)
    for zoom, days in ZOOMS:
        sample = ticks(first, min(last, first + timedelta(days=800)), zoom)
        wide = max((text_width(d.short, PEN.small) for d in sample), default=0.0)
        if days * per_day >= wide + PEN.small:
            return zoom
    return ZOOMS[-1][0]


def urgent_rows(rows: Sequence[WallRow], lines: int = LINES) -> list[WallRow]:
    """The most urgent rows that fit *lines* lines with their towns' bands, in the chart's
    order: first those that can no longer meet their node (negative float, the most days
    first — the project's own target among them), then red, yellow, critical.

    >>> from datetime import date
    >>> row = lambda name, light, tf: WallRow(group="", name=name, start=date(2020, 1, 1),
    ...     finish=date(2020, 2, 1), light=light, total_float=tf, critical=tf is not None
    ...     and tf <= 0)
    >>> [r.name for r in urgent_rows([row("绿", "green", 5), row("红", "red", 3),
    ...     row("未开工但赶不上", "not_started", -84)], lines=3)]
    ['红', '未开工但赶不上']
    """

    def urgency(k: int) -> tuple:
        tf = rows[k].total_float
        late = tf is not None and tf < 0
        return (not late, tf if late else 0, URGENCY.get(rows[k].light, 2), not rows[k].critical, k)

    ranked = sorted(range(len(rows)), key=urgency)
    keep: list[int] = []
    for k in ranked:
        if len(lines_of([rows[i] for i in sorted([*keep, k])])) > lines:
            break
        keep.append(k)
    return [rows[k] for k in sorted(keep)]


def _legend_lines(labels: WallLabels, width: float) -> list[WallLabels]:
    """The legend cut into lines no wider than *width*."""
    out: list[dict[str, str]] = [{}]
    used = 0.0
    for key, text in labels.legend.items():
        wide = LEGEND_SIZE * 2.6 + text_width(text, LEGEND_SIZE)
        if out[-1] and used + wide > width:
            out.append({})
            used = 0.0
        out[-1][key] = text
        used += wide
    return [replace(labels, legend=legend) for legend in out if legend]


def _piece(x: float, y: float, width: float, height: float, content: str) -> str:
    """A nested SVG: what is drawn past its edges is cut off."""
    return (
        f'<svg x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}">{content}</svg>'
    )


def screen_chart(
    rows: Sequence[WallRow],
    *,
    today: date,
    target: date | None,
    labels: WallLabels,
    title: str = "",
    subtitle: str = "",
) -> str:
    """The chart for the 大屏 as one SVG document, its *title* in the corner above the names.

    A target stored beyond the days guatu works in is drawn clamped, like everywhere.
    """
    target = clamped(target) if target is not None else None
    first, last = window(today, target, max((row.finish for row in rows), default=None))
    bars = WIDTH - LABEL_WIDTH
    reach = bars - PEN.small * 0.6  # the last day's right edge; the rest is margin
    axis = Axis(first, last, 0.0, reach / max((last - first).days, 1))
    divisions = ticks(first, last, fitting_zoom(first, last, reach))
    lines = lines_of(rows)
    body_height = max(len(lines), 1) * PEN.row
    top = math.ceil(head_height(axis, divisions, PEN.small))
    head, side, body = draw_pieces(
        lines, axis, divisions, head_height=top, height=body_height, pen=PEN, today=today,
        target=target, labels=labels, label_width=LABEL_WIDTH,
    )  # fmt: skip
    legend: list[str] = []
    bottom = top + body_height + LEGEND_SIZE * 0.6
    for line in _legend_lines(labels, WIDTH - 8):
        bottom += LEGEND_SIZE * 1.5
        draw_legend(legend.append, line, x=4, y=bottom - LEGEND_SIZE * 0.3, size=LEGEND_SIZE)
    height = bottom + LEGEND_SIZE * 0.2
    room = LABEL_WIDTH - PEN.small
    corner = (
        f'<text x="2" y="{TITLE_SIZE:.0f}" font-size="{TITLE_SIZE:.0f}" font-weight="bold">'
        f"{escape(fit_text(title, TITLE_SIZE, room))}</text>"
        f'<text x="2" y="{TITLE_SIZE + PEN.small * 1.5:.0f}" font-size="{PEN.small:.0f}" '
        f'fill="#475467">{escape(fit_text(subtitle, PEN.small, room))}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="{FONT}" font-size="{PEN.font:.0f}" role="img" '
        f'aria-label="{escape(labels.title)}">'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>'
        f"{corner}"
        + _piece(LABEL_WIDTH, 0, bars, top, "".join(head))
        + _piece(0, top, LABEL_WIDTH, body_height, "".join(side))
        + _piece(LABEL_WIDTH, top, bars, body_height, "".join(body))
        + "".join(legend)
        + "</svg>"
    )


__all__ = ["LINES", "fitting_zoom", "screen_chart", "urgent_rows", "window"]
