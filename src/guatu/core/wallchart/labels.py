"""The words around the bars: the date header, the label column and the legend."""

from collections.abc import Sequence
from datetime import date
from html import escape

from guatu.core.wallchart.layout import (
    FLAG_FILL,
    LIGHT_FILL,
    P80_COLOUR,
    TARGET,
    Add,
    Axis,
    Pen,
    fit_text,
    text_width,
)
from guatu.core.wallchart.rows import Line, WallLabels

__all__ = ["draw_head", "draw_labels", "draw_legend"]


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
