"""Schedule risk: Monte Carlo over the CPM, every run reproducible from its seed.

Each run draws every item's duration from its distribution and runs the same
forward pass as ``core.schedule`` (all four link types, lags, start-no-earlier-
than, fixed starts) in continuous working days, then a backward pass from the
run's own finish to tell which items were critical in it.

Sampling is Latin hypercube, per batch of runs: item *i*'s run *r* falls in
stratum ``π_i(r)`` of the batch, where ``π_i`` is a keyed pseudo-random
permutation (rounds of key-xor, odd multiply and xor-shift on the next power
of two, cycle-walked into the batch), jittered within the stratum by a
counter-based hash (splitmix64). Nothing depends on thread order or on a
generator's state, so the compiled kernel and the plain numpy implementation
(``runs_numpy``) draw exactly the same numbers, and any run can be
recomputed on its own.

The kernel works item-major over blocks of ``BLOCK`` runs: draw every item's
durations for the block, then the forward and backward passes item by item,
each inner loop along the block's runs in contiguous memory; items are
renumbered in topological order first, so every pass walks its arrays front
to back. Chunks of runs go to the cores, each with its own accumulators.

Correlation is a Gaussian copula with up to two shared factors (the item's
town and its phase): ``z = √ρa·g_town + √ρb·g_phase + √(1−ρa−ρb)·e``, each
factor itself Latin-hypercube sampled. The normal score ``z`` is mapped back
through Φ to the item's own distribution, so every marginal is kept and the
rank correlation between two items of the same town is ``(6/π)·asin(ρa/2)``
(between normals exactly ρa).

Distributions (``Dist``): fixed, triangular (a, m, b), PERT-beta (a, m, b;
λ = 4, quantiles from a table per shape), lognormal (scale · exp(μ + σz)) and
normal (mean + sd·z, clipped at 0).

Outputs: the finish samples of the tracked items (nodes, the target), each
item's criticality index, the duration–finish correlation (sensitivity, for a
tornado) and the mean start of every merge node against the latest mean of its
incoming bounds (merge bias).
"""

import math
import threading
from dataclasses import dataclass, field
from enum import IntEnum

import numba
import numpy as np

from guatu.core.schedule import (  # the engine's own CSR and topological order
    NO_FIX,
    Constraints,
    Network,
    _forward,
    _out_csr,
    schedule,
)

__all__ = [
    "Dist",
    "RiskInput",
    "RiskResult",
    "pert_tables",
    "run_risk",
    "runs_numpy",
    "warm_up",
]


class Dist(IntEnum):
    FIXED = 0
    TRIANGULAR = 1
    PERT = 2
    LOGNORMAL = 3
    NORMAL = 4


#: PERT quantile tables: one row per shape (mode position rounded to 1/SHAPES), KNOTS+1 values.
PERT_SHAPES = 200
PERT_KNOTS = 1024
#: A run's finish within this of an item's late finish makes the item critical in it.
EPS = 1e-7
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB
MASK64 = (1 << 64) - 1


def pert_tables() -> np.ndarray:
    """Quantiles of Beta(1+4p, 1+4(1−p)) on a grid of u, for p = 0, 1/200, …, 1.

    The density is bounded for these shapes (α, β ≥ 1), so its CDF integrated
    on a fine grid and inverted by interpolation is exact to ~1e-7 — no scipy.
    """
    x = np.linspace(0.0, 1.0, 16385)
    u = np.linspace(0.0, 1.0, PERT_KNOTS + 1)
    rows = np.empty((PERT_SHAPES + 1, PERT_KNOTS + 1))
    for k in range(PERT_SHAPES + 1):
        p = k / PERT_SHAPES
        a, b = 1 + 4 * p, 1 + 4 * (1 - p)
        inner = x[1:-1]
        density = np.zeros_like(x)
        density[1:-1] = np.exp((a - 1) * np.log(inner) + (b - 1) * np.log1p(-inner))
        density[0], density[-1] = (1.0 if a == 1 else 0.0), (1.0 if b == 1 else 0.0)
        cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
        cdf /= cdf[-1]
        rows[k] = np.interp(u, cdf, x)
        rows[k, 0], rows[k, -1] = 0.0, 1.0
    return rows


