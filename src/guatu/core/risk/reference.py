"""The same runs as the compiled kernel in plain numpy: the benchmark's reference, a test oracle."""

import math

import numpy as np

from guatu.core.risk.engine import _batch_size, _prepared, _result
from guatu.core.risk.kernel import (
    EPS,
    GOLDEN,
    M1,
    M2,
    MASK64,
    NDTRI_KNOTS,
    NDTRI_LOW,
    NDTRI_SCALE,
    PHI_STEP,
    PHI_TABLE,
    _bits,
    _ndtri_table,
    _ndtri_vec,
)
from guatu.core.risk.model import RiskInput
from guatu.core.schedule import NO_FIX

__all__ = ["runs_numpy"]


def _np_mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(M2)
    return z ^ (z >> np.uint64(31))


def _np_key(seed: int, batch: int, item) -> np.uint64:
    seed, batch, item = int(seed), int(batch), int(item)
    with np.errstate(over="ignore"):
        k = _np_mix(np.array([(seed + GOLDEN) & MASK64], dtype=np.uint64))
        k = _np_mix(k ^ np.uint64((batch * GOLDEN) & MASK64))
        return _np_mix(k ^ np.uint64((item * M1) & MASK64))[0]


def _np_uniform(key: np.uint64, size: int, bits: int) -> np.ndarray:
    mask = np.uint64((1 << bits) - 1)
    shift = np.uint64(bits // 2 if bits > 1 else 1)
    k1 = key & mask
    m1 = (key >> np.uint64(7)) & mask | np.uint64(1)
    k2 = (key >> np.uint64(23)) & mask
    m2 = (key >> np.uint64(37)) & mask | np.uint64(1)
    runs = np.arange(size, dtype=np.uint64)
    y = runs.copy()
    todo = np.ones(size, dtype=bool)
    with np.errstate(over="ignore"):
        while todo.any():
            z = y[todo]
            z = ((z ^ k1) * m1) & mask
            z ^= z >> shift
            z = ((z + k2) * m2) & mask
            z ^= z >> shift
            z = ((z ^ k2) * m1) & mask
            z ^= z >> shift
            y[todo] = z
            todo = y >= np.uint64(size)
        jitter = _np_mix(key ^ (runs * np.uint64(M2)) ^ np.uint64(GOLDEN))
    v = (jitter >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    return (y.astype(np.float64) + v) / size


def _np_fast_ndtri(u: np.ndarray) -> np.ndarray:
    table = _ndtri_table()
    x = (u - NDTRI_LOW) * NDTRI_SCALE
    k = np.clip(x, 0, NDTRI_KNOTS - 1).astype(np.int64)
    f = x - k
    middle = table[k] * (1.0 - f) + table[k + 1] * f
    tails = (u < NDTRI_LOW) | (u > 1.0 - NDTRI_LOW)
    return np.where(tails, _ndtri_vec(u), middle)


def _np_phi(z: np.ndarray) -> np.ndarray:
    x = (z + 8.0) * PHI_STEP
    k = np.clip(x, 0, 4095).astype(np.int64)
    f = np.clip(x, 0, 4096) - k
    value = PHI_TABLE[k] * (1.0 - f) + PHI_TABLE[k + 1] * f
    return np.where(x <= 0.0, PHI_TABLE[0], np.where(x >= 4096.0, PHI_TABLE[4096], value))


def runs_numpy(data: RiskInput, *, runs: int, batch: int | None = None, seed: int = 1):
    """The same runs as ``run_risk(runs=…, batch=…)``, written with numpy, batch by batch.

    Items in topological order, each as one vector operation over the runs of
    the batch. A reference for the benchmark and the tests, not for use.
    """
    p = _prepared(data)
    batch = batch or runs
    totals = None
    finishes, projects = [], []
    done, number = 0, 0
    while done < runs:
        size = _batch_size(batch, runs - done)
        ef_track, finish, parts = _numpy_batch(p, seed, number, size)
        finishes.append(ef_track)
        projects.append(finish)
        totals = parts if totals is None else {k: totals[k] + parts[k] for k in parts}
        done += size
        number += 1
    crit = totals.pop("crit")
    sum_bound = totals.pop("sum_bound")
    history = [float(np.quantile(np.concatenate(projects), 0.8))]
    return _result(p, done, finishes, projects, crit, totals, sum_bound, True, history)


def _numpy_batch(p: dict, seed: int, number: int, size: int):
    """One batch: the durations drawn, the forward pass, the backward pass, the batch's sums."""
    d = _np_durations(p, seed, number, size)
    es, sum_bound = _np_forward(p, d, size)
    ef, finish, crit = _np_backward(p, d, es)
    parts = {
        "sum_d": d.sum(axis=1)[None],
        "sum_d2": (d * d).sum(axis=1)[None],
        "sum_df": (d * finish).sum(axis=1)[None],
        "sum_es": es.sum(axis=1)[None],
        "crit": crit[None],
        "sum_bound": sum_bound[None],
    }
    return ef[p["track"]].astype(np.float32), finish, parts


def _np_durations(p: dict, seed: int, number: int, size: int) -> np.ndarray:
    """(n, size): every item's duration in each run of the batch (the kernel's draws)."""
    n = p["n"]
    bits = _bits(size)
    order = p["order"]
    n_a = p["n_a"]
    dist, p1, p2, p3 = p["dist"], p["p1"], p["p2"], p["p3"]
    tables = p["tables"]
    wa, wb = math.sqrt(p["rho_a"]), math.sqrt(p["rho_b"])
    we = math.sqrt(1.0 - p["rho_a"] - p["rho_b"])
    correlated = p["rho_a"] > 0 or p["rho_b"] > 0
    d = np.empty((n, size))
    factor: dict[int, np.ndarray] = {}

    def shared(index: int) -> np.ndarray:
        if index not in factor:
            factor[index] = _np_fast_ndtri(_np_uniform(_np_key(seed, number, index), size, bits))
        return factor[index]

    for v in range(n):
        kind = dist[v]
        if kind == 0:
            d[v] = p1[v]
            continue
        u = _np_uniform(_np_key(seed, number, order[v]), size, bits)
        z = _np_fast_ndtri(u) if (correlated or kind >= 3) else np.zeros(size)
        if correlated and (p["group_a"][v] >= 0 or p["group_b"][v] >= 0):
            za = shared(n + p["group_a"][v]) if p["group_a"][v] >= 0 else 0.0
            zb = shared(n + n_a + p["group_b"][v]) if p["group_b"][v] >= 0 else 0.0
            z = wa * za + wb * zb + we * z
            if kind <= 2:
                u = _np_phi(z)
        a, b, c = p1[v], p2[v], p3[v]
        if kind == 1:
            cut = (b - a) / (c - a) if c > a else 0.0
            low = a + np.sqrt(u * (c - a) * (b - a))
            high = c - np.sqrt((1.0 - u) * (c - a) * (c - b))
            d[v] = a if c <= a else np.where(u < cut, low, high)
        elif kind == 2:
            x = u * (tables.shape[1] - 1)
            k = np.minimum(x.astype(np.int64), tables.shape[1] - 2)
            f = x - k
            row = tables[p["table_row"][v]]
            d[v] = a if c <= a else a + (row[k] * (1 - f) + row[k + 1] * f) * (c - a)
        elif kind == 3:
            d[v] = a * np.exp(b + c * z)
        else:
            d[v] = np.maximum(a + b * z, 0.0)
    return d


def _np_forward(p: dict, d: np.ndarray, size: int):
    """Early starts (n, size) in each run, and each link's bound summed over the runs."""
    offsets, to, types, lags = p["offsets"], p["to"], p["types"], p["lags"]
    earliest, fixed = p["earliest"], p["fixed"]
    es = np.repeat(np.maximum(earliest, 0.0)[:, None], size, axis=1)
    sum_bound = np.zeros(len(to))
    for v in range(p["n"]):
        if fixed[v] != NO_FIX:
            es[v] = fixed[v]
        end = es[v] + d[v]
        for k in range(offsets[v], offsets[v + 1]):
            s, t = to[k], types[k] & 3
            if t == 0:
                bound = end + lags[k]
            elif t == 1:
                bound = es[v] + lags[k]
            elif t == 2:
                bound = end + lags[k] - d[s]
            else:
                bound = es[v] + lags[k] - d[s]
            sum_bound[k] = bound.sum()
            np.maximum(es[s], bound, out=es[s])
    return es, sum_bound


def _np_backward(p: dict, d: np.ndarray, es: np.ndarray):
    """Early finishes, each run's finish, and how many runs each item was critical in."""
    n, offsets, to, types, lags = p["n"], p["offsets"], p["to"], p["types"], p["lags"]
    ef = es + d
    finish = ef.max(axis=0)
    lf = np.empty_like(es)
    crit = np.zeros(n, dtype=np.int64)
    for v in range(n - 1, -1, -1):
        late = finish.copy()
        for k in range(offsets[v], offsets[v + 1]):
            if types[k] >= 4:
                continue
            s, t = to[k], types[k]
            if t == 0:
                bound = lf[s] - d[s] - lags[k]
            elif t == 1:
                bound = lf[s] - d[s] - lags[k] + d[v]
            elif t == 2:
                bound = lf[s] - lags[k]
            else:
                bound = lf[s] - lags[k] + d[v]
            np.minimum(late, bound, out=late)
        lf[v] = late
        crit[v] = int((late - ef[v] <= EPS).sum())
    return ef, finish, crit
