"""The words around the bars: the date header, the label column and the legend."""

from collections.abc import Sequence
from datetime import date
from html import escape

from guatu.core.periods import year_label
from guatu.core.wallchart.layout import (
    FLAG_FILL,
    LEADING,
    LIGHT_FILL,
    P80_COLOUR,
    TARGET,
    Add,
    Axis,
    Division,
    Pen,
    fit_lines,
    fit_text,
    text_width,
)
from guatu.core.wallchart.rows import Line, WallLabels

__all__ = [
    "HEAD",
    "YEAR_BAND",
    "draw_head",
    "draw_labels",
    "draw_legend",
    "head_height",
    "year_band",
]


#: The header's height, in its small font's sizes: the divisions and two rows of dates
#: (today's and the target's) above them; the year band adds its own.
HEAD = 4.6
YEAR_BAND = 1.6
_CELL = 1.8  # the divisions' row


def _cells(
    axis: Axis, divisions: Sequence[Division], size: float
) -> tuple[list[tuple[float, float, str]], bool]:
    """Each division's cell (left, right) and its words, and whether the header needs
    its year band.

    One form for every cell: whole labels (2019年11月) when every cell but the two the
    chart's edges may cut short holds its whole label, and then no year band (an edge
    cell too short for its whole label says 11月); otherwise labels without their year
    (11月, 第46周, 二季度) under a band naming the years. A cell too short for its
    words says nothing."""
    cells = []
    for k, division in enumerate(divisions):
        end = divisions[k + 1].day if k + 1 < len(divisions) else axis.last
        cells.append((max(axis.x(division.day), axis.left), axis.x(end)))
    pad = size * 0.3
    inner = range(1, len(divisions) - 1) if len(divisions) > 2 else range(len(divisions))
    whole = all(
        text_width(divisions[k].label, size) + pad <= cells[k][1] - cells[k][0] for k in inner
    )
    out = []
    for (left, right), division in zip(cells, divisions, strict=True):
        forms = (division.label, division.short) if whole else (division.short,)
        text = next((t for t in forms if text_width(t, size) + pad <= right - left), "")
        out.append((left, right, text))
    band = not whole and any(
        text and text != division.label
        for division, (_, _, text) in zip(divisions, out, strict=True)
    )
    return out, band


def year_band(axis: Axis, divisions: Sequence[Division], size: float) -> bool:
    """Whether the header needs its year band: its divisions are named without their year."""
    return _cells(axis, divisions, size)[1]


def head_height(axis: Axis, divisions: Sequence[Division], size: float) -> float:
    """How tall the date header is at *size*: with its year band when it needs one."""
    return size * (HEAD + (YEAR_BAND if year_band(axis, divisions, size) else 0.0))


def draw_head(
    add: Add,
    axis: Axis,
    divisions: list[Division],
    *,
    height: float,
    pen: Pen,
    today: date,
    target: date | None,
    labels: WallLabels,
) -> None:
    """The date header: a label per division (with a band naming the years above them
    when the divisions are named without theirs), today's date and the target's above."""
    size = pen.small
    baseline = height - size * 0.5
    cells, band = _cells(axis, divisions, size)
    for k, (left, right, text) in enumerate(cells):
        if k % 2:
            add(
                f'<rect x="{left:.1f}" y="{height - size * _CELL:.1f}" '
                f'width="{right - left:.1f}" height="{size * _CELL:.1f}" fill="#f5f6f8"/>'
            )
        if text:
            add(
                f'<text x="{left + size * 0.2:.1f}" y="{baseline:.1f}" '
                f'font-size="{size:.1f}" fill="#475467">{escape(text)}</text>'
            )
    if band:
        _year_band(add, axis, divisions, bottom=height - size * _CELL, size=size)
    add(
        f'<line x1="{axis.left:.1f}" y1="{height - 0.5:.1f}" x2="{axis.right:.1f}" '
        f'y2="{height - 0.5:.1f}" stroke="#d0d5dd"/>'
    )
    marks = [(today, f"{labels.today} {today.isoformat()}", "#d92d20")]
    if target is not None:
        marks.append((target, f"{labels.target} {target.isoformat()}", TARGET))
    above = height - size * (_CELL + (YEAR_BAND if band else 0.0) + 0.3)
    for row, (day, text, colour) in enumerate(marks):
        x = axis.x(day)
        wide = text_width(text, size)
        anchor = "end" if x + wide > axis.right else "start"
        shift = -size * 0.3 if anchor == "end" else size * 0.3
        y = above - row * size * 1.2
        add(
            f'<text x="{x + shift:.1f}" y="{y:.1f}" font-size="{size:.1f}" '
            f'text-anchor="{anchor}" fill="{colour}">{escape(text)}</text>'
        )


