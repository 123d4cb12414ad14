"""问题清单's rules: a problem's colour (三色督办), its next level (四级协调), the week's list.

The colours follow 宿迁's 三色督办单: **red** when the 时限 has passed, **yellow** when
the work it blocks is behind 序时 (its item's light is yellow or red) or its last answer
was returned as not good enough, **blue** when the 时限 is near (within the city's
``blue_days`` working days, counted on the office's calendar with its holidays and
make-up days). A problem that is none of these has no colour; a closed one (销号) has
none either. The first rule that holds wins: red, then yellow, then blue.

A level is climbed as the ladder is, one rung at a time: a problem is proposed for the
next level when its unit asks for it or its 时限 at this level has passed, and is only
raised when the office confirms it. Level 4 is the top.

The cases, on hand-made dates (2019-09-30 is a Monday before the National Day holiday,
whose make-up working days were Sunday 09-29 and Saturday 10-12):

>>> from datetime import date
>>> from guatu.core.calendar import WorkCalendar
>>> office = WorkCalendar.official()
>>> def one(due, *, today=date(2019, 9, 30), behind=False, returned=False, resolved=False):
...     return colours(today, [due], behind=[behind], returned=[returned],
...                    resolved=[resolved], calendar=office, blue_days=5)[0]

Due on 10-09: Oct 1–7 is the holiday, so 10-08 and 10-09 are the only working days left —
blue. Due on 10-15: 10-08, 09, 10, 11, 12 (make-up Saturday), 14, 15 — seven, not blue.

>>> one(date(2019, 10, 9)), one(date(2019, 10, 15))
('blue', '')
>>> one(date(2019, 10, 11)), one(date(2019, 10, 14))
('blue', '')

Due today is still blue; due yesterday is red, however far behind or returned it is.

>>> one(date(2019, 9, 30)), one(date(2019, 9, 29), behind=True, returned=True)
('blue', 'red')

Behind 序时, or returned: yellow, even when the 时限 is far.

>>> one(date(2019, 12, 31), behind=True), one(date(2019, 12, 31), returned=True)
('yellow', 'yellow')

Closed (销号): no colour.

>>> one(date(2019, 9, 1), resolved=True)
''
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

import numpy as np

from guatu.core.calendar import WorkCalendar

BLUE, YELLOW, RED = "blue", "yellow", "red"
#: The colours from the most urgent, as the API writes them.
COLOURS = (RED, YELLOW, BLUE)
TOP_LEVEL = 4

#: The 要素 categories a city starts with (code, name); the office may rename and add.
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("land", "用地"),
    ("forest", "林地"),
    ("planning", "规划"),
    ("eia", "环评"),
    ("energy", "能耗"),
    ("funds", "资金"),
    ("clearance", "政策处理（征迁）"),
    ("approval", "手续审批"),
    ("site", "施工环境"),
    ("other", "其他"),
)
#: The category a slipping 前期 node's problem gets.
APPROVAL = "approval"
#: 桐庐's 四级协调, the names a city starts with.
DEFAULT_LEVEL_NAMES: tuple[str, ...] = (
    "责任单位分管领导协调",
    "责任单位主要领导协调",
    "联系市领导专题协调",
    "市主要领导督办",
)
#: Working days a problem is given when it is recorded at each level.
DEFAULT_LEVEL_DAYS: tuple[int, ...] = (10, 7, 5, 5)


@dataclass(frozen=True)
class ProblemRules:
    categories: tuple[tuple[str, str], ...] = DEFAULT_CATEGORIES
    level_names: tuple[str, ...] = DEFAULT_LEVEL_NAMES
    level_days: tuple[int, ...] = DEFAULT_LEVEL_DAYS
    blue_days: int = 5
    names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", dict(self.categories))

    def category_name(self, code: str) -> str:
        return self.names.get(code, code)

    def level_name(self, level: int) -> str:
        return self.level_names[min(max(level, 1), TOP_LEVEL) - 1]

    def days_at(self, level: int) -> int:
        return self.level_days[min(max(level, 1), TOP_LEVEL) - 1]


def colours(
    today: date,
    due: Sequence[date],
    *,
    behind: Sequence[bool],
    returned: Sequence[bool],
    resolved: Sequence[bool],
    calendar: WorkCalendar,
    blue_days: int,
) -> list[str]:
    """Each problem's colour ('' for none), one pass over the working days to the last 时限."""
    if not len(due):
        return []
    due_days = np.array(due, dtype="datetime64[D]")
    first = np.datetime64(today, "D") + np.timedelta64(1, "D")
    last = max(due_days.max(), first)
    worked = calendar.working_mask(first, last)
    # left[k]: working days from tomorrow to first + k, inclusive.
    left = np.cumsum(worked)
    offset = (due_days - first).astype(np.int64)
    within = np.where(offset >= 0, left[np.clip(offset, 0, len(left) - 1)], 0) <= blue_days
    overdue = due_days < np.datetime64(today, "D")
    out = np.full(len(due_days), "", dtype=object)
    out[within] = BLUE
    out[np.asarray(behind, dtype=bool) | np.asarray(returned, dtype=bool)] = YELLOW
    out[overdue] = RED
    out[np.asarray(resolved, dtype=bool)] = ""
    return [str(c) for c in out]


