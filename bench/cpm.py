"""CPM benchmark: guatu's engine against the reference networkx CPM, side by side.

    .venv/bin/python bench/cpm.py [--sizes 10000,100000,1000000] [--repeat 5] [--seed 1]

For each size: generate the network with shared/bench/gen.py (mixed FS/SS/FF/SF
links, lags and leads), run the reference once and our engine ``--repeat`` times
(median) in separate processes, check our result against the reference
field by field and against the CPM equations (shared/bench/check.py), and
print a Markdown table with the ratio reference (build + compute) / ours.
"""

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[dict[str, float], str]:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(out.stdout + out.stderr)
    return {k: float(v) for k, v in re.findall(r"(\w+)=(-?[\d.]+)\b", out.stdout)}, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--data", default=str(ROOT / "bench" / "data"))
    args = parser.parse_args()
    bench = Path(args.shared) / "bench"
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)

    import networkx
    import numba
    import numpy

    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"- machine: nproc={len(os.sched_getaffinity(0))}, {platform.machine()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(
        f"- python {platform.python_version()}, numpy {numpy.__version__}, "
        f"numba {numba.__version__}, networkx {networkx.__version__}"
    )
    print(
        f"- networks: gen.py --seed {args.seed}; ours: median of {args.repeat} runs; "
        "reference: one run\n"
    )
    print(
        "| activities | links | reference build+compute s | guatu s | ratio | "
        "guatu from a data date s | guatu peak RSS MB | reference peak RSS MB | "
        "guatu JIT load s | check |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        network = data / f"n{size}_s{args.seed}.npz"
        if not network.exists():
            run(
                str(bench / "gen.py"),
                "--activities",
                str(size),
                "--seed",
                str(args.seed),
                "--out",
                str(network),
            )
        ref_out = data / f"n{size}_s{args.seed}.ref.csv"
        ours_out = data / f"n{size}_s{args.seed}.guatu.csv"
        ref, ref_text = run(str(bench / "cpm_networkx.py"), str(network), "--out", str(ref_out))
        links = int(re.search(r"links=(\d+)", ref_text).group(1))
        ours, _ = run(
            str(ROOT / "bench" / "engine_run.py"),
            str(network),
            "--repeat",
            str(args.repeat),
            "--out",
            str(ours_out),
            "--shared",
            args.shared,
            "--progress",
        )
        check, check_text = run(
            str(bench / "check.py"), str(ours_out), "--ref", str(ref_out), "--net", str(network)
        )
        reference_s = ref["build_s"] + ref["compute_s"]
        verdict = "pass" if check.get("mismatches", 1) == 0 else "FAIL"
        print(
            f"| {size:,} | {links:,} | {reference_s:.3f} | {ours['engine_s']:.4f} | "
            f"{reference_s / ours['engine_s']:.0f}× | {ours.get('progress_s', float('nan')):.4f} | "
            f"{ours['peak_rss_mb']:.0f} | "
            f"{ref['peak_rss_mb']:.0f} | {ours['compile_s']:.2f} | {verdict} |",
            flush=True,
        )
        if verdict != "pass":
            print(check_text)
    print(
        "\nguatu s = index network from parsed arrays + forward and backward pass + "
        "ES/EF/LS/LF to dates on the official working calendar; from a data date: the same "
        "with half the plan's items finished or under way (engine_run.py --progress)."
    )


if __name__ == "__main__":
    main()