#: Φ on a grid of z (−8 … 8, step 1/256), linearly interpolated: within 5e-7 of Φ, a
#: fraction of a Latin-hypercube stratum, at a tenth of the cost of erfc per draw.
PHI_STEP = 256.0
PHI_TABLE = np.array([0.5 * math.erfc(-(k / PHI_STEP - 8.0) / math.sqrt(2.0)) for k in range(4097)])

_PERT = None


def _pert() -> np.ndarray:
    global _PERT
    if _PERT is None:
        _PERT = pert_tables()
    return _PERT


@dataclass
class RiskInput:
    """A network (``core.schedule`` arrays) and a distribution per item.

    ``p1, p2, p3``: triangular/PERT a, m, b; lognormal scale, μ, σ; normal
    mean, sd; fixed: the duration in p1. ``group_a``/``group_b``: factor
    indices (−1 none) with loadings ``rho_a``/``rho_b`` (ρa + ρb < 1).
    ``track``: the items whose finish samples are kept (nodes, the target).
    """

    network: Network
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    p3: np.ndarray
    constraints: Constraints = field(default_factory=Constraints)
    group_a: np.ndarray | None = None
    group_b: np.ndarray | None = None
    rho_a: float = 0.0
    rho_b: float = 0.0
    track: np.ndarray | None = None


@dataclass
class RiskResult:
    runs: int
    finish: np.ndarray  # (len(track), runs) float32: the tracked items' early finishes
    project_finish: np.ndarray  # (runs,) float64
    criticality: np.ndarray  # (n,) share of runs in which the item was critical
    sensitivity: np.ndarray  # (n,) correlation of its duration with the project finish
    mean_start: np.ndarray  # (n,)
    merge_bias: np.ndarray  # (n,) mean start − latest mean incoming bound; NaN if not a merge
    converged: bool = True
    history: list[float] = field(default_factory=list)  # the target's P80 after each batch

    def quantiles(self, q=(0.1, 0.5, 0.8, 0.9)) -> np.ndarray:
        """(len(track), len(q)) finish quantiles (exclusive working-day offsets)."""
        return np.quantile(self.finish, q, axis=1).T

    def probability(self, latest: np.ndarray) -> np.ndarray:
        """P(finish ≤ latest) for each tracked item (*latest*: exclusive finish offsets)."""
        return (self.finish <= np.asarray(latest, dtype=np.float64)[:, None] + EPS).mean(axis=1)


# --- the random numbers: the same in the kernel and in numpy -------------------


