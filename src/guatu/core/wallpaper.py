"""The wall chart on paper: A3, A1 or A0 landscape sheets that fill the page.

A 挂图 is read from a step away, so the chart is laid out in points on the
sheet rather than shrunk from the screen: a title block (city, project,
data date, issuing office, legend, sheet x/y), the date header, the label
column and the bars filling everything inside a 10 mm safe margin. The time
axis always spans the sheet's width (the divisions coarsen from weeks to
years to keep their labels legible); rows share the height. No text is
ever set below 7 pt: when the rows don't fit at that size they are tiled
down across sheets, each repeating the title block, label column and date
header and saying which rows it holds.

>>> from datetime import date
>>> from guatu.core.wallchart import WallRow
>>> rows = [WallRow("石柱镇", f"征地{k}", date(2019, 9, 1), date(2019, 10, 31)) for k in range(300)]
>>> sheets = render_sheets(rows, today=date(2019, 10, 15), paper="A3", words=SheetWords())
>>> len(sheets) > 1 and all(s.startswith("<svg") for s in sheets)
True
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from guatu.core.wallchart import (
    FONT,
    HEAD,
    YEAR_BAND,
    Axis,
    Line,
    Pen,
    WallLabels,
    WallRow,
    chart_span,
    draw_bars,
    draw_head,
    draw_labels,
    draw_legend,
    lines_height,
    lines_of,
    text_width,
    ticks,
    wrap_text,
)

__all__ = ["MARGIN_MM", "MIN_FONT_PT", "PAPER_MM", "SheetWords", "render_sheets", "sheet_lines"]

PAPER_MM = {"A3": (420, 297), "A1": (841, 594), "A0": (1189, 841)}
MARGIN_MM = 10.0
# Content starts this far inside the safe margin, so that no glyph's edge touches it.
INSET_MM = 1.5
MIN_FONT_PT = 7.0
PT_PER_MM = 72 / 25.4
# A row is this many times its font's size; at 7 pt that is 3.6 mm.
ROW_PER_FONT = 1.45
# Largest item font, at A3 (scaled with the sheet's width for larger paper).
MAX_FONT_A3 = 14.0


@dataclass(frozen=True)
class SheetWords:
    """What the title block says, already in the reader's language (``%(name)s`` fields)."""

    title: str = "wall chart"
    facts: tuple[str, ...] = ()  # city, data date, issuing office: each already worded
    sheet: str = "sheet %(page)s/%(pages)s"
    tiled: str = (
        "%(pages)s sheets, tiled top to bottom, each repeating the label column and the date "
        "header; this sheet holds rows %(first)s–%(last)s of %(total)s"
    )
    labels: WallLabels = field(default_factory=WallLabels)


def sheet_lines(lines: Sequence[Line], per_sheet: int) -> list[list[Line]]:
    """Split *lines* into sheets of at most *per_sheet* lines, balanced.

    A sheet that begins inside a group begins with that group's band again,
    marked as continued, so every sheet reads on its own.
    """
    if not lines:
        return [[]]
    per_sheet = max(per_sheet, 2)
    count = math.ceil(len(lines) / (per_sheet - 1))
    while True:
        target = math.ceil(len(lines) / count)
        sheets: list[list[Line]] = []
        current: list[Line] = []
        for line in lines:
            if len(current) >= target:
                sheets.append(current)
                current = []
            if not current and line.row is not None:
                current.append(Line(line.group, None, continued=True))
            current.append(line)
        sheets.append(current)
        if max(len(sheet) for sheet in sheets) <= per_sheet:
            return sheets
        count += 1


def _row_need(lines: Sequence[Line], label_w: float, pen: Pen, continued: str) -> float:
    """The row height the longest name needs, wrapped at the smallest size, in a column
    *label_w* wide (the widths ``draw_labels`` gives group and item names); 0 when every
    name fits on one line at the pen's size."""
    need = 0.0
    for line in lines:
        text, room = (
            (line.group + continued, label_w - pen.font)  # as a continued sheet names it
            if line.row is None
            else (line.row.name, label_w - pen.indent - pen.font * 0.5)
        )
        if text_width(text, pen.font) > room:
            count = len(wrap_text(text, MIN_FONT_PT, room))
            need = max(need, lines_height(count, MIN_FONT_PT))
    return need


