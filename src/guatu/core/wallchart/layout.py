"""The chart's measures: sizes, colours, the time axis and its divisions, text widths."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from guatu.core.limits import shifted
from guatu.core.periods import month_label, quarter_label, week_label, year_label
from guatu.core.wallchart.rows import WallRow

__all__ = [
    "FLAG_FILL",
    "FONT",
    "HEADER",
    "LABEL_WIDTH",
    "LIGHT_FILL",
    "LIGHT_TINT",
    "P80_COLOUR",
    "ROW",
    "TARGET",
    "TITLE",
    "ZOOM_PX_PER_DAY",
    "Add",
    "Axis",
    "Division",
    "Pen",
    "chart_span",
    "fit_lines",
    "fit_text",
    "lines_height",
    "text_width",
    "ticks",
    "wrap_text",
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
#: How strongly the light's colour tints the whole of a bar beneath its progress, so that a
#: bar carries its light whatever part of it is in view (not started and done: none).
LIGHT_TINT = {"green": 0.3, "yellow": 0.35, "red": 0.3}
FLAG_FILL = {"done_on_time": "#d92d20", "done_late": "#f0a000", "overdue": "#101828"}
TARGET = "#7a271a"
FONT = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, sans-serif"
# Screen sizes, in CSS pixels.
LABEL_WIDTH = 300
ROW = 22
HEADER = 46  # the date header without its year band (``labels.HEAD`` × the small font)
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
    """The days the chart shows: every bar, float, node, today and the target.

    Not the P80 finishes: a far one would squeeze the whole chart; a whisker that
    runs past the chart's edge ends in an arrow there, with its date (``bars``).
    """
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


@dataclass(frozen=True)
class Division:
    """One division of the date header: where it begins and how it is named.

    ``label`` names it whole (2019年第41周, 2019年11月, 2017年二季度, 2019年);
    ``short`` leaves out the year, for a cell too narrow for the whole label, read
    under the header's year band (第41周, 11月, 二季度); ``year`` is the band it
    sits under (a week's ISO year, so that a band holds whole weeks).
    """

    day: date
    label: str
    short: str
    year: int

    def __iter__(self) -> Iterator:
        """Unpacks as the (day, label) pair a division once was: ``for day, text in ticks(…)``."""
        return iter((self.day, self.label))


def ticks(first: date, last: date, zoom: str) -> list[Division]:
    """The header's divisions at *zoom*: week, month, quarter or year, named in Chinese.

    >>> [d.label for d in ticks(date(2019, 10, 7), date(2019, 10, 20), "week")]
    ['2019年第41周', '2019年第42周']
    >>> [(d.label, d.short) for d in ticks(date(2017, 4, 1), date(2017, 6, 30), "quarter")]
    [('2017年二季度', '二季度')]
    """
    if zoom == "week":
        monday = first - timedelta(days=first.weekday())
        out = []
        while monday <= last:
            out.append(
                Division(
                    monday,
                    week_label(monday),
                    week_label(monday, year=False),
                    monday.isocalendar().year,
                )
            )
            monday += timedelta(days=7)
        return out
    if zoom == "quarter":
        return [
            Division(m, quarter_label(m), quarter_label(m, year=False), m.year)
            for m in _months(first, last)
            if m.month in (1, 4, 7, 10)
        ]
    if zoom == "year":
        return [
            Division(date(y, 1, 1), year_label(y), year_label(y), y)
            for y in range(first.year, last.year + 1)
        ]
    return [
        Division(m, month_label(m), month_label(m, year=False), m.year)
        for m in _months(first, last)
    ]


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


#: Characters a line may not begin with, and ones it may not end with (禁则).
_NO_START = set("）》」』】〕〉、，。；：！？%）,.;:!?…—")
_NO_END = set("（《「『【〔〈(")
#: Characters after which a line breaks well, and ones before which it does.
_BREAK_AFTER = set("、，；：,;: ")
_BREAK_BEFORE = set("（《(")
#: Line pitch of wrapped text, in its size; and how much of a row a wrapped block may fill.
LEADING = 1.2
FILL = 0.92


def _units(text: str) -> list[str]:
    """*text* in pieces never broken: a run of Latin letters and digits, or one character."""
    units: list[str] = []
    for char in text:
        latin = char.isascii() and char.isalnum()
        if latin and units and units[-1][-1].isascii() and units[-1][-1].isalnum():
            units[-1] += char
        else:
            units.append(char)
    return units


def wrap_text(text: str, size: float, width: float) -> list[str]:
    """*text* broken into lines no wider than *width* at *size*, whole (nothing left out).

    Lines break between Chinese characters, best after a 、or ，and before a （;
    never inside a run of Latin letters or digits (unless the run alone is too
    wide), never with a closing bracket or a comma at a line's start.

    >>> wrap_text("主线、连接线和相关站场同期交付（具备通车条件）", 10, 160)
    ['主线、连接线和相关站场同期交付', '（具备通车条件）']
    >>> wrap_text("征地", 10, 160)
    ['征地']
    """
    lines: list[list[str]] = [[]]
    for unit in _units(text):
        line = lines[-1]
        if not line or text_width("".join(line) + unit, size) <= width:
            if not line and text_width(unit, size) > width and len(unit) > 1:
                # A run of Latin letters or digits wider than the line: split it.
                for char in unit:
                    if lines[-1] and text_width("".join(lines[-1]) + char, size) > width:
                        lines.append([])
                    lines[-1].append(char)
                continue
            line.append(unit)
            continue
        cut = _break_at(line, unit)
        if text_width("".join(line[cut:]) + unit, size) > width:
            cut = len(line)  # a narrow column: no room to carry anything over
        lines[-1], carried = line[:cut], line[cut:]
        lines.append([*carried, unit])
    return ["".join(line) for line in lines if line]


def _break_at(line: list[str], unit: str) -> int:
    """Where to break *line* before *unit* comes: at its end, or a little back (within its
    last third) after a 、or ，or before a （, or to keep a closing mark off the next line
    and an opening one off this line's end."""
    size = len(line)
    for k in range(size - 1, max(size * 2 // 3, 1) - 1, -1):
        if line[k - 1] in _BREAK_AFTER or line[k] in _BREAK_BEFORE:
            return k
    cut = size - 1 if unit in _NO_START else size
    while cut > 1 and (line[cut - 1] in _NO_END or (cut < size and line[cut] in _NO_START)):
        cut -= 1
    return max(cut, 1)


def lines_height(count: int, size: float) -> float:
    """The height *count* lines of wrapped text at *size* need in a row."""
    return size * (1.0 + LEADING * (count - 1)) / FILL


def fit_lines(
    text: str, size: float, width: float, height: float, smallest: float
) -> tuple[float, list[str]] | None:
    """The largest size up to *size*, not under *smallest*, at which *text* fits a box
    *width* × *height* whole (wrapped if need be), with its lines; None if it can't.

    >>> fit_lines("征地", 12, 100, 17, 7)
    (12, ['征地'])
    >>> size, lines = fit_lines("主线、连接线和相关站场同期交付（具备通车条件）", 12, 160, 24, 7)
    >>> 7 <= size < 12, "".join(lines)
    (True, '主线、连接线和相关站场同期交付（具备通车条件）')
    """
    if text_width(text, size) <= width:
        return size, [text]
    best: tuple[float, list[str]] | None = None
    count = 1
    while True:
        cap = min(size, height * FILL / (1.0 + LEADING * (count - 1)))
        if cap < smallest:
            return best
        low, high = smallest, cap
        if len(wrap_text(text, low, width)) <= count:
            if len(wrap_text(text, high, width)) <= count:
                low = high
            for _ in range(14):
                middle = (low + high) / 2
                if len(wrap_text(text, middle, width)) <= count:
                    low = middle
                else:
                    high = middle
            if best is None or low > best[0] + 0.01:
                best = (low, wrap_text(text, low, width))
        count += 1
