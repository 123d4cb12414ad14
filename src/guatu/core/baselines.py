"""Comparing two versions of a plan: what was added, removed and moved, and by how much.

A plan row is what a baseline freezes of a work item: its planned start,
duration, time node (deadline) and the scheduled dates of the moment. Rows
are matched by code. A row *moved* when its node, its scheduled finish or its
start changed; the days are calendar days, later positive.

>>> from datetime import date
>>> a = [PlanRow("zd", "征地", date(2019, 9, 1), 30, date(2019, 10, 15), date(2019, 10, 11))]
>>> b = [PlanRow("zd", "征地", date(2019, 9, 1), 40, date(2019, 10, 31), date(2019, 10, 25)),
...      PlanRow("kg", "开工", None, 10, None, date(2019, 11, 8))]
>>> diff = compare(a, b)
>>> [row.code for row in diff.added], diff.removed, [(m.field, m.days) for m in diff.moved]
(['kg'], [], [('deadline', 16), ('early_finish', 14), ('duration_days', 10)])
"""

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Comparison", "Moved", "PlanRow", "compare"]

#: The fields whose change counts as a move, in the order they are reported.
MOVES = ("deadline", "early_finish", "early_start", "planned_start", "duration_days")


@dataclass(frozen=True)
class PlanRow:
    code: str
    name: str
    planned_start: date | None
    duration_days: int
    deadline: date | None
    early_finish: date | None
    early_start: date | None = None


@dataclass(frozen=True)
class Moved:
    code: str
    name: str
    field: str
    before: object
    after: object
    #: Calendar days for dates (later positive), working days for a duration; None
    #: where one side has no value (a node set or removed).
    days: int | None


@dataclass
class Comparison:
    added: list[PlanRow] = field(default_factory=list)
    removed: list[PlanRow] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    unchanged: int = 0

    @property
    def items_moved(self) -> int:
        return len({move.code for move in self.moved})


def _delta(before, after) -> int | None:
    if before is None or after is None:
        return None
    if isinstance(before, date):
        return (after - before).days
    return after - before


def compare(before: list[PlanRow], after: list[PlanRow]) -> Comparison:
    """What changed from *before* to *after* (each a list of rows with unique codes)."""
    old = {row.code: row for row in before}
    new = {row.code: row for row in after}
    result = Comparison(
        added=[row for code, row in new.items() if code not in old],
        removed=[row for code, row in old.items() if code not in new],
    )
    for code, row in new.items():
        if code not in old:
            continue
        was = old[code]
        changes = [
            Moved(code, row.name, name, getattr(was, name), getattr(row, name),
                  _delta(getattr(was, name), getattr(row, name)))
            for name in MOVES
            if getattr(was, name) != getattr(row, name)
        ]  # fmt: skip
        result.moved += changes
        result.unchanged += not changes
    return result