def _divisions(first: date, last: date, width: float, size: float):
    """The finest divisions whose labels fit between their lines at *size* (named without
    their year if need be: the header's year band names it)."""
    days = max((last - first).days, 1)
    per_day = width / days
    for zoom, label, span in (
        ("week", "第52周", 7),
        ("month", "12月", 28),
        ("quarter", "四季度", 90),
        ("year", "2019年", 365),
    ):
        if span * per_day >= text_width(label, size) + size:
            return ticks(first, last, zoom)
    return ticks(first, last, "year")


@dataclass(frozen=True)
class _Frame:
    """What a sheet of one paper size holds wherever its rows: page, margin, title, header."""

    width_mm: int
    height_mm: int
    page_w: float
    page_h: float
    margin: float
    grow: float  # the sheet's width against A3's: fonts scale with it
    inner_w: float
    title_size: float
    info_size: float
    title_h: float
    head_size: float
    head_h: float

    @property
    def rows_top(self) -> float:
        return self.margin + self.title_h + self.head_h

    @property
    def rows_h(self) -> float:
        return self.page_h - self.margin - self.rows_top


def _frame(paper: str) -> _Frame:
    """The frame of a landscape sheet of *paper*, in points."""
    width_mm, height_mm = PAPER_MM[paper]
    page_w, page_h = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    margin = (MARGIN_MM + INSET_MM) * PT_PER_MM
    grow = width_mm / PAPER_MM["A3"][0]
    title_size = 18.0 * grow
    info_size = max(MIN_FONT_PT, 9.0 * grow)
    head_size = max(MIN_FONT_PT, 8.0 * grow)
    return _Frame(
        width_mm=width_mm,
        height_mm=height_mm,
        page_w=page_w,
        page_h=page_h,
        margin=margin,
        grow=grow,
        inner_w=page_w - 2 * margin,
        title_size=title_size,
        info_size=info_size,
        title_h=title_size * 1.25 + info_size * 3.0,
        head_size=head_size,
        # The divisions, the year band above them and today's and the target's dates above it.
        head_h=head_size * (HEAD + YEAR_BAND),
    )


