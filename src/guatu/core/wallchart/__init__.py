"""The wall chart (挂图) as SVG: a Gantt drawn the way supervision offices hang it.

Each work item is a row, grouped (by town or by phase): the planned bar from
early start to early finish, the reported progress filled in the colour of
its light (the whole bar tinted with it, so that any part of it in view carries
the light), a thin line on to the late finish (the float it still has), the
critical path outlined in red, milestones as diamonds and time nodes as
flags — a red flag when reached on time, an orange one when reached late, a
black one when overdue — a dashed line for today and a solid one for the
project's target.

The chart is drawn in three pieces (date header, label column, bars) by
the same functions at any size: the screen keeps the header and the labels
in place while the bars scroll (``render_screen``), one SVG document holds
all three for export (``render_svg``), and the printed sheets lay them out
in points on paper (``guatu.core.wallpaper``).

Modules: ``rows`` (what a row carries, the lines with their group bands),
``layout`` (sizes, colours, the time axis and its divisions, text widths),
``labels`` (the date header, the label column, the legend), ``bars`` (the
bars' area, one item's bar) and ``screen`` (the pieces as SVG documents).

>>> from datetime import date
>>> svg = render_svg([WallRow("石柱镇", "征地", date(2019, 9, 1), date(2019, 10, 31),
...                           date(2019, 10, 1), date(2019, 11, 30), 40.0, "yellow")],
...                  today=date(2019, 10, 15), zoom="month")
>>> svg.startswith("<svg") and "征地" in svg
True
"""

from guatu.core.wallchart.bars import draw_bars
from guatu.core.wallchart.labels import (
    HEAD,
    YEAR_BAND,
    draw_head,
    draw_labels,
    draw_legend,
    head_height,
)
from guatu.core.wallchart.layout import (
    FLAG_FILL,
    FONT,
    LIGHT_FILL,
    LIGHT_TINT,
    ZOOM_PX_PER_DAY,
    Axis,
    Division,
    Pen,
    chart_span,
    fit_lines,
    fit_text,
    lines_height,
    text_width,
    ticks,
    wrap_text,
)
from guatu.core.wallchart.rows import Line, WallLabels, WallRow, lines_of, noted
from guatu.core.wallchart.screen import ScreenChart, draw_pieces, render_screen, render_svg

__all__ = [
    "FLAG_FILL",
    "FONT",
    "HEAD",
    "LIGHT_FILL",
    "LIGHT_TINT",
    "YEAR_BAND",
    "ZOOM_PX_PER_DAY",
    "Axis",
    "Division",
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
    "draw_pieces",
    "fit_lines",
    "fit_text",
    "head_height",
    "lines_height",
    "lines_of",
    "noted",
    "render_screen",
    "render_svg",
    "text_width",
    "ticks",
    "wrap_text",
]
