"""Time guatu's CPM engine on one network, in its own process (for peak memory).

    python bench/engine_run.py NETWORK.npz [--repeat 5] [--out RESULT.csv]

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
from guatu.core.schedule import Network, schedule


def run_once(arrays, axis):
    ids, duration, pred, succ, kind, lag = arrays
    network, ids = Network.from_ids(ids, duration, pred, succ, kind, lag)
    result = schedule(network)
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
    if args.out:
        save_result(args.out, ids, result.es, result.ef, result.ls, result.lf, result.tf)
    print(f"compile_s={compile_s:.3f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"min_s={min(times):.4f}")
    print(f"max_s={max(times):.4f}")
    print(f"engine_s={statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
