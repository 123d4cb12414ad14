"""The chart's measures: sizes, colours, the time axis and its divisions, text widths."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from guatu.core.limits import shifted
from guatu.core.wallchart.rows import WallRow

__all__ = [
    "FLAG_FILL",
    "FONT",
    "HEADER",
    "LABEL_WIDTH",
    "LIGHT_FILL",
    "P80_COLOUR",
    "ROW",
    "TARGET",
    "TITLE",
    "ZOOM_PX_PER_DAY",
    "Add",
    "Axis",
    "Pen",
    "chart_span",
    "fit_text",
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
#: The P80 whisker's colour.
P80_COLOUR = "#7a5af8"

#: Where a drawing goes: each piece of SVG markup is passed to it in turn.
Add = Callable[[str], object]


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
    return shifted(min(dated), -7), shifted(max(dated), 14)


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
