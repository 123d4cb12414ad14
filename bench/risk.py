"""Schedule risk: 10,000 Monte Carlo runs of a 10,000-activity network.

    .venv/bin/python bench/risk.py [--activities 10000] [--runs 10000] [--repeat 3]

The network comes from shared/bench/gen.py (construction-like, mixed
FS/SS/FF/SF with lags and leads, ~2 links per activity). Durations: half
triangular (0.8d, d, 1.6d), a quarter PERT (0.9d, d, 2d), a quarter lognormal
(d·exp(0.1 + 0.3z)); milestones fixed; items correlated by their phase-sized
block (ρ = 0.3). Both sides run the same Latin-hypercube runs from the same
seed and compute criticality, sensitivity, merge bias and the finish of every
milestone: guatu's compiled kernel (``core.risk.run_risk``, all cores) and a
plain numpy implementation (``core.risk.runs_numpy``: items in topological
order, each a vector operation over all runs). The results are compared
(equal to 1e-9) and the ratio printed.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numba  # noqa: E402
import numpy as np  # noqa: E402

from guatu.core.risk import Dist, RiskInput, run_risk, runs_numpy  # noqa: E402
from guatu.core.schedule import Network  # noqa: E402


def network(n: int, seed: int, shared: Path) -> tuple[Network, np.ndarray]:
    sys.path.insert(0, str(shared / "bench"))
    from gen import generate

    ids, duration, pred, succ, kind, lag = generate(n, seed)
    net, _ids = Network.from_ids(ids, duration, pred, succ, kind, lag)
    return net, duration


def inputs(net: Network, seed: int, rho: float = 0.3) -> RiskInput:
    n = net.size
    rng = np.random.default_rng(seed)
    d = net.duration.astype(np.float64)
    pick = rng.random(n)
    dist = np.where(pick < 0.5, Dist.TRIANGULAR, np.where(pick < 0.75, Dist.PERT, Dist.LOGNORMAL))
    dist = np.where(d == 0, Dist.FIXED, dist)
    p1 = np.where(dist == Dist.TRIANGULAR, 0.8 * d, np.where(dist == Dist.PERT, 0.9 * d, d))
    p2 = np.where(dist == Dist.LOGNORMAL, 0.1, d)
    p3 = np.where(dist == Dist.TRIANGULAR, 1.6 * d, np.where(dist == Dist.PERT, 2 * d, 0.3))
    p1 = np.where(dist == Dist.FIXED, d, p1)
    return RiskInput(
        net,
        dist=dist.astype(np.int64),
        p1=p1,
        p2=p2,
        p3=p3,
        group_a=np.arange(n) * 40 // n,  # 40 blocks of neighbouring ids ("towns")
        rho_a=rho,
        track=np.flatnonzero(d == 0),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rho", type=float, default=0.3, help="correlation within a block")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = parser.parse_args()
    net, _duration = network(args.activities, args.seed, Path(args.shared))
    data = inputs(net, args.seed, args.rho)
    run_risk(data, runs=200, batch=200, seed=args.seed)  # compile (cached after the first time)
    ours = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = run_risk(data, runs=args.runs, batch=args.runs, seed=args.seed)
        ours.append(time.perf_counter() - start)
    start = time.perf_counter()
    reference = runs_numpy(data, runs=args.runs, batch=args.runs, seed=args.seed)
    numpy_s = time.perf_counter() - start
    same = (
        np.allclose(result.project_finish, reference.project_finish, rtol=0, atol=1e-9)
        and np.allclose(result.finish, reference.finish, rtol=0, atol=1e-3)  # float32
        and np.array_equal(result.criticality, reference.criticality)
        and np.allclose(result.sensitivity, reference.sensitivity, atol=1e-9)
        and np.allclose(result.merge_bias, reference.merge_bias, atol=1e-6, equal_nan=True)
    )
    median = statistics.median(ours)
    rate = args.activities * args.runs / median
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"numba threads {numba.get_num_threads()}, numpy {np.__version__}"
    )
    print(
        f"{args.activities} activities, {len(net.pred)} links, {args.runs} runs "
        f"(criticality, sensitivity, merge bias, {len(data.track)} milestones tracked, "
        f"correlation ρ = {args.rho})"
    )
    times = ", ".join(f"{t:.2f}" for t in ours)
    print(f"guatu   {median:7.2f} s (median of {args.repeat}: {times})")
    print(f"        {rate / 1e6:.1f}M activity-runs/s")
    print(f"numpy   {numpy_s:7.2f} s")
    print(f"ratio   {numpy_s / median:7.1f}x   same results: {same}")
    p = np.quantile(result.project_finish, [0.1, 0.5, 0.8, 0.9])
    print("project finish P10/P50/P80/P90 (working days):", " / ".join(f"{v:.1f}" for v in p))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
