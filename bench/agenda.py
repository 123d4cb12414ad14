"""会办 agenda benchmark: every city leader's monthly agenda, Word and PDF, for a 300-project city.

    .venv/bin/python bench/agenda.py [--projects 300] [--items 20000] [--leaders 12] [--repeat 3]

Builds the city of bench/pages.py (300 projects, 20,000 work items, three weeks of
reports, every project scheduled) in a throw-away SQLite database, then gives it what an
agenda reads: ``--leaders`` city leaders owning the projects in turn (25 each by
default, as 徐州 gives its 50 projects to its 市领导), an annual investment plan and ten
months of 月报 for every project, two problems at level 3 or 4 on each leader's projects
and one 节点调整 reviewed by the office waiting for each leader.

Times what the office's page and a leader's download call, for every leader: the
content (``supervision.agenda.agendas``: the city's status and investment standing read
once) and each agenda in Word (python-docx) and PDF (WeasyPrint). No external reference
exists for this document: the figure is printed against the issue's targets — all
agendas of a 300-project city in at most 60 s (and of the demo in at most 10 s: add
``--demo``) — as the ratio target / measured (above 1: within).
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from django_env import django_environment  # noqa: E402

TARGET_S = 60.0
DEMO_TARGET_S = 10.0
YEAR, MONTH = 2019, 11


def give_leaders(leaders: int) -> None:
    """Leaders, plans, 月报, problems and adjustments over the city bench/pages.py built."""
    from django.contrib.auth.hashers import make_password

    from guatu.accounts.models import Role, User
    from guatu.baselines.models import Adjustment
    from guatu.investment.models import AnnualPlan, MonthlyReport
    from guatu.org.models import City, Department
    from guatu.progress.models import Blocker
    from guatu.projects.models import Project, WorkItem

    city = City.objects.get()
    password = make_password("x")
    office = User.objects.create(
        username="office", role=Role.SUPERVISOR, city=city, password=password
    )
    people = User.objects.bulk_create(
        User(
            username=f"leader{n:02d}",
            full_name=f"市领导{n:02d}",
            role=Role.LEADER,
            city=city,
            password=password,
        )
        for n in range(leaders)
    )
    projects = list(Project.objects.order_by("code"))
    for n, project in enumerate(projects):
        project.leader = people[n % leaders]
    Project.objects.bulk_update(projects, ["leader"])
    AnnualPlan.objects.bulk_create(
        AnnualPlan(project=project, year=YEAR, amount=Decimal(1000 + 37 * n))
        for n, project in enumerate(projects)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=project,
            year=YEAR,
            month=month,
            amount=Decimal(60 + (n * 7 + month * 3) % 90),
            reported_by=office,
        )
        for n, project in enumerate(projects)
        for month in range(1, 11)
    )
    department = Department.objects.get(city=city)
    first_items = {
        project_id: pk
        for pk, project_id in WorkItem.objects.order_by("-pk").values_list("pk", "project_id")
    }
    today = date(YEAR, MONTH, 15)
    blockers, adjustments = [], []
    for n in range(len(people)):
        owned = projects[n::leaders]
        for k, project in enumerate(owned[:2]):
            blockers.append(
                Blocker(
                    work_item_id=first_items[project.pk],
                    owner_department=department,
                    responsible_person="分管副局长",
                    description=f"{project.name}用地指标不足，需市领导专题协调",
                    opened_on=today - timedelta(days=30),
                    due_on=today - timedelta(days=k),
                    level=3 + k,
                    year=YEAR,
                    number=2 * n + k + 1,
                    assigned_on=today - timedelta(days=29),
                )
            )
        adjustments.append(
            Adjustment(
                project=owned[0],
                work_item_id=first_items[owned[0].pk],
                new_duration_days=30,
                old_duration_days=20,
                reason="设计变更，申请延长工期",
                review_note="经核实，建议同意。",
                status=Adjustment.Status.REVIEWED,
                proposed_by=office,
                reviewed_by=office,
            )
        )
    Blocker.objects.bulk_create(blockers)
    Adjustment.objects.bulk_create(adjustments)


def time_agendas(repeat: int) -> tuple[float, dict, list]:
    """Median seconds of every leader's agenda in Word and PDF, and its parts' last run."""
    from django.utils import translation

    from guatu.org.models import City
    from guatu.supervision.agenda import agendas
    from guatu.supervision.render_agenda import agenda_docx, agenda_pdf

    city = City.objects.get()
    runs, parts, found = [], {}, []
    with translation.override("zh-hans"):
        for _ in range(repeat):
            started = time.perf_counter()
            found = agendas(city, YEAR, MONTH)
            content = time.perf_counter() - started
            word = pdf = 0.0
            for one in found:
                t0 = time.perf_counter()
                assert agenda_docx(one)[:2] == b"PK"
                t1 = time.perf_counter()
                assert agenda_pdf(one)[:5] == b"%PDF-"
                word, pdf = word + t1 - t0, pdf + time.perf_counter() - t1
            runs.append(time.perf_counter() - started)
            parts = {"content": content, "Word": word, "PDF": pdf}
    return statistics.median(runs), parts, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--leaders", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="the demo's agendas instead")
    args = parser.parse_args()
    folder = django_environment(prefix="guatu-bench-agenda-")
    started = time.perf_counter()
    if args.demo:
        from guatu.demo.build import demo_build

        demo_build()
        target, what = DEMO_TARGET_S, "the demo (永康 2019)"
    else:
        from pages import build

        build(args.projects, args.items)
        give_leaders(args.leaders)
        target = TARGET_S
        what = f"{args.projects} projects / {args.items:,} items / {args.leaders} leaders"
    print(f"built {what} in {time.perf_counter() - started:.1f} s (SQLite, {folder})")
    seconds, parts, found = time_agendas(args.repeat)
    rows = sum(len(one.projects) for one in found)
    red = sum(len(one.red_items) for one in found)
    problems = sum(len(one.problems) for one in found)
    print(
        f"agendas={len(found)} projects listed={rows} red items={red} problems={problems} "
        f"adjustments={sum(len(one.adjustments) for one in found)}"
    )
    print("| city | agendas | content s | Word s | PDF s | all s (median) | target | ratio |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    print(
        f"| {what} | {len(found)} | {parts['content']:.2f} | {parts['Word']:.2f} | "
        f"{parts['PDF']:.2f} | {seconds:.2f} | ≤ {target:.0f} s "
        f"{'met' if seconds <= target else 'MISSED'} | {target / seconds:.1f}× |"
    )
    if seconds > target:
        raise SystemExit(f"all agendas took {seconds:.1f} s, above {target:.0f} s")


if __name__ == "__main__":
    main()
