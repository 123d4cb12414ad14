"""The whole ``guatu schedule`` command against the whole reference script, side by side.

    .venv/bin/python bench/schedule_cli.py [--sizes 300000] [--repeat 5] [--seed 1]

For each size: generate the network as CSV (shared/bench/gen.py), then time, as
separate processes from start to exit, the reference ``cpm_networkx.py NET --out
ref.csv`` and ``guatu schedule activities.csv links.csv --out ours.csv``
(alternating, median of ``--repeat`` runs each), check our result against the
reference field by field and against the CPM equations (shared/bench/check.py),
and print a Markdown row with the ratio of the medians.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUATU = Path(sys.executable).parent / "guatu"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="300000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--data", default=str(ROOT / "bench" / "data"))
    args = parser.parse_args()
    bench = Path(args.shared) / "bench"
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"- machine: nproc={len(os.sched_getaffinity(0))}, {platform.machine()}, "
        f"python {platform.python_version()}; median of {args.repeat} alternating runs\n"
    )
    print("| activities | reference script s | `guatu schedule` s | ratio | check |")
    print("|---:|---:|---:|---:|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        network = data / f"csv{size}_s{args.seed}"
        if not (network / "links.csv").exists():
            subprocess.run(
                [sys.executable, str(bench / "gen.py"), "--activities", str(size),
                 "--seed", str(args.seed), "--out", str(network)],
                check=True, capture_output=True,
            )  # fmt: skip
        ref_out, ours_out = network / "ref.csv", network / "guatu.csv"
        reference = [sys.executable, str(bench / "cpm_networkx.py"), str(network)]
        reference += ["--out", str(ref_out)]
        ours = [str(GUATU), "schedule", str(network / "activities.csv")]
        ours += [str(network / "links.csv"), "--out", str(ours_out)]
        timed(ours)  # numba's on-disk cache, once
        ref_times, our_times = [], []
        for _ in range(args.repeat):
            ref_times.append(timed(reference))
            our_times.append(timed(ours))
        check = subprocess.run(
            [sys.executable, str(bench / "check.py"), str(ours_out), "--ref", str(ref_out),
             "--net", str(network)],
            capture_output=True, text=True,
        )  # fmt: skip
        ref_s, our_s = statistics.median(ref_times), statistics.median(our_times)
        print(
            f"| {size:,} | {ref_s:.2f} | {our_s:.2f} | {ref_s / our_s:.1f}× | "
            f"{'pass' if check.returncode == 0 else 'FAIL'} |"
        )


if __name__ == "__main__":
    main()
