"""The compiled runs: random numbers drawn alike in the kernel and in numpy, and the kernel.

Every function compiled with ``cache=True`` here and everything it inlines or
reads as a global (the hash constants, Φ and Φ⁻¹ tables' steps, ``EPS``,
``BLOCK``) live in this one file on purpose: numba's on-disk cache is
invalidated only when the file of the cached function changes, so a draw
moved to another module could change without the cached kernel noticing.
"""

import math
import threading

import numba
import numpy as np

from guatu.core.schedule import NO_FIX

__all__ = [
    "BLOCK",
    "EPS",
    "GOLDEN",
    "M1",
    "M2",
    "MASK64",
    "NDTRI_KNOTS",
    "NDTRI_LOW",
    "NDTRI_SCALE",
    "PHI_STEP",
    "PHI_TABLE",
]

#: A run's finish within this of an item's late finish makes the item critical in it.
EPS = 1e-7
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB
MASK64 = (1 << 64) - 1


#: Φ on a grid of z (−8 … 8, step 1/256), linearly interpolated: within 5e-7 of Φ, a
#: fraction of a Latin-hypercube stratum, at a tenth of the cost of erfc per draw.
PHI_STEP = 256.0
PHI_TABLE = np.array([0.5 * math.erfc(-(k / PHI_STEP - 8.0) / math.sqrt(2.0)) for k in range(4097)])


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

    Long on purpose: it is one ``prange`` loop whose per-chunk buffers
    (allocated inside it, one set per thread) the three steps share; split into
    functions, each would take some twenty arrays, and a change to the compiled
    loop's shape is a change to measure (``bench/risk.py``), not a move. The
    same method step by step, in numpy, is ``reference.runs_numpy``.
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
