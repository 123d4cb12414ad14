"""Page benchmark: the dashboard and a 2,000-item wall chart, on screen and printed.

    .venv/bin/python bench/pages.py [--projects 300] [--items 20000] [--repeat 5]

Builds a city of --projects projects and --items work items (one project of
2,000 items, the rest spread evenly), a few weeks of reports each, in a
throw-away SQLite database, schedules every project, then renders the pages
through Django's full request stack (middleware, auth, templates) with the
test client and prints the median time of each. No reference: the target is
"well under half a second". The rows marked "first view" empty the cache
before every request: what the first reader pays after a report changed a
figure (the schedule risk of the project, or of the city, is computed then).
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(projects: int, items: int) -> None:
    from django.contrib.auth.hashers import make_password

    from guatu.accounts.models import Role, User
    from guatu.org.models import City, Department, Town
    from guatu.progress.models import ProgressReport
    from guatu.projects.models import Dependency, Project, WorkItem
    from guatu.projects.scheduling import schedule_recalculate

    start = date(2019, 1, 2)
    today = date(2019, 11, 15)
    city = City.objects.create(name="基准市", code="999999", status_date=today)
    towns = [Town.objects.create(city=city, name=f"镇{n:02d}", order=n) for n in range(20)]
    department = Department.objects.create(city=city, name="交通局")
    User.objects.create(username="leader", role=Role.LEADER, password=make_password("x"))
    reporter = User.objects.create(
        username="town", role=Role.TOWN, town=towns[0], password=make_password("x")
    )
    sizes = [2000] + [(items - 2000) // (projects - 1)] * (projects - 1)
    for p, size in enumerate(sizes):
        project = Project.objects.create(
            city=city,
            code=f"p{p:03d}",
            name=f"重点项目{p:03d}",
            start_date=start,
            deadline=date(2020, 12, 31),
            owner_department=department,
        )
        rows = WorkItem.objects.bulk_create(
            WorkItem(
                project=project,
                code=f"i{k}",
                name=f"工作事项{p:03d}-{k}",
                town=towns[(p + k) % len(towns)],
                duration_days=20 + (k * 37) % 200,
                planned_start=start + timedelta(days=(k * 13) % 400),
                deadline=start + timedelta(days=300 + (k * 17) % 400) if k % 5 == 0 else None,
                order=k,
            )
            for k in range(size)
        )
        Dependency.objects.bulk_create(
            Dependency(predecessor=rows[k - 1], successor=rows[k], type="FS", lag_days=0)
            for k in range(1, size)
            if k % 4
        )
        schedule_recalculate(project=project)
        reports = []
        for k, item in enumerate(rows):
            for week in range(3):
                day = today - timedelta(days=7 * week)
                if day > item.planned_start:
                    reports.append(
                        ProgressReport(
                            work_item=item,
                            reported_on=day,
                            reported_by=reporter,
                            percent_complete=Decimal(max(0, 60 - 7 * week - (k % 50))),
                        )
                    )
        ProgressReport.objects.bulk_create(reports, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from django_env import django_environment

    folder = django_environment()
    from django.core.cache import cache
    from django.test import Client

    started = time.perf_counter()
    build(args.projects, args.items)
    print(
        f"built {args.projects} projects / {args.items} items in "
        f"{time.perf_counter() - started:.1f} s (SQLite, {folder})"
    )
    from guatu.accounts.models import User
    from guatu.projects.models import WorkItem

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    pages = {
        "dashboard /": "/",
        "wall chart, 2,000 items": "/projects/p000/",
        "wall chart fragment (htmx)": "/projects/p000/wallchart/?zoom=quarter",
        "wall chart print, 2,000 items, A1 PDF": "/projects/p000/wallchart.pdf?paper=A1",
        "wall chart print, 2,000 items, A3 PDF": "/projects/p000/wallchart.pdf?paper=A3",
        "project list": "/projects/",
        "first view: wall chart, 2,000 items (its risk computed)": "/projects/p000/",
        "first view: risk page, 2,000 items": "/projects/p000/risk/",
        "first view: dashboard's nodes at risk (the city's risk)": "/risk/nodes/?fragment=1",
    }
    print(f"work items in the database: {WorkItem.objects.count():,}")
    print("| page | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    for label, url in pages.items():
        times = []
        for _ in range(args.repeat + 1):
            if label.startswith("first view"):
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        times = times[1:]  # the first request warms caches and the JIT
        print(
            f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
