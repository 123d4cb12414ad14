"""The bars' area: shaded divisions, group bands, each item's bar, today and the target."""

from collections.abc import Sequence
from datetime import date
from html import escape

from guatu.core.limits import shifted
from guatu.core.wallchart.layout import (
    FLAG_FILL,
    LIGHT_FILL,
    LIGHT_TINT,
    P80_COLOUR,
    TARGET,
    Add,
    Axis,
    Division,
    Pen,
    text_width,
)
from guatu.core.wallchart.rows import Line, WallLabels, WallRow

__all__ = ["draw_bars"]


def draw_bars(
    add: Add,
    lines: Sequence[Line],
    axis: Axis,
    divisions: list[Division],
    *,
    height: float,
    pen: Pen,
    today: date,
    target: date | None,
    labels: WallLabels | None = None,
) -> None:
    """The bars' area: shaded divisions, group bands, one bar per item, today and the target."""
    labels = labels or WallLabels()
    for k, division in enumerate(divisions):
        if k % 2:
            end = divisions[k + 1].day if k + 1 < len(divisions) else axis.last
            left = max(axis.x(division.day), axis.left)
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
            _bar(add, line.row, top, axis, pen, labels)
    if target is not None:
        x = axis.x(shifted(target, 1))
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


def _bar(add: Add, row: WallRow, top: float, axis: Axis, pen: Pen, labels: WallLabels) -> None:
    """One item's row: its float and baseline beneath, the bar or diamond, its P80, its flag."""
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
        f'width="{max(axis.x(shifted(row.finish, 1)) - axis.x(row.start), h):.1f}" '
        f'height="{h:.1f}" fill="transparent"/>'
    )
    colour = LIGHT_FILL.get(row.light, LIGHT_FILL[""])
    if row.late_finish and row.late_finish > row.finish:
        _float(add, row, mid, axis, h)
    if row.baseline_start is not None and row.baseline_finish is not None:
        _baseline(add, row, top, axis, h)
    critical = f' stroke="#d92d20" stroke-width="{h / 11:.2f}"' if row.critical else ""
    if row.milestone:
        cx, r = axis.x(shifted(row.start, 1)), h * 0.32
        add(
            f'<path d="M{cx:.1f} {mid - r:.1f} L{cx + r:.1f} {mid:.1f} L{cx:.1f} {mid + r:.1f} '
            f'L{cx - r:.1f} {mid:.1f} Z" fill="{colour}"{critical}/>'
        )
    else:
        _planned(add, row, top, axis, pen, colour, critical)
    if row.p80 is not None and row.p80 > row.finish:
        _p80(add, row, top, axis, pen, labels.p80)
    if row.deadline is not None:
        _flag(add, row, top, axis, h)
    add("</g>")


def _float(add: Add, row: WallRow, mid: float, axis: Axis, h: float) -> None:
    """A dashed line from the early finish on to the late finish, ended by a tick."""
    x1 = axis.x(shifted(row.finish, 1))
    x2 = axis.x(shifted(row.late_finish, 1))
    add(
        f'<line x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}" stroke="#98a2b3" '
        f'stroke-width="{h / 22:.2f}" stroke-dasharray="{h / 11:.1f} {h / 11:.1f}"/>'
    )
    add(
        f'<line x1="{x2:.1f}" y1="{mid - h * 0.23:.1f}" x2="{x2:.1f}" '
        f'y2="{mid + h * 0.23:.1f}" stroke="#667085" stroke-width="{h / 22:.2f}"/>'
    )


def _baseline(add: Add, row: WallRow, top: float, axis: Axis, h: float) -> None:
    """The item in the chosen baseline: a thin bar beneath the current one."""
    left = axis.x(row.baseline_start)
    right = axis.x(shifted(row.baseline_finish, 1))
    add(
        f'<rect class="wc-baseline" x="{left:.1f}" y="{top + h * 0.80:.1f}" '
        f'width="{max(right - left, h / 11):.1f}" height="{h * 0.1:.1f}" fill="#475467"/>'
    )


