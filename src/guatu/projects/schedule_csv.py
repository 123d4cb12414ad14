"""``guatu schedule`` on the bench CSV formats, as fast as its engine.

The command needs no database, so a well-formed run does not start Django at
all (its setup and system checks cost more than scheduling 300,000
activities): ``guatu.cli`` hands ``guatu schedule ACTIVITIES LINKS …`` here
first. Anything this path cannot finish — a malformed file, a cycle, a plan
file — goes on to the Django command, which says what is wrong in the
user's language. Both run the same ``schedule_csv``.
"""

import argparse
import time

from guatu.core.errors import CoreError
from guatu.core.schedule import Network, schedule
from guatu.core.schedule_io import read_activities, read_links, write_result

__all__ = ["add_csv_arguments", "fast_main", "schedule_csv"]


def add_csv_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("activities", nargs="?", help="activities.csv: id,duration")
    parser.add_argument("links", nargs="?", help="links.csv: pred,succ,type,lag")
    parser.add_argument("--deadline", type=int, help="target finish, days from the start")
    parser.add_argument("--out", help="result CSV: id,es,ef,ls,lf,tf")


def schedule_csv(activities: str, links: str, deadline: int | None, out: str | None) -> list[str]:
    """Schedule the network, write the result if asked; the summary lines (key=value)."""
    started = time.perf_counter()
    ids, durations = read_activities(activities)
    pred, succ, kind, lag = read_links(links)
    loaded = time.perf_counter()
    network, ids = Network.from_ids(ids, durations, pred, succ, kind, lag)
    result = schedule(network, deadline=deadline, names=lambda i: str(ids[i]))
    computed = time.perf_counter()
    if out:
        write_result(out, ids, result)
    written = time.perf_counter()
    # key=value, like the reference's output, for scripts: not translated.
    min_tf = int(result.tf.min()) if network.size else 0
    return [
        f"activities={network.size} links={len(network.pred)} "
        f"early_finish={result.early_finish} deadline={result.finish} "
        f"critical={int(result.critical.sum())} min_tf={min_tf} "
        f"late={int((result.days_late > 0).sum())}",
        f"load_s={loaded - started:.3f}",
        f"compute_s={computed - loaded:.3f}",
        f"write_s={written - computed:.3f}",
    ]


def fast_main(argv: list[str]) -> bool:
    """Run ``guatu schedule`` without Django if it can; True when done."""
    if any(arg.startswith(("--plan", "--mspdi", "-h", "--help", "--settings")) for arg in argv):
        return False
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    add_csv_arguments(parser)
    try:
        options, rest = parser.parse_known_args(argv)
    except (argparse.ArgumentError, SystemExit):
        return False
    if rest or not (options.activities and options.links):
        return False
    try:
        lines = schedule_csv(options.activities, options.links, options.deadline, options.out)
    except CoreError:
        return False  # the Django command explains it, translated
    print("\n".join(lines))
    return True
