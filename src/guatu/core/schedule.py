"""倒排工期: the Critical Path Method over arrays.

Forward pass from the project start, backward pass from the deadline(s),
for all four link types with lags and leads, exactly as specified in
``shared/bench/README.md``:

- days are integer offsets from the project start (day 0); an item with
  ``ES = s`` and duration ``d`` works days ``s … s+d-1``; ``EF = ES + d`` is
  exclusive; a milestone has ``ES = EF``;
- a link p → s with lag L bounds s from below: FS ``ES_s ≥ EF_p + L``,
  SS ``ES_s ≥ ES_p + L``, FF ``EF_s ≥ EF_p + L``, SF ``EF_s ≥ ES_p + L``; and p
  from above in the backward pass symmetrically;
- every item is clamped: ``ES ≥ max(0, its start-no-earlier-than)``,
  ``LF ≤ min(D, its finish-no-later-than / time node)``, D being the project
  deadline or, without one, the project's early finish;
- ``TF = LS − ES``; negative float is the number of days an item is already
  too late for its time node even if worked as planned; critical = ``TF ≤ 0``.

Manually fixed items keep their start whatever their predecessors say (as
Microsoft Project's manually scheduled tasks do); their late dates are still
computed, so a fixed item that is too late shows negative float.

The passes are compiled with numba: the links are counting-sorted into a
compact CSR layout, the forward pass runs inside Kahn's topological sort,
and the backward pass computes free float on the same sweep, all O(n + m).
A million items and two million links take well under a second.

>>> import numpy as np
>>> net = Network.from_arrays(duration=[3, 2, 0], pred=[0, 1], succ=[1, 2], kind=[0, 0], lag=[1, 0])
>>> result = schedule(net, deadline=8)
>>> result.es.tolist(), result.lf.tolist(), result.tf.tolist()
([0, 4, 6], [5, 8, 8], [2, 2, 2])
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numba
import numpy as np

from guatu.core.errors import CycleError, ScheduleError
from guatu.core.i18n import gettext_noop
from guatu.core.network import check_acyclic

__all__ = [
    "FF",
    "FORWARD_ONLY",
    "FS",
    "LINK_TYPES",
    "NO_EARLIEST",
    "NO_FIX",
    "NO_LATEST",
    "SF",
    "SS",
    "Constraints",
    "Network",
    "Schedule",
    "critical_of",
    "forward_only_into_fixed",
    "schedule",
]

LINK_TYPES = ("FS", "SS", "FF", "SF")
FS, SS, FF, SF = range(4)
#: Added to a link's type: the link bounds its successor's early dates but not its
#: predecessor's late dates. Microsoft Project treats SS and SF links into a
#: manually scheduled task so; the MSPDI importer uses it to reproduce that.
FORWARD_ONLY = 4
#: Sentinels meaning "no constraint"; far from int64's limits so sums cannot overflow.
NO_EARLIEST = np.int64(-(1 << 60))
NO_LATEST = np.int64(1 << 60)
NO_FIX = np.int64(-(1 << 61))


@dataclass(frozen=True)
class Network:
    """Items ``0 … n-1`` with durations, and links between them (parallel arrays)."""

    duration: np.ndarray
    pred: np.ndarray
    succ: np.ndarray
    kind: np.ndarray
    lag: np.ndarray

    @classmethod
    def from_arrays(
        cls,
        *,
        duration: Sequence[int] | np.ndarray,
        pred: Sequence[int] | np.ndarray,
        succ: Sequence[int] | np.ndarray,
        kind: Sequence[int] | np.ndarray,
        lag: Sequence[int] | np.ndarray,
    ) -> "Network":
        """Build a network from index arrays, checking what the kernels rely on."""
        network = cls(
            duration=np.ascontiguousarray(duration, dtype=np.int64),
            pred=np.ascontiguousarray(pred, dtype=np.int64),
            succ=np.ascontiguousarray(succ, dtype=np.int64),
            kind=np.ascontiguousarray(kind, dtype=np.int8),
            lag=np.ascontiguousarray(lag, dtype=np.int64),
        )
        network.validate()
        return network

    @classmethod
    def from_ids(
        cls,
        ids: np.ndarray,
        duration: np.ndarray,
        pred_ids: np.ndarray,
        succ_ids: np.ndarray,
        kind: np.ndarray,
        lag: np.ndarray,
    ) -> tuple["Network", np.ndarray]:
        """Build a network from item ids (any integers); return it and the ids by index."""
        ids = np.asarray(ids, dtype=np.int64)
        pred_ids = np.asarray(pred_ids, dtype=np.int64)
        succ_ids = np.asarray(succ_ids, dtype=np.int64)
        n = len(ids)
        if n and ids.min() == 0 and ids.max() == n - 1:
            # Ids 0 … n-1 in any order (the common case): invert by scatter, O(n).
            index = np.full(n, -1, dtype=np.int64)
            index[ids] = np.arange(n, dtype=np.int64)
            if (index >= 0).all():
                links_ok = len(pred_ids) == 0 or (
                    min(pred_ids.min(), succ_ids.min()) >= 0
                    and max(pred_ids.max(), succ_ids.max()) < n
                )
                if links_ok:
                    network = cls.from_arrays(
                        duration=duration,
                        pred=index[pred_ids],
                        succ=index[succ_ids],
                        kind=kind,
                        lag=lag,
                    )
                    return network, ids
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        if len(sorted_ids) > 1 and (sorted_ids[1:] == sorted_ids[:-1]).any():
            raise ScheduleError(gettext_noop("Item ids must be unique."))
        pred_idx = _index_of(sorted_ids, order, pred_ids)
        succ_idx = _index_of(sorted_ids, order, succ_ids)
        network = cls.from_arrays(
            duration=duration, pred=pred_idx, succ=succ_idx, kind=kind, lag=lag
        )
        return network, ids

    @property
    def size(self) -> int:
        return len(self.duration)

    def validate(self) -> None:
        n = self.size
        if not (len(self.pred) == len(self.succ) == len(self.kind) == len(self.lag)):
            raise ScheduleError(gettext_noop("Link arrays differ in length."))
        if n and self.duration.min() < 0:
            raise ScheduleError(
                gettext_noop("Item %(index)d has a negative duration."),
                index=int(np.argmin(self.duration)),
            )
        if len(self.pred) and (
            min(self.pred.min(), self.succ.min()) < 0 or max(self.pred.max(), self.succ.max()) >= n
        ):
            raise ScheduleError(gettext_noop("A link refers to an item that does not exist."))
        if len(self.kind) and (self.kind.min() < 0 or self.kind.max() > SF + FORWARD_ONLY):
            raise ScheduleError(gettext_noop("A link type must be FS, SS, FF or SF."))


def _index_of(sorted_ids: np.ndarray, order: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    position = np.searchsorted(sorted_ids, wanted)
    position = np.minimum(position, max(len(sorted_ids) - 1, 0))
    if len(wanted) and (len(sorted_ids) == 0 or (sorted_ids[position] != wanted).any()):
        missing = wanted[sorted_ids[position] != wanted] if len(sorted_ids) else wanted
        raise ScheduleError(
            gettext_noop("A link refers to item %(id)d, which does not exist."),
            id=int(missing[0]),
        )
    return order[position]


@dataclass(frozen=True)
class Constraints:
    """Per-item constraints, each an int64 array of length n or None.

    ``earliest_start``: start no earlier than (SNET), offset; ``NO_EARLIEST`` for none.
    ``latest_finish``: finish no later than / time node (FNLT), exclusive finish
    offset; ``NO_LATEST`` for none. ``fixed_start``: manually fixed start;
    ``NO_FIX`` for items the engine schedules.
    """

    earliest_start: np.ndarray | None = None
    latest_finish: np.ndarray | None = None
    fixed_start: np.ndarray | None = None

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def filled(values: np.ndarray | None, default: np.int64) -> np.ndarray:
            if values is None:
                return np.full(n, default, dtype=np.int64)
            values = np.ascontiguousarray(values, dtype=np.int64)
            if len(values) != n:
                raise ScheduleError(gettext_noop("A constraint array has the wrong length."))
            return values

        return (
            filled(self.earliest_start, NO_EARLIEST),
            filled(self.latest_finish, NO_LATEST),
            filled(self.fixed_start, NO_FIX),
        )


@dataclass(frozen=True)
class Schedule:
    """Early and late dates (offsets), floats and the critical set, by item index."""

    es: np.ndarray
    ef: np.ndarray
    ls: np.ndarray
    lf: np.ndarray
    tf: np.ndarray
    ff: np.ndarray
    #: The D of the backward pass: the deadline, or the project's early finish.
    finish: int
    #: The project's early finish, max(EF).
    early_finish: int

    @property
    def critical(self) -> np.ndarray:
        return self.tf <= 0

    @property
    def days_late(self) -> np.ndarray:
        """Days by which each item already misses its time node (0 if it does not)."""
        return np.maximum(-self.tf, 0)


def forward_only_into_fixed(
    kind: Sequence[int] | np.ndarray, succ: Sequence[int] | np.ndarray, fixed: np.ndarray
) -> np.ndarray:
    """Link types with SS and SF links into a fixed item made forward-only.

    A fixed item (a manually scheduled task) cannot move, so a start-based link
    into it pushes it but does not pull its predecessor's late dates — Microsoft
    Project's rule, and guatu's for its own fixed items, so that an imported plan
    keeps Microsoft's late dates.
    """
    kind = np.asarray(kind, dtype=np.int64)
    succ = np.asarray(succ, dtype=np.int64)
    start_based = (kind == SS) | (kind == SF)
    return kind + FORWARD_ONLY * (start_based & np.asarray(fixed, dtype=bool)[succ])


def critical_of(
    tf: np.ndarray, fixed: np.ndarray, linked: np.ndarray, limit: int = 0
) -> np.ndarray:
    """Critical: total float at most *limit*, except a fixed item with no links whose float
    is not negative — it drives nothing (Microsoft Project's rule too). A fixed item that
    is already too late for its node (negative float) stays critical."""
    idle = np.asarray(fixed, dtype=bool) & ~np.asarray(linked, dtype=bool) & (tf >= 0)
    return (tf <= limit) & ~idle


@numba.njit(cache=True, nogil=True)
def _out_csr(n, pred, succ, kind, lag):  # pragma: no cover - compiled
    """Counting sort of the links by predecessor, into compact CSR arrays.

    The passes then read each item's links from consecutive memory, which at
    a million items matters more than anything else.
    """
    m = len(pred)
    offsets = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        offsets[pred[e] + 1] += 1
    for i in range(n):
        offsets[i + 1] += offsets[i]
    cursor = offsets[:-1].copy()
    to = np.empty(m, dtype=np.int64)
    types = np.empty(m, dtype=np.int8)
    lags = np.empty(m, dtype=np.int64)
    for e in range(m):
        p = pred[e]
        k = cursor[p]
        to[k] = succ[e]
        types[k] = kind[e]
        lags[k] = lag[e]
        cursor[p] = k + 1
    return offsets, to, types, lags


@numba.njit(cache=True, nogil=True)
def _forward(offsets, to, types, lags, duration, earliest, fixed):  # pragma: no cover
    """Kahn's topological sort with the forward pass folded in.

    When an item leaves the queue all its predecessors have pushed their
    bounds, so its early start is final; it then pushes its own. Returns the
    early starts, the order, how many items were reached (fewer than n means
    a cycle) and the project's early finish.
    """
    n = len(duration)
    indegree = np.zeros(n, dtype=np.int64)
    for k in range(len(to)):
        indegree[to[k]] += 1
    es = np.empty(n, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        es[v] = earliest[v] if earliest[v] > 0 else 0
        if indegree[v] == 0:
            order[tail] = v
            tail += 1
    head = 0
    early_finish = 0
    while head < tail:
        v = order[head]
        head += 1
        if fixed[v] != NO_FIX:
            es[v] = fixed[v]
        start = es[v]
        finish = start + duration[v]
        if finish > early_finish:
            early_finish = finish
        for k in range(offsets[v], offsets[v + 1]):
            s = to[k]
            t = types[k] & 3
            if t == 0:
                bound = finish + lags[k]
            elif t == 1:
                bound = start + lags[k]
            elif t == 2:
                bound = finish + lags[k] - duration[s]
            else:
                bound = start + lags[k] - duration[s]
            if bound > es[s]:
                es[s] = bound
            indegree[s] -= 1
            if indegree[s] == 0:
                order[tail] = s
                tail += 1
    return es, order, tail, early_finish


@numba.njit(cache=True, nogil=True)
def _backward(order, offsets, to, types, lags, duration, latest, es, horizon):  # pragma: no cover
    """The backward pass, with free float computed over the same links.

    Free float is how far an item may slip without delaying any successor's
    early dates or the project's finish, never more than its total float.
    """
    n = len(duration)
    lf = np.empty(n, dtype=np.int64)
    ff = np.empty(n, dtype=np.int64)
    for i in range(n - 1, -1, -1):
        v = order[i]
        d = duration[v]
        start = es[v]
        finish = start + d
        end = horizon if horizon < latest[v] else latest[v]
        slack = horizon - finish
        for k in range(offsets[v], offsets[v + 1]):
            s = to[k]
            t = types[k] & 3
            lag = lags[k]
            if t == 0:
                bound = lf[s] - duration[s] - lag
                gap = es[s] - finish - lag
            elif t == 1:
                bound = lf[s] - duration[s] - lag + d
                gap = es[s] - start - lag
            elif t == 2:
                bound = lf[s] - lag
                gap = es[s] + duration[s] - finish - lag
            else:
                bound = lf[s] - lag + d
                gap = es[s] + duration[s] - start - lag
            if bound < end and types[k] < 4:
                end = bound
            if gap < slack:
                slack = gap
        lf[v] = end
        total = end - finish
        ff[v] = slack if slack < total else total
    return lf, ff


def schedule(
    network: Network,
    *,
    deadline: int | None = None,
    constraints: Constraints | None = None,
    names: Callable[[int], str] | None = None,
) -> Schedule:
    """Return the CPM schedule of *network*.

    Parameters
    ----------
    deadline
        The project's target finish as an exclusive offset (D); None for the
        project's early finish.
    constraints
        Per-item start-no-earlier-than, finish-no-later-than and fixed starts.
    names
        Gives an item's name by index, for the message of a cycle.

    Raises
    ------
    CycleError
        If the links form a cycle; the message names its items in order.
    """
    n = network.size
    earliest, latest, fixed = (constraints or Constraints()).arrays(n)
    offsets, to, types, lags = _out_csr(n, network.pred, network.succ, network.kind, network.lag)
    es, order, reached, early_finish = _forward(
        offsets, to, types, lags, network.duration, earliest, fixed
    )
    if reached < n:
        _raise_cycle(network, order[:reached], names)
    horizon = early_finish if deadline is None else int(deadline)
    lf, ff = _backward(order, offsets, to, types, lags, network.duration, latest, es, horizon)
    ef = es + network.duration
    ls = lf - network.duration
    return Schedule(
        es=es,
        ef=ef,
        ls=ls,
        lf=lf,
        tf=ls - es,
        ff=ff,
        finish=int(horizon),
        early_finish=int(early_finish),
    )


def _raise_cycle(network: Network, reached: np.ndarray, names: Callable[[int], str] | None):
    """Find a cycle among the items Kahn's algorithm could not reach, and name it."""
    stuck = np.ones(network.size, dtype=bool)
    stuck[reached] = False
    inside = stuck[network.pred] & stuck[network.succ]
    edges = zip(network.pred[inside].tolist(), network.succ[inside].tolist(), strict=True)
    check_acyclic(edges, name=names or str)
    raise CycleError(gettext_noop("These dependencies form a cycle."), cycle=[])  # unreachable