def render_sheets(
    rows: Sequence[WallRow],
    *,
    today: date,
    paper: str,
    words: SheetWords,
    target: date | None = None,
) -> list[str]:
    """The chart as SVG sheets of *paper* (A3, A1 or A0, landscape), sized in millimetres."""
    frame = _frame(paper)
    margin, inner_w, rows_h = frame.margin, frame.inner_w, frame.rows_h
    lines = lines_of(rows)
    per_sheet = max(int(rows_h // (MIN_FONT_PT * ROW_PER_FONT)), 2)
    first, last = chart_span(rows, today, target)
    days = max((last - first).days, 1)
    while True:
        sheets = sheet_lines(lines, per_sheet)
        row_h = rows_h / max(max(len(sheet) for sheet in sheets), 1)
        font = min(row_h / ROW_PER_FONT, MAX_FONT_A3 * frame.grow)
        pen = Pen(row=row_h, font=font, small=max(MIN_FONT_PT, font * 0.85), indent=font * 1.2)
        longest = max((text_width(row.name, font) for row in rows), default=0.0)
        label_w = min(max(longest + pen.indent + font, inner_w * 0.12), inner_w * 0.28)
        # Names are never cut: one too long for the column wraps, and when even at 7 pt
        # its lines need more height than a row has, the sheets hold fewer, taller rows.
        need = _row_need(lines, label_w, pen, words.labels.continued)
        if need <= row_h or per_sheet <= 2:
            break
        per_sheet = max(min(per_sheet - 1, int(rows_h // need)), 2)
    chart_left = margin + label_w
    axis = Axis(first, last, 0.0, (frame.page_w - margin - font - chart_left) / days)
    divisions = _divisions(first, last, axis.right, frame.head_size)

    head: list[str] = []
    draw_head(
        head.append,
        axis,
        divisions,
        height=frame.head_h,
        pen=Pen(row=row_h, font=frame.head_size, small=frame.head_size),
        today=today,
        target=target,
        labels=words.labels,
    )
    head_svg = "".join(head)
    total = sum(1 for line in lines if line.row is not None)
    out = []
    numbered = 0
    for page, sheet in enumerate(sheets, start=1):
        body: list[str] = []
        draw_bars(
            body.append,
            sheet,
            axis,
            divisions,
            height=rows_h,
            pen=pen,
            today=today,
            target=target,
            labels=words.labels,
        )
        side: list[str] = []
        draw_labels(
            side.append, sheet, width=label_w, pen=pen, labels=words.labels, wrap=MIN_FONT_PT
        )
        held = sum(1 for line in sheet if line.row is not None)
        block = _title_block(
            words,
            page=page,
            pages=len(sheets),
            first=numbered + 1,
            last=numbered + held,
            total=total,
            x=margin,
            y=margin,
            width=inner_w,
            title_size=frame.title_size,
            info_size=frame.info_size,
        )
        numbered += held
        out.append(_sheet_svg(frame, chart_left, block, head_svg, "".join(side), "".join(body)))
    return out


def _sheet_svg(
    frame: _Frame, chart_left: float, block: str, head: str, side: str, body: str
) -> str:
    """One sheet: the title block, the date header, the label column and the bars, framed."""
    page_w, page_h, margin, rows_top = frame.page_w, frame.page_h, frame.margin, frame.rows_top
    head_top = margin + frame.title_h
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{frame.width_mm}mm" height="{frame.height_mm}mm" '
        f'viewBox="0 0 {page_w:.2f} {page_h:.2f}" font-family="{FONT}">'
        f'<rect x="0" y="0" width="{page_w:.2f}" height="{page_h:.2f}" fill="#ffffff"/>'
        f"{block}"
        f'<g transform="translate({chart_left:.2f} {head_top:.2f})">{head}</g>'
        f'<g transform="translate({margin:.2f} {rows_top:.2f})">{side}</g>'
        f'<g transform="translate({chart_left:.2f} {rows_top:.2f})">{body}</g>'
        f'<rect x="{margin:.2f}" y="{rows_top:.2f}" width="{frame.inner_w:.2f}" '
        f'height="{frame.rows_h:.2f}" fill="none" stroke="#98a2b3" stroke-width="0.5"/>'
        f'<line x1="{chart_left:.2f}" y1="{head_top:.2f}" x2="{chart_left:.2f}" '
        f'y2="{page_h - margin:.2f}" stroke="#98a2b3" stroke-width="0.5"/>'
        "</svg>"
    )


def _title_block(
    words: SheetWords,
    *,
    page: int,
    pages: int,
    first: int,
    last: int,
    total: int,
    x: float,
    y: float,
    width: float,
    title_size: float,
    info_size: float,
) -> str:
    """Title, city, data date, office and sheet number on the left; the legend on the right."""
    parts: list[str] = []
    add = parts.append
    add(
        f'<text x="{x:.2f}" y="{y + title_size:.2f}" font-size="{title_size:.1f}" '
        f'font-weight="bold">{escape(words.title)}</text>'
    )
    facts = [*words.facts, words.sheet % {"page": page, "pages": pages}]
    line_y = y + title_size * 1.25 + info_size * 1.2
    add(
        f'<text x="{x:.2f}" y="{line_y:.2f}" font-size="{info_size:.1f}">'
        f"{escape('　'.join(facts))}</text>"
    )
    if pages > 1:
        note = words.tiled % {"pages": pages, "first": first, "last": last, "total": total}
        add(
            f'<text x="{x:.2f}" y="{line_y + info_size * 1.4:.2f}" font-size="{info_size:.1f}" '
            f'fill="#b42318">{escape(note)}</text>'
        )
    legend: list[str] = []
    end = draw_legend(legend.append, words.labels, x=0, y=0, size=info_size)
    shift = x + width - end + info_size
    add(f'<g transform="translate({shift:.2f} {y + title_size:.2f})">{"".join(legend)}</g>')
    return "".join(parts)
