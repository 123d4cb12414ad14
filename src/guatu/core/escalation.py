"""The accountability ladder (问责梯度): how long an item has been red decides the rung.

DESIGN.md's default: red for 1 period → reminder (提醒); 2 in a row → 督办单;
3 → 约谈; 4 or more → 通报批评 and referral for 问责. A city may set its own
ladder as (periods in a row, level) pairs.

>>> import numpy as np
>>> red = np.array([[True, True, True], [False, True, True], [True, False, True]])
>>> consecutive_from_last(red).tolist()   # periods oldest → newest in columns
[3, 2, 1]
>>> ladder_level(consecutive_from_last(red))
['interview', 'notice', 'reminder']
"""

from collections.abc import Sequence

import numpy as np

__all__ = ["DEFAULT_LADDER", "consecutive_from_last", "ladder_level"]

DEFAULT_LADDER: tuple[tuple[int, str], ...] = (
    (1, "reminder"),
    (2, "notice"),
    (3, "interview"),
    (4, "criticism"),
)


def consecutive_from_last(red: np.ndarray) -> np.ndarray:
    """For a (items × periods) bool array, the run of True ending at the last period."""
    red = np.asarray(red, dtype=bool)
    if red.ndim != 2 or red.shape[1] == 0:
        return np.zeros(len(red), dtype=np.int64)
    # Position of the last False in each row; the run is everything after it.
    flipped = ~red[:, ::-1]
    first_false = np.where(flipped.any(axis=1), flipped.argmax(axis=1), red.shape[1])
    return first_false.astype(np.int64)


def ladder_level(
    runs: np.ndarray, ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER
) -> list[str | None]:
    """Return the ladder's level for each run length (None below the first rung)."""
    steps = sorted(ladder)
    levels = []
    for run in np.asarray(runs).tolist():
        level = None
        for threshold, name in steps:
            if run >= threshold:
                level = name
        levels.append(level)
    return levels