def proposed_level(level: int, *, requested: bool, overdue: bool) -> int | None:
    """The level a problem is proposed for, or None: one rung up, never past the top.

    >>> proposed_level(1, requested=False, overdue=True), proposed_level(2, requested=True,
    ...     overdue=False), proposed_level(4, requested=True, overdue=True)
    (2, 3, None)
    >>> proposed_level(1, requested=False, overdue=False) is None
    True
    """
    if level >= TOP_LEVEL or not (requested or overdue):
        return None
    return level + 1


def week_state(opened: date, closed: date | None, first: date, last: date) -> set[str]:
    """Where a problem stands in the list of the week *first*..*last*: 新增 (opened in it),
    已销号 (closed in it), 推进中 (opened before it and still open at its end).

    >>> d = date
    >>> sorted(week_state(d(2019, 11, 12), None, d(2019, 11, 11), d(2019, 11, 17)))
    ['new']
    >>> sorted(week_state(d(2019, 11, 1), d(2019, 11, 14), d(2019, 11, 11), d(2019, 11, 17)))
    ['closed']
    >>> sorted(week_state(d(2019, 11, 12), d(2019, 11, 14), d(2019, 11, 11), d(2019, 11, 17)))
    ['closed', 'new']
    >>> sorted(week_state(d(2019, 11, 1), d(2019, 11, 20), d(2019, 11, 11), d(2019, 11, 17)))
    ['ongoing']
    >>> sorted(week_state(d(2019, 11, 20), None, d(2019, 11, 11), d(2019, 11, 17)))
    []
    """
    states = set()
    if first <= opened <= last:
        states.add("new")
    if closed is not None and first <= closed <= last:
        states.add("closed")
    if opened < first and (closed is None or closed > last):
        states.add("ongoing")
    return states


def median_days(pairs: Sequence[tuple[date, date | None]]) -> float | None:
    """The median of calendar days from each start to its end, over the pairs that ended.

    >>> d = date
    >>> median_days([(d(2019, 11, 1), d(2019, 11, 4)), (d(2019, 11, 1), d(2019, 11, 11)),
    ...              (d(2019, 11, 1), None)])
    6.5
    >>> median_days([(d(2019, 11, 1), None)]) is None
    True
    """
    days = [(end - start).days for start, end in pairs if end is not None]
    return float(median(days)) if days else None


def due_after(calendar: WorkCalendar, start: date, working_days: int) -> date:
    """The 时限 *working_days* working days after *start* (at least the next day)."""
    return calendar.working_days_after(start, max(working_days, 1)) or start + timedelta(1)


__all__ = [
    "APPROVAL",
    "BLUE",
    "COLOURS",
    "DEFAULT_CATEGORIES",
    "DEFAULT_LEVEL_DAYS",
    "DEFAULT_LEVEL_NAMES",
    "RED",
    "TOP_LEVEL",
    "YELLOW",
    "ProblemRules",
    "colours",
    "due_after",
    "median_days",
    "proposed_level",
    "week_state",
]
