"""``run_risk``: the input prepared for the kernel, the batches, convergence, the totals."""

import numba
import numpy as np

from guatu.core.risk.kernel import _KERNEL, PHI_TABLE, _bits, _keys, _ndtri_table, _runs
from guatu.core.risk.model import PERT_SHAPES, Dist, RiskInput, RiskResult, _pert
from guatu.core.schedule import (  # the engine's own CSR and topological order
    Network,
    _forward,
    _out_csr,
    schedule,
)

__all__ = ["run_risk", "warm_up"]


def _prepared(data: RiskInput):
    """The input renumbered in topological order (``order[i]`` is new item i's old index)."""
    net = data.network
    n = net.size
    earliest, _latest, fixed = data.constraints.arrays(n)
    offsets, to, types, lags = _out_csr(n, net.pred, net.succ, net.kind, net.lag)
    _es, order, reached, _finish = _forward(offsets, to, types, lags, net.duration, earliest, fixed)
    if reached < n:
        schedule(net, constraints=data.constraints)  # raises the CycleError naming the cycle
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    offsets, to, types, lags = _out_csr(n, rank[net.pred], rank[net.succ], net.kind, net.lag)
    dist = np.ascontiguousarray(data.dist, dtype=np.int64)[order]
    p1 = np.ascontiguousarray(data.p1, dtype=np.float64)[order]
    p2 = np.ascontiguousarray(data.p2, dtype=np.float64)[order]
    p3 = np.ascontiguousarray(data.p3, dtype=np.float64)[order]
    spread = np.where(p3 > p1, p3 - p1, 1.0)
    mode = np.where(p3 > p1, (p2 - p1) / spread, 0.5)
    table_row = np.clip(np.rint(mode * PERT_SHAPES), 0, PERT_SHAPES).astype(np.int64)
    none = np.full(n, -1, dtype=np.int64)
    group_a = none if data.group_a is None else np.asarray(data.group_a, dtype=np.int64)
    group_b = none if data.group_b is None else np.asarray(data.group_b, dtype=np.int64)
    n_a = int(group_a.max() + 1) if n else 0
    n_b = int(group_b.max() + 1) if n else 0
    track = np.zeros(0, dtype=np.int64) if data.track is None else np.asarray(data.track)
    return dict(
        order=order, offsets=offsets, to=to, types=types.astype(np.int64),
        lags=lags.astype(np.float64), earliest=earliest[order].astype(np.float64),
        fixed=fixed[order], dist=dist, p1=p1, p2=p2, p3=p3, table_row=table_row,
        tables=_pert(), group_a=group_a[order], group_b=group_b[order], n=n, n_a=n_a, n_b=n_b,
        track=rank[track.astype(np.int64)], rho_a=float(data.rho_a), rho_b=float(data.rho_b),
    )  # fmt: skip


def _batch_keys(p: dict, seed: int, batch: int):
    """Keys of the items (by their own index, so renumbering changes nothing) and factors."""
    n = p["n"]
    keys = _keys(seed, batch, p["order"])
    keys_a = _keys(seed, batch, n + np.arange(p["n_a"], dtype=np.int64))
    keys_b = _keys(seed, batch, n + p["n_a"] + np.arange(p["n_b"], dtype=np.int64))
    return keys, keys_a, keys_b


