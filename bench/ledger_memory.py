"""Peak memory of a ledger import: guatu alone, a --rows-row work-item sheet (default 200,000).

    .venv/bin/python bench/ledger_memory.py [--rows 200000]

Writes the same sheet as bench/ledger.py, then measures the process's peak
resident memory (ru_maxrss) before and after ``ledger_import`` (a dry run
and a write). There is no reference to compare against here: the figure is
stated in docs/PERFORMANCE.md and bounds what the row limit allows.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from django_env import django_environment  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    folder = django_environment()
    from guatu.ledger.importing import ledger_import
    from ledger import setup_city, write_sheet

    city, actor = setup_city()
    path = Path(folder) / "items.xlsx"
    write_sheet(path, args.rows)
    before = peak_mb()
    for dry_run in (True, False):
        started = time.perf_counter()
        result = ledger_import(source=path, actor=actor, city=city, dry_run=dry_run)
        assert result.ok, result.problems[:3]
        print(
            f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB, "
            f"{'dry run' if dry_run else 'write'}: {time.perf_counter() - started:.1f} s, "
            f"peak RSS {peak_mb():.0f} MB (before the import: {before:.0f} MB)"
        )


if __name__ == "__main__":
    main()
