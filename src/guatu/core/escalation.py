"""The accountability ladder (问责梯度): a rung at a time, one bulletin after another.

DESIGN.md's default ladder is 提醒 → 督办单 → 约谈 → 通报批评/问责, for an item
red 1, 2, 3 and 4 or more periods in a row. An office climbs it as a person
climbs stairs: the rung an item gets in a published bulletin is the rung it got
in the last published one plus one, if it is still red — never more, however
long it has been red — and never a rung whose own rule (its periods in a row)
the item does not meet. The first time it can get only the first rung. Periods
before the item came under supervision (its project was created or imported,
or the office's start date of the ladder) never count: a new city starts with
no history against it. Enough periods out of the red in a row (the city's
``reset_after``, 1 by default) start the ladder again.

The window is (items × periods), oldest → newest; its last column is the
bulletin's own period. For each item: ``red`` — red at the end of that period;
``supervised`` — under supervision then; ``last`` — the rung issued last (1 the
first rung, 0 none); ``last_at`` — the column of that rung's period (-1 when it
lies before the window: then nothing vouches that the item stayed red since, and
the ladder starts again).

The cases, one column a period, the last column the bulletin's:

>>> import numpy as np
>>> R, g = True, False
>>> case = lambda red, last=0, last_at=-1, supervised=None, **kw: int(ladder_steps(
...     np.array([red]), np.array([supervised or [True] * len(red)]),
...     np.array([last]), np.array([last_at]), **kw)[0])

First bulletin, red for four periods: the first rung only.

>>> case([R, R, R, R])
1

Climbing one rung a bulletin: 提醒 last week, red since → 督办单; then 约谈; then
通报批评, which is the top and stays while the item stays red.

>>> case([R, R, R, R], last=1, last_at=2), case([R, R, R, R], last=2, last_at=2)
(2, 3)
>>> case([R, R, R, R], last=3, last_at=2), case([R, R, R, R], last=4, last_at=2)
(4, 4)

A skipped week (no bulletin for column 2): still red, so the next rung. A rung
from before the window (months ago) starts the ladder again.

>>> case([R, R, R, R], last=1, last_at=1), case([R, R, R, R], last=3, last_at=-1)
(2, 1)

A green week in between starts the ladder again (reset after 1 period out of
the red); a city that resets only after 2 keeps climbing, as far as the red
run since allows (督办单 needs 2 red periods in a row: the run is 2).

>>> case([R, R, g, R], last=2, last_at=1)
1
>>> case([R, R, g, R, R], last=2, last_at=1, reset_after=2)
2
>>> case([R, R, g, R], last=2, last_at=1, reset_after=2)
1

Not red now: no rung, whatever came before.

>>> case([R, R, R, g], last=3, last_at=2)
0

A new city with a long red history, or a project imported mid-year: the periods
before it came under supervision do not count.

>>> case([R, R, R, R], supervised=[g, g, g, R])
1
>>> case([R, R, R, R], supervised=[g, g, g, g])
0

A city's own ladder: its second rung needs 3 red periods in a row.

>>> ladder = ((1, "reminder"), (3, "criticism"))
>>> case([g, R, R], last=1, last_at=1, ladder=ladder)
1
>>> case([R, R, R], last=1, last_at=1, ladder=ladder)
2
"""

from collections.abc import Sequence

import numpy as np

__all__ = ["DEFAULT_LADDER", "ladder_steps", "red_run", "rung_levels", "rung_of", "window_periods"]

#: (red periods in a row the rung needs, level), in climbing order.
DEFAULT_LADDER: tuple[tuple[int, str], ...] = (
    (1, "reminder"),
    (2, "notice"),
    (3, "interview"),
    (4, "criticism"),
)


def window_periods(ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER, reset_after: int = 1) -> int:
    """How many periods back the ladder needs to see: the longest rule and a reset, and one more.

    >>> window_periods(), window_periods(reset_after=6)
    (5, 7)
    """
    return max(max(threshold for threshold, _level in ladder), reset_after) + 1


def red_run(red: np.ndarray, supervised: np.ndarray) -> np.ndarray:
    """Red periods in a row ending at the last column, counting supervised periods only.

    >>> red_run(np.array([[True, True, True], [True, False, True]]), np.ones((2, 3), bool)).tolist()
    [3, 1]
    >>> red_run(np.array([[True, True, True]]), np.array([[False, True, True]])).tolist()
    [2]
    """
    counted = np.asarray(red, dtype=bool) & np.asarray(supervised, dtype=bool)
    if counted.ndim != 2 or counted.shape[1] == 0:
        return np.zeros(len(counted), dtype=np.int64)
    flipped = ~counted[:, ::-1]
    first_break = np.where(flipped.any(axis=1), flipped.argmax(axis=1), counted.shape[1])
    return first_break.astype(np.int64)


def ladder_steps(
    red: np.ndarray,
    supervised: np.ndarray,
    last: np.ndarray,
    last_at: np.ndarray,
    *,
    ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER,
    reset_after: int = 1,
) -> np.ndarray:
    """The rung (1-based; 0 none) each item gets in the bulletin of the window's last period."""
    red = np.asarray(red, dtype=bool)
    supervised = np.asarray(supervised, dtype=bool)
    last = np.asarray(last, dtype=np.int64)
    last_at = np.asarray(last_at, dtype=np.int64)
    if red.ndim != 2 or red.shape[1] == 0:
        return np.zeros(len(red), dtype=np.int64)
    thresholds = np.array(sorted(threshold for threshold, _level in ladder), dtype=np.int64)
    run = red_run(red, supervised)
    # The highest rung whose rule the run meets: its periods in a row.
    allowed = np.searchsorted(thresholds, run, side="right")
    # A calm spell (supervised, not red) of reset_after periods since the last rung.
    columns = np.arange(red.shape[1])
    calm = supervised & ~red & (columns[None, :] > last_at[:, None])
    spell = np.zeros(len(red), dtype=np.int64)
    longest = np.zeros(len(red), dtype=np.int64)
    for column in calm.T:
        spell = np.where(column, spell + 1, 0)
        longest = np.maximum(longest, spell)
    # A rung older than the window: nothing vouches the item stayed red since.
    again = (last <= 0) | (last_at < 0) | (longest >= reset_after)
    step = np.where(again, 1, last + 1)
    rung = np.minimum(np.minimum(step, allowed), len(thresholds))
    now = red[:, -1] & supervised[:, -1]
    return np.where(now, rung, 0).astype(np.int64)


def rung_levels(
    rungs: np.ndarray, ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER
) -> list[str | None]:
    """Each rung's level name (None for 0).

    >>> rung_levels(np.array([0, 1, 4]))
    [None, 'reminder', 'criticism']
    """
    names = [level for _threshold, level in sorted(ladder)]
    return [names[r - 1] if r > 0 else None for r in np.asarray(rungs).tolist()]


def rung_of(level: str, ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER) -> int:
    """A level's rung (1-based), 0 when the ladder has no such level.

    >>> rung_of("interview"), rung_of("nonsense")
    (3, 0)
    """
    names = [name for _threshold, name in sorted(ladder)]
    return names.index(level) + 1 if level in names else 0