def _year_band(
    add: Add, axis: Axis, divisions: Sequence[Division], *, bottom: float, size: float
) -> None:
    """The years above the divisions: one cell per year, from its first division."""
    starts = [k for k, d in enumerate(divisions) if k == 0 or d.year != divisions[k - 1].year]
    top = bottom - size * YEAR_BAND
    for n, k in enumerate(starts):
        left = max(axis.x(divisions[k].day), axis.left)
        right = axis.x(divisions[starts[n + 1]].day) if n + 1 < len(starts) else axis.right
        if n:
            add(
                f'<line x1="{left:.1f}" y1="{top:.1f}" x2="{left:.1f}" y2="{bottom:.1f}" '
                f'stroke="#d0d5dd" stroke-width="{size / 10:.2f}"/>'
            )
        text = year_label(divisions[k].year)
        if text_width(text, size) + size * 0.3 <= right - left:
            add(
                f'<text x="{left + size * 0.2:.1f}" y="{bottom - size * 0.45:.1f}" '
                f'font-size="{size:.1f}" fill="#344054">{escape(text)}</text>'
            )
    add(
        f'<line x1="{axis.left:.1f}" y1="{bottom:.1f}" x2="{axis.right:.1f}" y2="{bottom:.1f}" '
        f'stroke="#eaecf0" stroke-width="{size / 10:.2f}"/>'
    )


def draw_labels(
    add: Add,
    lines: Sequence[Line],
    *,
    width: float,
    pen: Pen,
    labels: WallLabels,
    wrap: float | None = None,
):
    """The label column: group names on their bands, item names under them.

    A name too long for the column is cut with an ellipsis (the screen, which shows the
    whole of it on hover) or, given *wrap* (the smallest size it may take: the printed
    sheets), set whole on as many lines as the row holds, smaller if need be.
    """
    for k, line in enumerate(lines):
        top = k * pen.row
        if line.row is None:
            add(
                f'<rect x="0" y="{top:.1f}" width="{width:.1f}" height="{pen.row:.1f}" '
                'fill="#eef2f6"/>'
            )
            text = f"{line.group}{labels.continued if line.continued else ''}"
            _name(add, text, x=pen.font * 0.5, top=top, width=width - pen.font, pen=pen,
                  wrap=wrap, extra=' font-weight="bold"', title=False)  # fmt: skip
            continue
        row = line.row
        weight = ' font-weight="bold"' if row.critical else ""
        _name(add, row.name, x=pen.indent, top=top, width=width - pen.indent - pen.font * 0.5,
              pen=pen, wrap=wrap, extra=weight, title=True)  # fmt: skip


def _name(
    add: Add,
    text: str,
    *,
    x: float,
    top: float,
    width: float,
    pen: Pen,
    wrap: float | None,
    extra: str,
    title: bool,
) -> None:
    """A name in its row: one line (cut to fit unless *wrap*), or whole on several."""
    fitted = fit_lines(text, pen.font, width, pen.row, wrap) if wrap is not None else None
    size, lines = fitted or (pen.font, [fit_text(text, pen.font, width)])
    tip = f"<title>{escape(text)}</title>" if title else ""
    pitch = size * LEADING
    first = top + pen.row / 2 - pitch * (len(lines) - 1) / 2 + size * 0.36
    if len(lines) == 1:
        add(
            f'<text x="{x:.1f}" y="{first:.1f}" font-size="{size:.1f}"{extra}>'
            f"{tip}{escape(lines[0])}</text>"
        )
        return
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + n * pitch:.1f}">{escape(part)}</tspan>'
        for n, part in enumerate(lines)
    )
    add(f'<text font-size="{size:.2f}"{extra}>{tip}{spans}</text>')


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
