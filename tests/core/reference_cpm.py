"""A deliberately plain CPM, written straight from shared/bench/README.md's equations.

It shares no code with ``guatu.core.schedule``: dictionaries, the standard
library's topological sorter, one loop per pass. Tests compare the engine
with it on random networks.
"""

from graphlib import TopologicalSorter


def reference_cpm(durations, links, deadline=None, earliest=None, latest=None):
    """Return es, ef, ls, lf lists for items 0..n-1; links are (p, s, type, lag)."""
    n = len(durations)
    earliest = earliest or {}
    latest = latest or {}
    preds = {v: [] for v in range(n)}
    succs = {v: [] for v in range(n)}
    for p, s, kind, lag in links:
        preds[s].append((p, kind, lag))
        succs[p].append((s, kind, lag))
    order = list(
        TopologicalSorter({v: [p for p, _, _ in preds[v]] for v in range(n)}).static_order()
    )
    es, ef = {}, {}
    for v in order:
        d = durations[v]
        start = max(0, earliest.get(v, 0))
        for p, kind, lag in preds[v]:
            bound = {
                "FS": ef[p] + lag,
                "SS": es[p] + lag,
                "FF": ef[p] + lag - d,
                "SF": es[p] + lag - d,
            }[kind]
            start = max(start, bound)
        es[v], ef[v] = start, start + d
    finish = max(ef.values(), default=0) if deadline is None else deadline
    ls, lf = {}, {}
    for v in reversed(order):
        d = durations[v]
        end = min(finish, latest.get(v, finish))
        for s, kind, lag in succs[v]:
            bound = {
                "FS": ls[s] - lag,
                "SS": ls[s] - lag + d,
                "FF": lf[s] - lag,
                "SF": lf[s] - lag + d,
            }[kind]
            end = min(end, bound)
        lf[v], ls[v] = end, end - d
    return (
        [es[v] for v in range(n)],
        [ef[v] for v in range(n)],
        [ls[v] for v in range(n)],
        [lf[v] for v in range(n)],
    )
