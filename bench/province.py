"""Province benchmark: the level above reading its cities, from the read model and without it.

    .venv/bin/python bench/province.py [--prefectures 9] [--cities 10] [--projects 10]
        [--items 100] [--officials 1] [--repeat 5] [--database-url postgres://… [--reuse]]

Builds a province of --prefectures prefectures of --cities county-level cities
each, every city --projects projects of --items work items (scheduled, one
report an item), in a throw-away SQLite database (or the PostgreSQL database
given), then times through Django's full request stack, as the province's
office and as a city's leader:

- the reference: every city's standing computed for the request (what the
  page did before the read model: every light of the province);
- the province's /region/ page from the snapshots (every city's data stamp
  checked, nothing recomputed), and after one report in one city (its row
  shown as kept and marked, a refresh queued: a page never recomputes);
- the worker's refresh after one report (that city recomputed);
- one city's dashboard;
- the province's own bulletin of its cities (draft, then publish in every format).

Prints the medians and the ratio reference / read model.
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(prefectures: int, cities: int, projects: int, items: int, officials: int = 1) -> dict:
    from django.contrib.auth.hashers import make_password

    from guatu.accounts.models import Role, User
    from guatu.org.models import City, Department, Town
    from guatu.progress.models import ProgressReport
    from guatu.projects.models import Dependency, Project, WorkItem
    from guatu.projects.scheduling import schedule_recalculate

    start, today = date(2019, 1, 2), date(2019, 11, 15)
    password = make_password("x")
    province = City.objects.create(name="基准省", code="990000", level=City.Level.PROVINCE)
    User.objects.create(username="province", role=Role.SUPERVISOR, city=province, password=password)
    first_city = None
    for p in range(prefectures):
        prefecture = City.objects.create(
            name=f"地级市{p:02d}",
            code=f"99{p + 1:02d}00",
            level=City.Level.PREFECTURE,
            parent=province,
        )
        for c in range(cities):
            city = City.objects.create(
                name=f"县市{p:02d}{c:02d}",
                code=f"99{p + 1:02d}{c + 1:02d}",
                parent=prefecture,
                status_date=today,
            )
            first_city = first_city or city
            towns = [Town.objects.create(city=city, name=f"镇{n}", order=n) for n in range(5)]
            department = Department.objects.create(city=city, name="交通局")
            reporter = User.objects.create(
                username=f"town{p}_{c}", role=Role.TOWN, town=towns[0], password=password
            )
            # More of the city's officials (the 20,000 users: --officials 222).
            User.objects.bulk_create(
                User(
                    username=f"town{p}_{c}_{k}",
                    role=Role.TOWN,
                    town=towns[k % len(towns)],
                    city=city,
                    password=password,
                )
                for k in range(1, officials)
            )
            if city == first_city:
                User.objects.create(
                    username="leader", role=Role.LEADER, city=city, password=password
                )
            for j in range(projects):
                project = Project.objects.create(
                    city=city,
                    code=f"p{j:03d}",
                    name=f"重点项目{p}-{c}-{j}",
                    start_date=start,
                    deadline=date(2020, 12, 31),
                    owner_department=department,
                )
                rows = WorkItem.objects.bulk_create(
                    WorkItem(
                        project=project,
                        code=f"i{k}",
                        name=f"工作事项{k}",
                        town=towns[(j + k) % len(towns)],
                        owner_department=department,
                        duration_days=20 + (k * 37) % 200,
                        planned_start=start + timedelta(days=(k * 13) % 300),
                        order=k,
                    )
                    for k in range(items)
                )
                Dependency.objects.bulk_create(
                    Dependency(predecessor=rows[k - 1], successor=rows[k], type="FS", lag_days=0)
                    for k in range(1, items)
                    if k % 4 == 0
                )
                schedule_recalculate(project=project)
                ProgressReport.objects.bulk_create(
                    (
                        ProgressReport(
                            work_item=item,
                            reported_on=today - timedelta(days=k % 14),
                            reported_by=reporter,
                            percent_complete=Decimal(max(0, 70 - (k * 7) % 90)),
                        )
                        for k, item in enumerate(rows)
                        if item.planned_start < today
                    ),
                    batch_size=5000,
                )
    return {"province": province, "first_city": first_city}


def timed(call, repeat: int, before=None) -> list[float]:
    times = []
    for _ in range(repeat + 1):
        if before:
            before()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times[1:]  # the first warms caches and the JIT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefectures", type=int, default=9)
    parser.add_argument("--cities", type=int, default=10)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--officials", type=int, default=1, help="town users a city")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--reuse", action="store_true", help="time the province an earlier run left in the database"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from django_env import django_environment

    folder = django_environment(database_url=args.database_url)
    from django.test import Client

    started = time.perf_counter()
    from django.db import connection

    from guatu.org.models import City as Division

    kept = Division.objects.filter(name="基准省").first() if args.reuse else None
    if kept is not None:  # the province of an earlier run (--database-url, --reuse)
        first = Division.objects.filter(level=Division.Level.COUNTY).order_by("pk").first()
        built = {"province": kept, "first_city": first}
    else:
        built = build(args.prefectures, args.cities, args.projects, args.items, args.officials)
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum would have them soon after a bulk load:
        # timed right after a million inserts, PostgreSQL scans every report for a city.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from guatu.accounts.models import User
    from guatu.org.models import City
    from guatu.progress.models import ProgressReport, StandingSnapshot
    from guatu.projects.models import WorkItem
    from guatu.supervision.region import _computed, refresh_standings

    counties = City.objects.filter(level=City.Level.COUNTY).count()
    print(
        f"built {counties} cities, {counties * args.projects:,} projects, "
        f"{WorkItem.objects.count():,} work items, {User.objects.count():,} users "
        f"in {time.perf_counter() - started:.0f} s "
        f"({'PostgreSQL' if args.database_url else f'SQLite, {folder}'})"
    )
    office = Client()
    office.force_login(User.objects.get(username="province"))
    leader = Client()
    leader.force_login(User.objects.get(username="leader"))

    def region_page():
        assert office.get("/region/").status_code == 200

    def reference():
        # Every city's standing computed for the request, as before the read model.
        for city in City.objects.filter(level=City.Level.COUNTY):
            _computed(city)

    item = WorkItem.objects.filter(project__city=built["first_city"]).order_by("pk").first()
    reporter = User.objects.filter(town__city=built["first_city"]).first()
    day = [date(2019, 11, 15)]

    def one_report():
        # A report in the first city moves its stamp (written straight, as the ledger would).
        day[0] -= timedelta(days=1)
        ProgressReport.objects.create(
            work_item=item, reported_on=day[0], reported_by=reporter, percent_complete=1
        )

    rows = {
        "reference: every city's standing computed": timed(reference, args.repeat),
        "/region/ from the snapshots (first view builds them)": timed(region_page, args.repeat),
        "/region/ after one report in one city (its row marked, a refresh queued)": timed(
            region_page, args.repeat, one_report
        ),
        "the worker's refresh after one report (that city recomputed)": timed(
            refresh_standings, args.repeat, one_report
        ),
        "a city's dashboard (its leader)": timed(
            lambda: leader.get("/").status_code == 200, args.repeat
        ),
    }
    assert StandingSnapshot.objects.count() == counties
    print("| request | median s | min s | max s |")
    print("|---|---:|---:|---:|")
    for label, times in rows.items():
        print(f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} |")
    # The province's own bulletin of its cities, drafted and published in every format.
    from guatu.supervision.services import bulletin_draft, bulletin_publish

    t0 = time.perf_counter()
    draft = bulletin_draft(
        actor=User.objects.get(username="province"), city=built["province"], period_text="2019-W46"
    )
    drafted = time.perf_counter() - t0
    bulletin_publish(actor=User.objects.get(username="province"), bulletin=draft)
    print(
        f"the province's bulletin of its {len(draft.content['cities'])} cities: draft "
        f"{drafted:.2f} s, draft + publish (Word, PDF, Excel) {time.perf_counter() - t0:.2f} s"
    )
    ratio = statistics.median(rows["reference: every city's standing computed"]) / (
        statistics.median(rows["/region/ from the snapshots (first view builds them)"])
    )
    print(f"reference / read model: {ratio:.1f}×")


if __name__ == "__main__":
    main()
