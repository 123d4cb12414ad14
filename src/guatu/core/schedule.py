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

**From the data date** (``Progress``), as Primavera P6 and Microsoft Project
schedule a plan under way: a finished item keeps its actual dates; an item
under way keeps its actual start and does what is left of it from the data
date on; an item not started cannot start before the data date. Links keep
their logic (retained logic): what is left of an item under way still waits
for its unfinished predecessors. ``TF = LF − EF`` then says by how many working
days an item misses its node (negative) however it came to be late. The
progress is folded into the network before the passes (``progressed``), so
the same compiled passes — and the risk engine's — schedule both.

The passes are compiled with numba: the links are counting-sorted into a
compact CSR layout, the forward pass runs inside Kahn's topological sort,
and the backward pass computes free float on the same sweep, all O(n + m).
A million items and two million links take well under a second.

>>> import numpy as np
>>> net = Network.from_arrays(duration=[3, 2, 0], pred=[0, 1], succ=[1, 2], kind=[0, 0], lag=[1, 0])
>>> result = schedule(net, deadline=8)
>>> result.es.tolist(), result.lf.tolist(), result.tf.tolist()
([0, 4, 6], [5, 8, 8], [2, 2, 2])

The same network seen on day 6 (the data date: work left starts on day 6),
the first item finished late on day 5, the second 50 % done after starting
on day 5: its last day is worked on day 6, and the node on day 8 still holds
with one day to spare. Had nothing been reported, both would start on day 6:

>>> NONE = NO_DAY
>>> done = Progress.from_percent(network=net, data_date=6, actual_start=[1, 5, NONE],
...     actual_finish=[5, NONE, NONE], percent=[100, 50, 0])
>>> result = schedule(net, deadline=8, progress=done)
>>> result.es.tolist(), result.ef.tolist(), result.tf.tolist(), result.done.tolist()
([1, 5, 7], [5, 7, 7], [0, 1, 1], [True, False, False])
>>> late = Progress.from_percent(network=net, data_date=6, actual_start=[NONE] * 3,
...     actual_finish=[NONE] * 3, percent=[0, 0, 0])
>>> result = schedule(net, deadline=8, progress=late)
>>> result.es.tolist(), result.ef.tolist(), result.tf.tolist()
([6, 10, 12], [9, 12, 12], [-4, -4, -4])
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
    "Progress",
    "Progressed",
    "Schedule",
    "critical_of",
    "forward_only_into_fixed",
    "progressed",
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
#: No actual date (an item not started, not finished).
NO_DAY = NO_FIX


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
class Progress:
    """What has been done by the data date, per item (exclusive day offsets, like EF).

    ``data_date``: the first working day the work left can be done on (the day
    after the status date: a report "as of" a day covers that day's work).
    ``actual_start``: the day an item started, ``NO_DAY`` if it has not;
    ``actual_finish``: the exclusive day it finished, ``NO_DAY`` if it has not;
    ``remaining``: the working days left of an item under way (ignored otherwise).
    """

    data_date: int
    actual_start: np.ndarray
    actual_finish: np.ndarray
    remaining: np.ndarray

    @classmethod
    def from_percent(
        cls,
        *,
        network: Network,
        data_date: int,
        actual_start: Sequence[int] | np.ndarray,
        actual_finish: Sequence[int] | np.ndarray,
        percent: Sequence[float] | np.ndarray,
    ) -> "Progress":
        """Progress whose work left is the planned duration times the share not done.

        Rounded up to whole days and at least one: an item under way is not done.

        >>> net = Network.from_arrays(duration=[10, 3], pred=[], succ=[], kind=[], lag=[])
        >>> Progress.from_percent(network=net, data_date=4, actual_start=[0, 1],
        ...     actual_finish=[NO_DAY, NO_DAY], percent=[35, 99.9]).remaining.tolist()
        [7, 1]
        """
        left = np.ceil(
            network.duration * (100.0 - np.asarray(percent, dtype=np.float64)) / 100.0 - 1e-9
        )
        return cls(
            data_date=int(data_date),
            actual_start=np.ascontiguousarray(actual_start, dtype=np.int64),
            actual_finish=np.ascontiguousarray(actual_finish, dtype=np.int64),
            remaining=np.maximum(left, 1).astype(np.int64),
        )


@dataclass(frozen=True)
class Progressed:
    """A network with its progress folded in, ready for the passes (``progressed``).

    ``network`` holds each item's duration as the passes see it (what is left
    of an item under way, the actual span of a finished one) and only the links
    that still bind; ``constraints`` add the data date and the bounds of the
    links from actual starts. ``started``/``done`` mark items under way and
    finished; ``actual_start`` is where their bars begin.
    """

    network: Network
    constraints: Constraints
    started: np.ndarray
    done: np.ndarray
    actual_start: np.ndarray


