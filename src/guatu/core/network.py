"""Checks on a dependency network that must hold before anything is stored.

A schedule is a directed graph of work items (前置关系). These functions work
on plain hashable node keys, so the same check serves one project's links in
a web request and a city's links in a batch import.

>>> find_cycle([("a", "b"), ("b", "c")]) is None
True
>>> find_cycle([("a", "b"), ("b", "c"), ("c", "a")])
['a', 'b', 'c', 'a']
"""

from collections.abc import Callable, Hashable, Iterable

from guatu.core.errors import CycleError, JointMilestoneError
from guatu.core.i18n import gettext_noop

__all__ = ["MIN_JOINT_BRANCHES", "check_acyclic", "check_joint_branches", "find_cycle"]

#: A joint milestone (同期交付) gathers at least this many branches.
MIN_JOINT_BRANCHES = 2


def find_cycle[Node: Hashable](edges: Iterable[tuple[Node, Node]]) -> list[Node] | None:
    """Return one cycle as a node list whose last node repeats the first, or None.

    An iterative depth-first search, so that a chain of many thousands of
    items cannot exhaust Python's recursion limit.
    """
    successors: dict[Node, list[Node]] = {}
    for pred, succ in edges:
        successors.setdefault(pred, []).append(succ)
        successors.setdefault(succ, [])
    state: dict[Node, int] = {}  # absent: unseen, 1: on the current path, 2: finished
    for root in successors:
        if root in state:
            continue
        path: list[Node] = [root]
        iterators = [iter(successors[root])]
        state[root] = 1
        while iterators:
            for nxt in iterators[-1]:
                seen = state.get(nxt)
                if seen == 1:
                    return [*path[path.index(nxt) :], nxt]
                if seen is None:
                    state[nxt] = 1
                    path.append(nxt)
                    iterators.append(iter(successors[nxt]))
                    break
            else:
                state[path.pop()] = 2
                iterators.pop()
    return None


def check_acyclic[Node: Hashable](
    edges: Iterable[tuple[Node, Node]], name: Callable[[Node], str] = str
) -> None:
    """Raise ``CycleError`` naming the items of a cycle, if *edges* contain one."""
    cycle = find_cycle(edges)
    if cycle is not None:
        raise CycleError(
            gettext_noop("These dependencies form a cycle: %(cycle_text)s."),
            cycle=cycle,
            cycle_text=" → ".join(name(node) for node in cycle),
        )


def check_joint_branches(milestone: str, branches: Iterable[str]) -> None:
    """Raise ``JointMilestoneError`` unless *branches* has at least two distinct items."""
    distinct = set(branches)
    if len(distinct) < MIN_JOINT_BRANCHES:
        raise JointMilestoneError(
            gettext_noop(
                "Joint milestone “%(milestone)s” must be fed by at least %(minimum)d "
                "branches delivered together; it has %(count)d."
            ),
            milestone=milestone,
            minimum=MIN_JOINT_BRANCHES,
            count=len(distinct),
        )