def run_risk(
    data: RiskInput,
    *,
    runs: int = 10_000,
    batch: int = 1_000,
    seed: int = 1,
    tolerance: float | None = None,
    relative: float = 0.0,
    origin: float = 0.0,
    target: int = -1,
    threads: int | None = None,
) -> RiskResult:
    """Run up to *runs* Monte Carlo runs in Latin-hypercube batches of up to *batch*.

    Batches are powers of two (the largest not above *batch*; the last one is
    what is left): each item's permutation of the batch's strata then needs
    no cycle walking. With *tolerance* (working days), stop once the P80 of
    tracked item *target* (−1: the project finish) moved less than that over
    the last three batches. With *relative* as well, the allowance is the larger
    of *tolerance* and that share of the P80's distance from *origin* (today):
    a forecast two years out is settled to a few days, not to one — the
    percentage-change convergence of the professional risk tools.
    """
    if data.rho_a < 0 or data.rho_b < 0 or data.rho_a + data.rho_b >= 1:
        raise ValueError("correlation loadings must be ≥ 0 and sum below 1")
    p = _prepared(data)
    n = p["n"]
    chunks = max(1, (threads or numba.get_num_threads()) * 4)
    sums = {name: np.zeros((chunks, n)) for name in ("sum_d", "sum_d2", "sum_df", "sum_es")}
    crit = np.zeros((chunks, n), dtype=np.int64)
    sum_bound = np.zeros((chunks, len(p["to"])))
    finishes, projects, history = [], [], []
    watched = np.empty(0)  # the target's finishes so far, kept sorted (merged batch by batch)
    done, number, converged = 0, 0, tolerance is None
    while done < runs:
        size = _batch_size(batch, runs - done)
        out_finish = np.empty((len(p["track"]), size), dtype=np.float32)
        out_project = np.empty(size)
        keys, keys_a, keys_b = _batch_keys(p, seed, number)
        with _KERNEL:
            _runs(
                p["offsets"], p["to"], p["types"], p["lags"], p["earliest"], p["fixed"],
                p["dist"], p["p1"], p["p2"], p["p3"], p["table_row"], p["tables"], PHI_TABLE,
                _ndtri_table(), keys, p["group_a"], p["group_b"], keys_a, keys_b, p["rho_a"],
                p["rho_b"],
                size, _bits(size), p["track"], min(chunks, size),
                out_finish, out_project, crit, sums["sum_d"], sums["sum_d2"], sums["sum_df"],
                sums["sum_es"], sum_bound,
            )  # fmt: skip
        finishes.append(out_finish)
        projects.append(out_project)
        done += size
        number += 1
        latest = np.sort(out_project if target < 0 else out_finish[target].astype(np.float64))
        watched = np.sort(np.concatenate([watched, latest]), kind="stable")  # a linear merge
        history.append(_sorted_quantile(watched, 0.8))
        if (
            tolerance is not None
            and len(history) >= 3
            and max(history[-3:]) - min(history[-3:])
            < max(tolerance, relative * (history[-1] - origin))
        ):
            converged = True
            break
    return _result(p, done, finishes, projects, crit, sums, sum_bound, converged, history)


def warm_up() -> float:
    """Run a two-item network once, so numba compiles the kernel (about 12 s here) and
    caches it on disk; every later process loads it in a fraction of a second. Called by
    ``guatu serve`` before it starts the web workers. Answers the run's finish mean."""
    network = Network.from_arrays(duration=[3, 4], pred=[0], succ=[1], kind=[0], lag=[0])
    data = RiskInput(
        network,
        dist=np.array([Dist.TRIANGULAR, Dist.LOGNORMAL], dtype=np.int64),
        p1=np.array([1.0, 4.0]),
        p2=np.array([3.0, 0.1]),
        p3=np.array([5.0, 0.2]),
        group_a=np.array([0, 0], dtype=np.int64),
        group_b=np.array([0, -1], dtype=np.int64),
        rho_a=0.2,
        rho_b=0.2,
        track=np.array([1], dtype=np.int64),
    )
    return float(run_risk(data, runs=64, batch=64).project_finish.mean())


def _sorted_quantile(ordered: np.ndarray, q: float) -> float:
    """``np.quantile(ordered, q)`` (linear) of an already sorted array, without re-partitioning."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def _batch_size(batch: int, left: int) -> int:
    return min(1 << (max(batch, 1).bit_length() - 1), left)


def _result(p, done, finishes, projects, crit, sums, sum_bound, converged, history):
    """Totals of the runs, per item in the caller's numbering."""
    order, n = p["order"], p["n"]
    project = np.concatenate(projects)
    totals = {name: value.sum(axis=0) for name, value in sums.items()}
    mean_d = totals["sum_d"] / done
    var_d = totals["sum_d2"] / done - mean_d**2
    mean_f = project.mean()
    var_f = project.var()
    cov = totals["sum_df"] / done - mean_d * mean_f
    with np.errstate(invalid="ignore", divide="ignore"):
        sensitivity = np.where(
            (var_d > 1e-12) & (var_f > 1e-12), cov / np.sqrt(np.maximum(var_d, 0) * var_f), 0.0
        )
    mean_start = totals["sum_es"] / done
    mean_bound = sum_bound.sum(axis=0) / done
    latest_bound = np.full(n, -np.inf)
    incoming = np.zeros(n, dtype=np.int64)
    np.maximum.at(latest_bound, p["to"], mean_bound)
    np.add.at(incoming, p["to"], 1)
    merge_bias = np.where(incoming >= 2, mean_start - np.maximum(latest_bound, 0.0), np.nan)

    def back(values: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        out[order] = values
        return out

    return RiskResult(
        runs=done,
        finish=np.concatenate(finishes, axis=1),
        project_finish=project,
        criticality=back(crit.sum(axis=0) / done),
        sensitivity=back(sensitivity),
        mean_start=back(mean_start),
        merge_bias=back(merge_bias),
        converged=converged,
        history=history,
    )
