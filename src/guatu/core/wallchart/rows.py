"""What the chart draws: a row per work item, the words on the chart, its lines."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

__all__ = ["Line", "WallLabels", "WallRow", "lines_of", "noted"]


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


@dataclass(frozen=True)
class WallLabels:
    """Words drawn on the chart, already in the reader's language."""

    title: str = ""
    today: str = "today"
    target: str = "target"
    continued: str = "(continued)"
    #: Beside the arrow of a P80 whisker that runs past the chart's edge.
    p80: str = "P80 %(date)s"
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


def noted(text: str, note: str | None) -> str:
    """*text* with *note* in brackets after it, or *text* alone when there is no note:
    a hover text never shows empty brackets.

    >>> noted("时间节点 2020-06-30", "已逾期"), noted("时间节点 2020-06-30", "")
    ('时间节点 2020-06-30（已逾期）', '时间节点 2020-06-30')
    """
    note = (note or "").strip()
    return f"{text}（{note}）" if note else text