@numba.njit(inline="always")
def _mix(z):  # pragma: no cover - compiled
    z = (z ^ (z >> np.uint64(30))) * np.uint64(M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(M2)
    return z ^ (z >> np.uint64(31))


@numba.njit(inline="always")
def _key(seed, batch, item):  # pragma: no cover - compiled
    k = _mix(np.uint64(seed) + np.uint64(GOLDEN))
    k = _mix(k ^ (np.uint64(batch) * np.uint64(GOLDEN)))
    return _mix(k ^ (np.uint64(item) * np.uint64(M1)))


@numba.njit(inline="always")
def _permute(x, size, bits, key):  # pragma: no cover - compiled
    """A keyed bijection of [0, size), cycle-walked on [0, 2**bits).

    Two rounds of xor/add a key, multiply by a key-dependent odd number and
    xor-shift — each a bijection modulo 2**bits — as in hash finalisers.
    """
    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64(bits // 2 if bits > 1 else 1)
    k1 = key & mask
    m1 = (key >> np.uint64(7)) & mask | np.uint64(1)
    k2 = (key >> np.uint64(23)) & mask
    m2 = (key >> np.uint64(37)) & mask | np.uint64(1)
    y = np.uint64(x)
    while True:
        y = ((y ^ k1) * m1) & mask
        y ^= y >> shift
        y = ((y + k2) * m2) & mask
        y ^= y >> shift
        y = ((y ^ k2) * m1) & mask
        y ^= y >> shift
        if y < np.uint64(size):
            return y


@numba.njit(inline="always")
def _uniform(key, run, size, bits):  # pragma: no cover - compiled
    stratum = _permute(run, size, bits, key)
    jitter = _mix(key ^ (np.uint64(run) * np.uint64(M2)) ^ np.uint64(GOLDEN))
    v = float(jitter >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    return (float(stratum) + v) / size


def _bits(size: int) -> int:
    """The bits of the smallest power of two at least *size* (the walk's domain)."""
    return max(1, (size - 1).bit_length())


@numba.njit(inline="always")
def _ndtri(p):  # pragma: no cover - compiled
    """Φ⁻¹(p): Wichura's AS241 (PPND16), relative error about 1e-16."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return (
            q
            * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
            + 67265.770927008700853) * r + 45921.953931549871457) * r
            + 13731.693765509461125) * r + 1971.5909503065514427) * r
            + 133.14166789178437745) * r + 3.387132872796366608)
            / (((((((5226.495278852545925 * r + 28729.085735721942674) * r
            + 39307.89580009271061) * r + 21213.794301586595867) * r
            + 5394.1960214247511077) * r + 687.1870074920579083) * r
            + 42.313330701600911252) * r + 1.0)
        )  # fmt: skip
    r = p if q < 0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        val = (
            ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
            + 0.24178072517745061177) * r + 1.27045825245236838258) * r
            + 3.64784832476320460504) * r + 5.7694972214606914055) * r
            + 4.6303378461565452959) * r + 1.42343711074968357734
        ) / (
            ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
            + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
            + 0.68976733498510000455) * r + 1.6763848301838038494) * r
            + 2.05319162663775882187) * r + 1.0
        )  # fmt: skip
    else:
        r -= 5.0
        val = (
            ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
            + 0.29656057182850489123) * r + 1.7848265399172913358) * r
            + 5.4637849111641143699) * r + 6.6579046435011037772
        ) / (
            ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
            + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
            + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
            + 0.59983220655588793769) * r + 1.0
        )  # fmt: skip
    return -val if q < 0 else val


#: Φ⁻¹ on a grid of u over its smooth middle (2 % … 98 %), linearly interpolated
#: (within 2e-6); the tails go through AS241 itself.
NDTRI_LOW = 0.02
NDTRI_KNOTS = 8192
NDTRI_SCALE = NDTRI_KNOTS / (1.0 - 2 * NDTRI_LOW)


@numba.njit(inline="always")
def _fast_ndtri(u, table):  # pragma: no cover - compiled
    if u < NDTRI_LOW or u > 1.0 - NDTRI_LOW:
        return _ndtri(u)
    x = (u - NDTRI_LOW) * NDTRI_SCALE
    k = int(x)
    if k >= NDTRI_KNOTS:
        k = NDTRI_KNOTS - 1
    f = x - k
    return table[k] * (1.0 - f) + table[k + 1] * f


@numba.njit(inline="always")
def _phi(z, table):  # pragma: no cover - compiled
    x = (z + 8.0) * PHI_STEP
    if x <= 0.0:
        return table[0]
    if x >= 4096.0:
        return table[4096]
    k = int(x)
    f = x - k
    return table[k] * (1.0 - f) + table[k + 1] * f


#: One parallel kernel at a time per process: numba's default threading layer
#: (workqueue) must not be entered from two threads at once (a threaded web
#: server serving two risk pages would otherwise abort).
_KERNEL = threading.Lock()

#: Runs computed together, item by item: every inner loop runs along this many runs
#: in contiguous memory (vectorised), and a block's arrays stay in cache.
BLOCK = 32


@numba.njit(parallel=True, cache=True, fastmath={"reassoc", "nsz"})
def _runs(  # pragma: no cover - compiled
    offsets, to, types, lags, earliest, fixed,
    dist, p1, p2, p3, table_row, tables, phi, ndtri,
    keys, group_a, group_b, keys_a, keys_b, rho_a, rho_b,
    size, bits, track, chunks,
    out_finish, out_project, crit, sum_d, sum_d2, sum_df, sum_es, sum_bound,
):  # fmt: skip
    """*size* runs of one Latin-hypercube batch; items are numbered in topological order.

    Each chunk of runs is done in blocks of ``BLOCK`` runs, item-major: draw
    every item's durations for the block, then the forward pass and the
    backward pass item by item, each step a loop along the block's runs.
    """
    n = len(dist)
    wa = math.sqrt(rho_a)
    wb = math.sqrt(rho_b)
    we = math.sqrt(1.0 - rho_a - rho_b)
    correlated = rho_a > 0.0 or rho_b > 0.0
    n_track = len(track)
    per = (size + chunks - 1) // chunks
    for c in numba.prange(chunks):
        d = np.empty((n, BLOCK))
        es = np.empty((n, BLOCK))
        lf = np.empty((n, BLOCK))
        za = np.zeros((len(keys_a), BLOCK))
        zb = np.zeros((len(keys_b), BLOCK))
        finish = np.empty(BLOCK)
        late = np.empty(BLOCK)
        ub = np.empty(BLOCK)
        zv = np.zeros(BLOCK)
        top = min(size, (c + 1) * per)
        for r0 in range(c * per, top, BLOCK):
            w = min(BLOCK, top - r0)
            if correlated:
                for g in range(len(keys_a)):
                    for j in range(w):
                        za[g, j] = _fast_ndtri(_uniform(keys_a[g], r0 + j, size, bits), ndtri)
                for g in range(len(keys_b)):
                    for j in range(w):
                        zb[g, j] = _fast_ndtri(_uniform(keys_b[g], r0 + j, size, bits), ndtri)
            for v in range(n):
                kind = dist[v]
                start0 = earliest[v] if earliest[v] > 0 else 0.0
                for j in range(w):
                    es[v, j] = start0
                if kind == 0:
                    for j in range(w):
                        d[v, j] = p1[v]
                    continue
                ga = group_a[v]
                gb = group_b[v]
                shared = correlated and (ga >= 0 or gb >= 0)
                key = keys[v]
                for j in range(w):
                    ub[j] = _uniform(key, r0 + j, size, bits)
                if correlated or kind >= 3:
                    for j in range(w):
                        zv[j] = _fast_ndtri(ub[j], ndtri)
                if shared:
                    for j in range(w):
                        mixed = 0.0
                        if ga >= 0:
                            mixed += wa * za[ga, j]
                        if gb >= 0:
                            mixed += wb * zb[gb, j]
                        zv[j] = mixed + we * zv[j]
                    if kind <= 2:
                        for j in range(w):
                            ub[j] = _phi(zv[j], phi)
                a = p1[v]
                b = p2[v]
                cc = p3[v]
                if kind == 1:
                    if cc <= a:
                        for j in range(w):
                            d[v, j] = a
                    else:
                        cut = (b - a) / (cc - a)
                        for j in range(w):
                            u = ub[j]
                            if u < cut:
                                d[v, j] = a + math.sqrt(u * (cc - a) * (b - a))
                            else:
                                d[v, j] = cc - math.sqrt((1.0 - u) * (cc - a) * (cc - b))
                elif kind == 2:
                    row = table_row[v]
                    last = tables.shape[1] - 1
                    for j in range(w):
                        if cc <= a:
                            d[v, j] = a
                            continue
                        x = ub[j] * last
                        k = min(int(x), last - 1)
                        f = x - k
                        q = tables[row, k] * (1.0 - f) + tables[row, k + 1] * f
                        d[v, j] = a + q * (cc - a)
                elif kind == 3:
                    for j in range(w):
                        d[v, j] = a * math.exp(b + cc * zv[j])
                else:
                    for j in range(w):
                        dn = a + b * zv[j]
                        d[v, j] = dn if dn > 0.0 else 0.0
            # Forward pass, item by item along the block's runs.
            for j in range(w):
                finish[j] = 0.0
            for v in range(n):
                if fixed[v] != NO_FIX:
                    for j in range(w):
                        es[v, j] = fixed[v]
                for j in range(w):
                    end = es[v, j] + d[v, j]
                    if end > finish[j]:
                        finish[j] = end
                for k in range(offsets[v], offsets[v + 1]):
                    s = to[k]
                    t = types[k] & 3
                    lag = lags[k]
                    total = 0.0
                    if t == 0:
                        for j in range(w):
                            bound = es[v, j] + d[v, j] + lag
                            total += bound
                            es[s, j] = max(es[s, j], bound)
                    elif t == 1:
                        for j in range(w):
                            bound = es[v, j] + lag
                            total += bound
                            es[s, j] = max(es[s, j], bound)
                    elif t == 2:
                        for j in range(w):
                            bound = es[v, j] + d[v, j] + lag - d[s, j]
                            total += bound
                            es[s, j] = max(es[s, j], bound)
                    else:
                        for j in range(w):
                            bound = es[v, j] + lag - d[s, j]
                            total += bound
                            es[s, j] = max(es[s, j], bound)
                    sum_bound[c, k] += total
            # Backward from each run's finish: which items were critical in it.
            for v in range(n - 1, -1, -1):
                for j in range(w):
                    late[j] = finish[j]
                for k in range(offsets[v], offsets[v + 1]):
                    t = types[k]
                    if t >= 4:
                        continue
                    s = to[k]
                    lag = lags[k]
                    if t == 0:
                        for j in range(w):
                            late[j] = min(late[j], lf[s, j] - d[s, j] - lag)
                    elif t == 1:
                        for j in range(w):
                            late[j] = min(late[j], lf[s, j] - d[s, j] - lag + d[v, j])
                    elif t == 2:
                        for j in range(w):
                            late[j] = min(late[j], lf[s, j] - lag)
                    else:
                        for j in range(w):
                            late[j] = min(late[j], lf[s, j] - lag + d[v, j])
                hits = 0
                a1 = 0.0
                a2 = 0.0
                af = 0.0
                ae = 0.0
                for j in range(w):
                    dv = d[v, j]
                    lf[v, j] = late[j]
                    if late[j] - (es[v, j] + dv) <= EPS:
                        hits += 1
                    a1 += dv
                    a2 += dv * dv
                    af += dv * finish[j]
                    ae += es[v, j]
                crit[c, v] += hits
                sum_d[c, v] += a1
                sum_d2[c, v] += a2
                sum_df[c, v] += af
                sum_es[c, v] += ae
            for j in range(w):
                out_project[r0 + j] = finish[j]
            for i in range(n_track):
                v = track[i]
                for j in range(w):
                    out_finish[i, r0 + j] = es[v, j] + d[v, j]


@numba.njit(cache=True)
def _keys(seed, batch, items):  # pragma: no cover - compiled
    out = np.empty(len(items), dtype=np.uint64)
    for i in range(len(items)):
        out[i] = _key(seed, batch, items[i])
    return out


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


# --- the same runs in plain numpy (the benchmark's reference, and a test oracle) --------


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


@numba.vectorize(["float64(float64)"], cache=True)
def _ndtri_vec(p):  # pragma: no cover - compiled
    """Φ⁻¹ as a ufunc (the reference's stand-in for scipy.special.ndtri: same digits)."""
    return _ndtri(p)


_NDTRI = None


def _ndtri_table() -> np.ndarray:
    global _NDTRI
    if _NDTRI is None:
        knots = NDTRI_LOW + np.arange(NDTRI_KNOTS + 1) / NDTRI_SCALE
        _NDTRI = _ndtri_vec(knots)
    return _NDTRI


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
    n = p["n"]
    bits = _bits(size)
    order, offsets, to, types, lags = p["order"], p["offsets"], p["to"], p["types"], p["lags"]
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
    earliest, fixed = p["earliest"], p["fixed"]
    es = np.repeat(np.maximum(earliest, 0.0)[:, None], size, axis=1)
    sum_bound = np.zeros(len(to))
    for v in range(n):
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
    parts = {
        "sum_d": d.sum(axis=1)[None],
        "sum_d2": (d * d).sum(axis=1)[None],
        "sum_df": (d * finish).sum(axis=1)[None],
        "sum_es": es.sum(axis=1)[None],
        "crit": crit[None],
        "sum_bound": sum_bound[None],
    }
    return ef[p["track"]].astype(np.float32), finish, parts
