"""Time guatu's CPM engine on one network, in its own process (for peak memory).

    python bench/engine_run.py NETWORK.npz [--repeat 5] [--out RESULT.csv] [--progress]

With ``--progress`` the network is also scheduled from a data date (the median early
start of its plan): items the plan finishes by then are finished on their planned
dates, items it has under way are half done, the rest not started; timed the same
way (``progress_s``), the result not written.

Timed: building the index network from the parsed arrays, both passes, and
converting ES/EF/LS/LF to dates on China's official working calendar. Not
timed: loading the file, the one-off JIT compilation (reported apart as
``compile_s``), writing the result.
"""

import argparse
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from guatu.core.calendar import CalendarAxis, WorkCalendar
from guatu.core.schedule import NO_DAY, Network, Progress, schedule


def run_once(arrays, axis, progress_of=None):
    ids, duration, pred, succ, kind, lag = arrays
    network, ids = Network.from_ids(ids, duration, pred, succ, kind, lag)
    result = schedule(network, progress=progress_of(network) if progress_of else None)
    dates = (
        axis.start_dates(result.es),
        axis.finish_dates(result.ef),
        axis.start_dates(result.ls),
        axis.finish_dates(result.lf),
    )
    return ids, result, dates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("network")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--shared", default=str(Path(__file__).parents[1].parent / "shared"))
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.shared) / "bench"))
    from netio import load_network, save_result

    arrays = load_network(args.network)
    started = time.perf_counter()
    tiny = tuple(np.asarray(a[:0]) for a in arrays)
    schedule(Network.from_ids(*tiny)[0])  # triggers (or loads) the compiled kernels
    compile_s = time.perf_counter() - started
    axis = CalendarAxis(WorkCalendar.official(), date(2019, 1, 2))
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        ids, result, _dates = run_once(arrays, axis)
        times.append(time.perf_counter() - started)
    if args.progress:
        network = Network.from_ids(*arrays)[0]
        plan = schedule(network)
        today = int(np.median(plan.es))
        done = plan.ef <= today
        started = (plan.es < today) & ~done
        progress = Progress.from_percent(
            network=network,
            data_date=today,
            actual_start=np.where(done | started, plan.es, NO_DAY),
            actual_finish=np.where(done, plan.ef, NO_DAY),
            percent=np.where(done, 100.0, np.where(started, 50.0, 0.0)),
        )
        spans = []
        for _ in range(args.repeat):
            started_at = time.perf_counter()
            run_once(arrays, axis, lambda _network: progress)
            spans.append(time.perf_counter() - started_at)
        print(f"progress_s={statistics.median(spans):.4f}")
    if args.out:
        save_result(args.out, ids, result.es, result.ef, result.ls, result.lf, result.tf)
    print(f"compile_s={compile_s:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"min_s={min(times):.4f}")
    print(f"max_s={max(times):.4f}")
    print(f"engine_s={statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