def progressed(network: Network, constraints: Constraints | None, progress: Progress) -> Progressed:
    """Fold *progress* into *network* so that the ordinary passes schedule from the data date.

    - a finished item becomes fixed at its actual start, as long as it actually took;
      links into it no longer bind (it is done whatever they said);
    - an item under way is as long as what is left of it and cannot continue before
      the data date; FS links into it still hold what is left back (retained logic),
      FF and SF links its finish; an SS link into it is spent (it has started);
    - a start-based link (SS, SF) out of an item under way counts from its actual
      start, a day already past: it becomes a start-no-earlier-than on its successor;
    - an item not started cannot start (nor be fixed) before the data date.
    """
    n = network.size
    earliest, latest, fixed = (constraints or Constraints()).arrays(n)
    start = np.asarray(progress.actual_start, dtype=np.int64)
    finish = np.asarray(progress.actual_finish, dtype=np.int64)
    if len(start) != n or len(finish) != n or len(progress.remaining) != n:
        raise ScheduleError(gettext_noop("A progress array has the wrong length."))
    done = finish != NO_DAY
    start = np.where(done & (start == NO_DAY), finish - network.duration, start)
    start = np.where(done, np.minimum(start, finish), start)
    node = network.duration == 0  # a time node is reached at once or not at all
    start = np.where(done & node, finish, start)
    started = (start != NO_DAY) & ~done & ~node
    today = max(int(progress.data_date), 0)
    duration = np.where(
        done, finish - start, np.where(started, progress.remaining, network.duration)
    ).astype(np.int64)
    earliest = np.where(started, today, np.maximum(earliest, today))
    fixed = np.where(done, start, np.where(started | (fixed == NO_FIX), NO_FIX, fixed))
    fixed = np.where((fixed != NO_FIX) & ~done, np.maximum(fixed, today), fixed)
    pred, succ, kind, lag = network.pred, network.succ, network.kind, network.lag
    # A fixed item under way is fixed no more (its start is past, what is left is
    # scheduled): links into it bound its predecessors' late dates again.
    kind = np.where(started[succ] & (kind >= FORWARD_ONLY), kind - FORWARD_ONLY, kind).astype(
        np.int8
    )
    base = kind & 3
    from_started = started[pred] & ((base == SS) | (base == SF))
    spent = done[succ] | (started[succ] & (base == SS))
    if from_started.any():
        p, s = pred[from_started], succ[from_started]
        bound = start[p] + lag[from_started] - np.where(base[from_started] == SF, duration[s], 0)
        bound = bound[~spent[from_started]]
        np.maximum.at(earliest, s[~spent[from_started]], bound)
    keep = ~(from_started | spent)
    return Progressed(
        network=Network(
            duration=duration,
            pred=np.ascontiguousarray(pred[keep]),
            succ=np.ascontiguousarray(succ[keep]),
            kind=np.ascontiguousarray(kind[keep]),
            lag=np.ascontiguousarray(lag[keep]),
        ),
        constraints=Constraints(earliest_start=earliest, latest_finish=latest, fixed_start=fixed),
        started=started,
        done=done,
        actual_start=np.where(started | done, start, NO_DAY),
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
    #: Items finished by the data date (their floats read 0); all False without progress.
    done: np.ndarray | None = None

    @property
    def critical(self) -> np.ndarray:
        """Total float at most 0; a finished item is never critical."""
        if self.done is None:
            return self.tf <= 0
        return (self.tf <= 0) & ~self.done

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
    progress: Progress | None = None,
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
    progress
        What has been done by the data date: the schedule then runs from it
        (``progressed``); early dates of started items begin at their actual start.

    Raises
    ------
    CycleError
        If the links form a cycle; the message names its items in order.
    """
    n = network.size
    if progress is not None:
        folded = progressed(network, constraints, progress)
        _check_cycle_free(network, names)
        result = schedule(folded.network, deadline=deadline, constraints=folded.constraints)
        started = folded.started | folded.done
        zero = np.where(folded.done, 0, 1)
        return Schedule(
            es=np.where(started, folded.actual_start, result.es),
            ef=result.ef,
            ls=result.ls,
            lf=result.lf,
            tf=result.tf * zero,
            ff=result.ff * zero,
            finish=result.finish,
            early_finish=result.early_finish,
            done=folded.done,
        )
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
        tf=lf - ef,
        ff=ff,
        finish=int(horizon),
        early_finish=int(early_finish),
    )


def _check_cycle_free(network: Network, names: Callable[[int], str] | None) -> None:
    """Raise the ``CycleError`` of *network*'s own links: progress drops links, never a cycle."""
    offsets, to, _types, _lags = _out_csr(
        network.size, network.pred, network.succ, network.kind, network.lag
    )
    _order, reached = _topological(offsets, to, network.size)
    if reached < network.size:
        _raise_cycle(network, _order[:reached], names)


@numba.njit(cache=True, nogil=True)
def _topological(offsets, to, n):  # pragma: no cover - compiled
    """Kahn's order alone (how many items it reaches; fewer than n means a cycle)."""
    indegree = np.zeros(n, dtype=np.int64)
    for k in range(len(to)):
        indegree[to[k]] += 1
    order = np.empty(n, dtype=np.int64)
    tail = 0
    for v in range(n):
        if indegree[v] == 0:
            order[tail] = v
            tail += 1
    head = 0
    while head < tail:
        v = order[head]
        head += 1
        for k in range(offsets[v], offsets[v + 1]):
            s = to[k]
            indegree[s] -= 1
            if indegree[s] == 0:
                order[tail] = s
                tail += 1
    return order, tail


def _raise_cycle(network: Network, reached: np.ndarray, names: Callable[[int], str] | None):
    """Find a cycle among the items Kahn's algorithm could not reach, and name it."""
    stuck = np.ones(network.size, dtype=bool)
    stuck[reached] = False
    inside = stuck[network.pred] & stuck[network.succ]
    edges = zip(network.pred[inside].tolist(), network.succ[inside].tolist(), strict=True)
    check_acyclic(edges, name=names or str)
    raise CycleError(gettext_noop("These dependencies form a cycle."), cycle=[])  # unreachable
