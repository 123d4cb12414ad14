"""Bulletin benchmark: a city bulletin with 300 projects and 20,000 work items, every format.

    .venv/bin/python bench/bulletin.py [--projects 300] [--items 20000]

Builds the same city as bench/pages.py in a throw-away SQLite database, then
times one run of each step: the draft (ladder climbed over four periods, the
content with rankings and twelve-point curves), Word, PDF, Excel and HTML.
Target: all of it under 10 seconds on the project's 2-core machine.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from django_env import django_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--items", type=int, default=20000)
    args = parser.parse_args()
    django_environment(prefix="guatu-bench-bulletin-")
    from django.utils import translation
    from pages import build

    build(args.projects, args.items)
    from guatu.accounts.models import Role, User
    from guatu.org.models import City
    from guatu.supervision import render
    from guatu.supervision.services import bulletin_draft

    actor = User.objects.create(username="supervisor", role=Role.SUPERVISOR)
    city = City.objects.get()
    timings = {}
    with translation.override("zh-hans"):
        started = time.perf_counter()
        bulletin = bulletin_draft(actor=actor, city=city, period_text="2019-W46")
        timings["draft (ladder + content)"] = time.perf_counter() - started
        for name, make in (
            ("Word", render.to_docx),
            ("PDF", render.to_pdf),
            ("Excel", render.to_xlsx),
            ("HTML", lambda c: render.to_html(c, standalone=True)),
        ):
            started = time.perf_counter()
            data = make(bulletin.content)
            timings[name] = time.perf_counter() - started
            timings[f"{name} size"] = len(data)
    content = bulletin.content
    print(
        f"items={sum(content['counts'].values())} red={len(content['red_items'])} "
        f"warnings={len(content['warned_items'])} "
        f"escalations={len(content['escalations'])}"
    )
    print("| step | seconds |")
    print("|---|---:|")
    total = 0.0
    for name, value in timings.items():
        if name.endswith("size"):
            continue
        total += value
        print(f"| {name} | {value:.2f} |")
    print(f"| **all formats** | **{total:.2f}** |")


if __name__ == "__main__":
    main()
