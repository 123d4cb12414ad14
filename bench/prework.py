"""前期 benchmark: laying the 前期 template out backwards for N projects, ours against the
reference networkx CPM on the same network.

    .venv/bin/python bench/prework.py [--projects 300] [--repeat 5] [--shared ../shared]
                                      [--django]

Each project has its own 计划开工 (spread over 2019–2021) on China's official calendar:

- ours: ``guatu.core.prework.schedule_backward`` — the template as the engine's network,
  the CPM's two passes and its late dates turned into working-day dates — per project;
  also the CPM alone (``core.schedule.schedule`` on the same network), the fair match
  for the reference, which has no calendar;
- the reference: ``shared/bench/cpm_networkx.py``'s ``build_graph`` + ``cpm`` on the same
  network (build + compute, as ``bench/cpm.py`` counts it).

Every project's late starts and finishes are compared with the reference's (offsets).
Prints the medians per project and the ratio reference / ours.

``--django`` also applies the template to N projects in a throw-away SQLite database
(``bench/django_env.py``) through ``projects.prework.prework_apply``, as the button does,
and times the scheduling part of each apply where the apply makes it (the backward
layout, and the project's reschedule ``schedule_recalculate`` with its queries and the
rows it writes) against the issue's 50 ms, and the whole apply (items, links, audit)
beside it.
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from guatu.core.calendar import WorkCalendar  # noqa: E402
from guatu.core.prework import DEFAULT, network_of, schedule_backward  # noqa: E402
from guatu.core.schedule import LINK_TYPES, schedule  # noqa: E402

TARGET_MS = 50.0


def groundbreakings(count: int) -> list[date]:
    first = date(2019, 3, 1)
    return [first + timedelta(days=(n * 7) % 1000) for n in range(count)]


def reference_of(shared: Path):
    sys.path.insert(0, str(shared / "bench"))
    from cpm_networkx import build_graph, cpm  # the reference, as shared/bench has it

    return build_graph, cpm


def median_ms(runs: list[float], count: int) -> float:
    return statistics.median(runs) * 1000 / count


def core_side(args) -> None:
    build_graph, cpm = reference_of(Path(args.shared))
    network = network_of(DEFAULT)
    ids = np.arange(network.size)
    kinds = network.kind.astype(np.int64)
    days = groundbreakings(args.projects)
    calendar = WorkCalendar.official({date(2019, 9, 30): False})  # a city's own day off
    # Warm up (numba's cache, the holiday data) before timing.
    schedule_backward(DEFAULT, finish_by=days[0], calendar=calendar)
    ours, ours_cpm, reference = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for day in days:
            schedule_backward(DEFAULT, finish_by=day - timedelta(days=1), calendar=calendar)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _day in days:
            result = schedule(network_of(DEFAULT))
        ours_cpm.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _day in days:
            graph = build_graph(
                ids, network.duration, network.pred, network.succ, kinds, network.lag
            )
            _es, _ef, ls, lf, _tf = cpm(graph)
        reference.append(time.perf_counter() - started)
    mismatches = sum(
        int(ls[i] != result.ls[i]) + int(lf[i] != result.lf[i]) for i in range(network.size)
    )
    per = args.projects
    print(
        f"- template: {network.size} nodes, {len(network.pred)} links "
        f"({', '.join(f'{LINK_TYPES[k]} {int((kinds == k).sum())}' for k in range(3))}); "
        f"{per} projects, median of {args.repeat} runs"
    )
    print(
        "\n| side | ms per project | projects per s | ratio reference / this |\n"
        "|---|---:|---:|---:|"
    )
    ref_ms = median_ms(reference, per)
    for name, runs in (
        ("guatu backward layout with dates (`schedule_backward`)", ours),
        ("guatu CPM alone (`schedule`)", ours_cpm),
        ("reference networkx build + compute", reference),
    ):
        ms = median_ms(runs, per)
        print(f"| {name} | {ms:.3f} | {1000 / ms:,.0f} | {ref_ms / ms:.1f}× |")
    print(f"\nlate dates compared with the reference: mismatches={mismatches}")


def django_side(args) -> None:
    from django_env import django_environment

    django_environment("guatu-bench-prework-")

    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create
    from guatu.org.models import City, Department
    from guatu.projects import prework as prework_module
    from guatu.projects.models import Project
    from guatu.projects.prework import prework_apply, template_rows
    from guatu.projects.scheduling import schedule_recalculate

    city = City.objects.create(name="基准市", code="330999", status_date=date(2019, 1, 2))
    for name in ("市发展和改革局", "市自然资源和规划局", "市住房和城乡建设局", "市财政局"):
        Department.objects.create(city=city, name=name)
    owner = Department.objects.create(city=city, name="市经济和信息化局")
    office = user_create(username="office", password="pw-office-1", role=Role.SUPERVISOR)
    projects = []
    for n, day in enumerate(groundbreakings(args.projects)):
        projects.append(
            Project.objects.create(
                city=city,
                code=f"p{n}",
                name=f"项目{n}",
                start_date=date(2018, 1, 2),
                calendar=Project.Calendar.WORKING_DAY,
                planned_groundbreaking=day,
                owner_department=owner,
            )
        )
    # The scheduling part as the apply runs it (the reschedule writes the 35 new rows):
    # the module's two calls timed where they are made.
    calendars: list[float] = []
    layouts: list[float] = []
    recalcs: list[float] = []

    def timed(function, into):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                into.append(time.perf_counter() - started)

        return call

    prework_module._official_calendar = timed(prework_module._official_calendar, calendars)
    prework_module.schedule_backward = timed(schedule_backward, layouts)
    prework_module.schedule_recalculate = timed(schedule_recalculate, recalcs)
    started = time.perf_counter()
    for project in projects:
        prework_apply(actor=office, project=project)
    whole = (time.perf_counter() - started) * 1000 / len(projects)
    template = template_rows(city).template()
    layouts = [a + b for a, b in zip(calendars, layouts, strict=True)]
    layout_ms = statistics.median(layouts) * 1000
    recalc_ms = statistics.median(recalcs) * 1000
    worst = max(a + b for a, b in zip(layouts, recalcs, strict=True)) * 1000
    print(f"\nDjango, SQLite, {len(projects)} projects of {len(template.nodes)} 前期 items each:\n")
    print("| part | ms per project (median) |\n|---|---:|")
    print(f"| the calendar read and the backward layout | {layout_ms:.1f} |")
    print(f"| the project's reschedule, writing its items | {recalc_ms:.1f} |")
    scheduling = layout_ms + recalc_ms
    verdict = "meets" if scheduling <= TARGET_MS else "misses"
    print(
        f"| **scheduling part** (worst {worst:.1f}) | **{scheduling:.1f}** "
        f"({verdict} {TARGET_MS:.0f} ms) |"
    )
    print(f"| the whole apply (items, links, audit, reschedule) | {whole:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--django", action="store_true")
    args = parser.parse_args()
    core_side(args)
    if args.django:
        sys.path.insert(0, str(ROOT / "bench"))
        django_side(args)


if __name__ == "__main__":
    main()
