"""Monte Carlo schedule risk against closed forms, the CPM, and its numpy twin."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from guatu.core.risk import Dist, RiskInput, run_risk, runs_numpy
from guatu.core.schedule import FF, FS, SF, SS, Network, schedule

Z80 = NormalDist().inv_cdf(0.8)


def chain(n: int, **fields) -> RiskInput:
    net = Network.from_arrays(
        duration=[10] * n, pred=range(n - 1), succ=range(1, n), kind=[FS] * (n - 1),
        lag=[0] * (n - 1),
    )  # fmt: skip
    return RiskInput(net, **fields)


def normals(n, mean, sd, **fields) -> RiskInput:
    return chain(
        n, dist=np.full(n, Dist.NORMAL), p1=np.full(n, float(mean)), p2=np.full(n, float(sd)),
        p3=np.zeros(n), **fields,
    )  # fmt: skip


def test_a_chain_of_normals_sums_means_and_variances():
    result = run_risk(normals(20, 10, 2), runs=8000, batch=4000, seed=3)
    finish = result.project_finish
    assert finish.mean() == pytest.approx(200, abs=0.2)
    assert finish.var() == pytest.approx(80, rel=0.05)
    assert np.quantile(finish, 0.8) == pytest.approx(200 + Z80 * math.sqrt(80), abs=0.4)
    assert (result.criticality == 1).all()  # a chain is all critical
    assert result.sensitivity == pytest.approx(np.full(20, 1 / math.sqrt(20)), abs=0.04)


def test_latin_hypercube_hits_every_stratum_once_per_batch():
    single = RiskInput(
        Network.from_arrays(duration=[10], pred=[], succ=[], kind=[], lag=[]),
        dist=np.array([Dist.TRIANGULAR]), p1=np.array([0.0]), p2=np.array([0.0]),
        p3=np.array([1.0]),
    )  # fmt: skip
    result = run_risk(single, runs=1024 + 300, batch=1024, seed=11)
    u = 1 - (1 - result.project_finish) ** 2  # the triangular (0, 0, 1) CDF: u back
    first, last = u[:1024], u[1024:]  # two batches: 1024 (a power of two), then 300
    assert (np.sort(np.floor(first * 1024).astype(int)) == np.arange(1024)).all()
    assert (np.sort(np.floor(last * 300).astype(int)) == np.arange(300)).all()


def test_identical_branches_merging_follow_the_power_of_their_distribution():
    n = 4  # four independent normal branches into a milestone: P(max ≤ t) = F(t)^4
    net = Network.from_arrays(
        duration=[10] * n + [0], pred=range(n), succ=[n] * n, kind=[FS] * n, lag=[0] * n
    )
    data = RiskInput(
        net, dist=np.array([Dist.NORMAL] * n + [Dist.FIXED]), p1=np.array([50.0] * n + [0]),
        p2=np.array([5.0] * n + [0]), p3=np.zeros(n + 1), track=np.array([n]),
    )  # fmt: skip
    result = run_risk(data, runs=10000, batch=5000, seed=5)
    branch = NormalDist(50, 5)
    for t in (48, 52, 55, 58, 62):
        assert result.probability(np.array([t]))[0] == pytest.approx(branch.cdf(t) ** n, abs=0.015)
    # Merge bias: E[max of 4 normals] − 50 = 1.0294σ (the expected maximum of four).
    assert result.merge_bias[n] == pytest.approx(1.0294 * 5, abs=0.15)
    assert np.isnan(result.merge_bias[:n]).all()
    assert result.criticality[:n] == pytest.approx(np.full(n, 0.25), abs=0.02)


def test_a_triangular_task_has_its_quantiles():
    a, m, b = 10.0, 14.0, 30.0
    data = RiskInput(
        Network.from_arrays(duration=[14], pred=[], succ=[], kind=[], lag=[]),
        dist=np.array([Dist.TRIANGULAR]), p1=np.array([a]), p2=np.array([m]), p3=np.array([b]),
        track=np.array([0]),
    )  # fmt: skip
    result = run_risk(data, runs=4000, batch=4000, seed=2)

    def quantile(u):
        cut = (m - a) / (b - a)
        if u < cut:
            return a + math.sqrt(u * (b - a) * (m - a))
        return b - math.sqrt((1 - u) * (b - a) * (b - m))

    for q, got in zip((0.1, 0.5, 0.8, 0.9), result.quantiles()[0], strict=True):
        assert got == pytest.approx(quantile(q), abs=0.05)


def test_pert_and_lognormal_have_their_means_and_medians():
    net = Network.from_arrays(duration=[1, 1], pred=[], succ=[], kind=[], lag=[])
    data = RiskInput(
        net, dist=np.array([Dist.PERT, Dist.LOGNORMAL]), p1=np.array([10.0, 20.0]),
        p2=np.array([12.0, 0.2]), p3=np.array([30.0, 0.4]), track=np.array([0, 1]),
    )  # fmt: skip
    result = run_risk(data, runs=8000, batch=8000, seed=9)
    pert, lognormal = result.finish.astype(np.float64)
    assert pert.mean() == pytest.approx((10 + 4 * 12 + 30) / 6, abs=0.05)
    assert pert.min() >= 10 and pert.max() <= 30
    assert np.median(lognormal) == pytest.approx(20 * math.exp(0.2), rel=0.01)


def test_correlation_raises_the_p80_of_a_chain_as_theory_says():
    n, sd, rho = 10, 3.0, 0.5
    alone = run_risk(normals(n, 10, sd), runs=8000, batch=8000, seed=4)
    together = run_risk(
        normals(n, 10, sd, group_a=np.zeros(n, dtype=int), rho_a=rho), runs=8000, batch=8000,
        seed=4,
    )  # fmt: skip
    expected = 100 + Z80 * sd * math.sqrt(n + n * (n - 1) * rho)
    assert np.quantile(together.project_finish, 0.8) == pytest.approx(expected, abs=0.6)
    assert np.quantile(alone.project_finish, 0.8) == pytest.approx(
        100 + Z80 * sd * math.sqrt(n), abs=0.3
    )


def mixed_network(seed: int = 1, n: int = 60):
    rng = np.random.default_rng(seed)
    pred, succ = [], []
    for s in range(1, n):
        for p in rng.choice(s, size=min(s, 2), replace=False):
            pred.append(int(p))
            succ.append(s)
    kind = rng.choice([FS, SS, FF, SF], size=len(pred), p=[0.6, 0.2, 0.15, 0.05])
    lag = rng.integers(-2, 4, size=len(pred))
    duration = rng.integers(0, 15, size=n)
    perm = rng.permutation(n)  # ids not in topological order
    net = Network.from_arrays(
        duration=duration[np.argsort(perm)], pred=perm[pred], succ=perm[succ], kind=kind, lag=lag
    )
    return net


def test_without_uncertainty_every_run_is_the_cpm():
    net = mixed_network()
    d = net.duration.astype(np.float64)
    data = RiskInput(
        net, dist=np.zeros(net.size, dtype=int), p1=d, p2=d, p3=d, track=np.arange(net.size)
    )
    result = run_risk(data, runs=50, batch=50)
    cpm = schedule(net)
    assert (result.project_finish == cpm.early_finish).all()
    assert (result.finish[:, 0] == cpm.ef).all()
    assert ((result.criticality == 1) == (cpm.tf <= 0)).all()


def test_the_compiled_runs_are_the_numpy_runs():
    net = mixed_network(seed=8)
    n = net.size
    rng = np.random.default_rng(8)
    d = net.duration.astype(np.float64)
    dist = rng.choice([Dist.FIXED, Dist.TRIANGULAR, Dist.PERT, Dist.LOGNORMAL, Dist.NORMAL], n)
    data = RiskInput(
        net, dist=dist, p1=np.where(dist == Dist.NORMAL, d, 0.8 * d),
        p2=np.where(dist == Dist.LOGNORMAL, 0.1, np.where(dist == Dist.NORMAL, 1.0, d)),
        p3=np.where(dist == Dist.LOGNORMAL, 0.3, 1.7 * d + 1), group_a=np.arange(n) % 3,
        group_b=np.arange(n) % 2, rho_a=0.2, rho_b=0.3, track=np.arange(n),
    )  # fmt: skip
    compiled = run_risk(data, runs=700, batch=700, seed=21)
    plain = runs_numpy(data, runs=700, batch=700, seed=21)  # batches of 512 and 188
    assert np.allclose(compiled.project_finish, plain.project_finish, atol=1e-9)
    assert np.array_equal(compiled.criticality, plain.criticality)
    assert np.allclose(compiled.sensitivity, plain.sensitivity, atol=1e-9)
    assert np.allclose(compiled.merge_bias, plain.merge_bias, atol=1e-6, equal_nan=True)
    assert np.allclose(compiled.finish, plain.finish, atol=1e-3)


def test_it_stops_when_the_p80_is_stable():
    result = run_risk(normals(10, 10, 2), runs=100_000, batch=1000, seed=1, tolerance=0.5)
    assert result.converged and result.runs < 100_000
    assert max(result.history[-3:]) - min(result.history[-3:]) < 0.5


def test_a_relative_tolerance_settles_a_far_forecast_to_a_share_of_its_distance():
    """A finish 1,000 days out is settled to 1 % of that (10 days), not to one day."""
    data = normals(10, 100, 20)
    strict = run_risk(data, runs=50_000, batch=512, seed=3, tolerance=0.25)
    relative = run_risk(data, runs=50_000, batch=512, seed=3, tolerance=0.25, relative=0.01)
    assert relative.converged and relative.runs < strict.runs
    window = relative.history[-3:]
    assert max(window) - min(window) < 0.01 * window[-1]
    assert max(window) - min(window) >= 0.25  # the absolute allowance alone would go on
    # Starting the count nearer the finish tightens the allowance again.
    near = run_risk(data, runs=50_000, batch=512, seed=3, tolerance=0.25, relative=0.01,
                    origin=990.0)  # fmt: skip
    assert near.runs >= relative.runs


def test_two_threads_at_once_get_what_one_gets_alone():
    """A threaded web server may ask twice at the same moment (numba's workqueue layer
    must not be entered twice: the kernel is serialised)."""
    from concurrent.futures import ThreadPoolExecutor

    data = normals(30, 10, 2)
    alone = run_risk(data, runs=2000, batch=500, seed=6).project_finish
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda _: run_risk(data, runs=2000, batch=500, seed=6).project_finish, range(4)
            )
        )
    assert all(np.array_equal(alone, r) for r in results)


def test_the_warm_up_runs_the_kernel_on_a_tiny_plan():
    """``guatu serve`` calls it before the web workers start (the kernel then loads from
    numba's cache instead of compiling for the first reader)."""
    from guatu.core.risk import warm_up

    assert 5.0 < warm_up() < 20.0  # a triangular 1–5 then a lognormal around 4