def _p80(add: Add, row: WallRow, top: float, axis: Axis, pen: Pen, words: str) -> None:
    """The P80 whisker from the planned finish, ended by a tick, inside the chart.

    A P80 past the chart's right edge (a window of a few months, on the 大屏) is
    drawn up to an arrow at that edge with its date beside it, so the whisker is
    never cut without saying where it ends; one wholly before the window is not drawn.
    """
    h = pen.row
    x1 = max(axis.x(shifted(row.finish, 1)), axis.left)
    x2 = axis.x(shifted(row.p80, 1))
    y = top + h * 0.9
    stroke = f'stroke="{P80_COLOUR}" stroke-width="{h / 14:.2f}"'
    if x2 < axis.left:
        return
    if x2 <= axis.right:
        add(
            f'<line class="wc-p80" x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" {stroke}/>'
        )
        add(
            f'<line x1="{x2:.1f}" y1="{y - h * 0.14:.1f}" x2="{x2:.1f}" '
            f'y2="{y + h * 0.08:.1f}" {stroke}/>'
        )
        return
    # Beyond the edge: the whisker runs to an arrow at the edge, and the P80 date is
    # written left of it (of a milestone's diamond, when that is near the edge), on a
    # light ground so that it reads over a bar ending there.
    arrow = h * 0.3
    tip_x, base_x = axis.right, axis.right - arrow
    y = top + h * 0.85  # a little higher, so that the arrow stays inside the row
    text = words % {"date": row.p80.isoformat()}
    wide = text_width(text, pen.small)
    text_x = base_x - pen.small * 0.3
    if row.milestone:  # keep the node's diamond in sight: the date goes left of it
        text_x = max(min(text_x, x1 - h * 0.32 - pen.small * 0.3), axis.left + wide)
    mid = top + h / 2
    add('<g class="wc-p80-beyond">')
    if x1 < base_x:
        add(
            f'<line class="wc-p80" x1="{x1:.1f}" y1="{y:.1f}" x2="{base_x:.1f}" y2="{y:.1f}" '
            f"{stroke}/>"
        )
    add(
        f'<path d="M{base_x:.1f} {y - h * 0.12:.1f} L{tip_x:.1f} {y:.1f} '
        f'L{base_x:.1f} {y + h * 0.12:.1f} Z" fill="{P80_COLOUR}"/>'
    )
    add(
        f'<rect x="{text_x - wide - pen.small * 0.2:.1f}" y="{mid - pen.small * 0.6:.1f}" '
        f'width="{wide + pen.small * 0.4:.1f}" height="{pen.small * 1.2:.1f}" '
        f'fill="#ffffff" fill-opacity="0.85" rx="{pen.small * 0.2:.1f}"/>'
    )
    add(
        f'<text x="{text_x:.1f}" y="{mid + pen.small * 0.36:.1f}" font-size="{pen.small:.1f}" '
        f'text-anchor="end" fill="{P80_COLOUR}">{escape(text)}</text>'
    )
    add("</g>")


def _planned(
    add: Add, row: WallRow, top: float, axis: Axis, pen: Pen, colour: str, critical: str
) -> None:
    """The planned bar, the progress filled in the light's colour, and the percentage."""
    h = pen.row
    mid = top + h / 2
    left, right = axis.x(row.start), axis.x(shifted(row.finish, 1))
    bar = max(right - left, h / 11)
    stroke = critical or f' stroke="#98a2b3" stroke-width="{h / 22:.2f}"'
    box = f'x="{left:.1f}" y="{top + h * 0.23:.1f}" width="{bar:.1f}" height="{h * 0.54:.1f}"'
    tint = LIGHT_TINT.get(row.light)
    if tint is None:
        add(f'<rect {box} fill="#e4e7ec"{stroke} rx="{h / 11:.1f}"/>')
    else:
        # The whole bar tinted with its light, under its outline: whatever part of the bar
        # a window shows (the progress may end before it) carries the light's colour.
        add(f'<rect {box} fill="#e4e7ec" rx="{h / 11:.1f}"/>')
        add(
            f'<rect class="wc-light" {box} fill="{colour}" fill-opacity="{tint}" '
            f'rx="{h / 11:.1f}"/>'
        )
        add(f'<rect {box} fill="none"{stroke} rx="{h / 11:.1f}"/>')
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


def _flag(add: Add, row: WallRow, top: float, axis: Axis, h: float) -> None:
    """A time node's flag at its deadline, coloured by how it stands (on time, late, overdue)."""
    fx = axis.x(shifted(row.deadline, 1))
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
