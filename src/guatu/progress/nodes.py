"""Time nodes (时间节点) that have passed undone: the wall chart's black flags, counted.

A milestone is judged against its late finish (its flag comes with its status);
a task with a time node of its own against that date. The rule is the core's
``node_flag``, the same the wall chart draws, so the count on the dashboard, the
level above's table and the item list behind them agree with the flags.
"""

from datetime import date

import numpy as np
from django.db.models import Q

from guatu.core.status import Flag, Light, node_flag
from guatu.progress.status import FLAG_NAMES, StatusTable, status_table
from guatu.projects.models import WorkItem

#: The items that carry a time node: milestones, and tasks given a date of their own.
NODES = Q(kind=WorkItem.Kind.MILESTONE) | Q(kind=WorkItem.Kind.TASK, deadline__isnull=False)


def item_flag(item: WorkItem, status, today: date) -> str:
    """The flag on an item's time node (the wall chart's, the API's, the table's): a
    milestone's comes with its status (against its late finish); a task with a time node
    of its own is judged against that date; other tasks have none ("")."""
    if status is None:
        return ""
    if item.is_milestone or item.deadline is None:
        return status.flag if item.is_milestone else ""
    done = status.light == "done" and status.done_on is not None
    return FLAG_NAMES[node_flag(done, status.done_on, item.deadline, today)]


def overdue_mask(table: StatusTable, as_of: date) -> np.ndarray:
    """Which rows of *table* (items of ``NODES``) are overdue time nodes at *as_of*."""
    pks = table.pks.tolist()
    found = {
        pk: (kind, deadline)
        for pk, kind, deadline in WorkItem.objects.filter(pk__in=pks).values_list(
            "pk", "kind", "deadline"
        )
    }
    mask = np.zeros(len(pks), dtype=bool)
    for i, pk in enumerate(pks):
        kind, deadline = found.get(pk, (None, None))
        if kind == WorkItem.Kind.MILESTONE:  # its flag is its status's (its late finish)
            mask[i] = table.result.flag[i] == Flag.OVERDUE
            continue
        if deadline is None:
            continue
        # A task (even of zero duration) with a time node of its own: judged against it.
        done_on = table.done_dates[i]
        done = table.light[i] == Light.DONE and not np.isnat(done_on)
        mask[i] = node_flag(done, done_on.item() if done else None, deadline, as_of) == Flag.OVERDUE
    return mask


def node_table(*, as_of: date, city=None) -> StatusTable:
    """The status of every item with a time node, in the scope in force."""
    return status_table(items=NODES, as_of=as_of, city=city)


def overdue_nodes(*, as_of: date, city=None) -> int:
    """How many time nodes have passed undone at *as_of*."""
    return int(overdue_mask(node_table(as_of=as_of, city=city), as_of).sum())
