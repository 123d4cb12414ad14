"""待办 benchmark: what the office's menu count costs on every page of a large city.

    .venv/bin/python bench/todo.py [--projects 300] [--items 20000] [--repeat 5]

Builds the city of ``bench/pages.py`` (300 projects, 20,000 items, three weeks
of reports), then, side by side on the same database:

- the reference: the one rule of "still to report this week" applied to every
  task of the city (``due_items`` over ``items_status`` of all of them — what the
  office's count cost before the database's cut);
- ours: ``progress.my_work.unreported_query`` counted by the database (what the
  menu's count on every page reads), and ``unreported_items`` (the query, then the
  rule again, for the lists that show the rows); both must give the same items;
- the office's whole 待办 (``notify.todo.todo``) and a page (``/towns/``) as the
  office and as a leader, through Django's full request stack.

Prints medians and the ratio reference / ours.
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:]), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from django_env import django_environment

    folder = django_environment()
    from pages import build

    started = time.perf_counter()
    build(args.projects, args.items)
    print(f"built {args.projects} projects / {args.items} items in "
          f"{time.perf_counter() - started:.1f} s (SQLite, {folder})")  # fmt: skip
    from django.contrib.auth.hashers import make_password
    from django.db.models import Q
    from django.test import Client

    from guatu.accounts.models import Role, User
    from guatu.notify.todo import todo
    from guatu.org.models import City
    from guatu.progress.my_work import (
        due_items,
        units_not_reported_count,
        unreported_items,
        unreported_query,
    )
    from guatu.progress.status import items_status
    from guatu.projects.models import WorkItem

    city = City.objects.get()
    today = date(2019, 11, 20)  # the Wednesday after the last reports: much to report
    City.objects.filter(pk=city.pk).update(status_date=today)  # the pages judge that day
    city.refresh_from_db()
    office = User.objects.create(
        username="office", role=Role.SUPERVISOR, city=city, password=make_password("x")
    )

    def reference():
        every = list(
            WorkItem.objects.filter(project__city=city, kind=WorkItem.Kind.TASK).select_related(
                "project", "town", "owner_department"
            )
        )
        statuses = items_status(items=every, as_of=today)
        rows = due_items(every, statuses, today)
        return sorted(row.item.pk for row in rows if not row.reported_this_week)

    def ours():
        return sorted(row.item.pk for row in unreported_items(Q(project__city=city), today))

    slow, expected = timed(reference, args.repeat)
    listed, found = timed(ours, args.repeat)
    assert found == expected, "the cut and the rule disagree"
    every = Q(project__city=city)
    counted = sorted(unreported_query(every, today).values_list("pk", flat=True))
    assert counted == expected, "the query alone and the rule disagree"
    fast, _ = timed(lambda: units_not_reported_count(city, today), args.repeat)
    print(f"items still to report on {today}: {len(found):,}")
    print("| measure | median s |")
    print("|---|---:|")
    print(f"| reference: the rule over every task | {slow:.3f} |")
    print(f"| ours, listed: unreported_items (the query, then the rule) | {listed:.3f} |")
    print(f"| ours, counted: units_not_reported_count (the menu's) | {fast:.3f} |")
    whole, _ = timed(lambda: todo(office, city, today), args.repeat)
    print(f"| the office's whole 待办 with rows (/todo/, the API) | {whole:.3f} |")
    count, _ = timed(lambda: todo(office, city, today, rows=False), args.repeat)
    print(f"| the office's 待办 counted (the menu, the home card) | {count:.3f} |")
    for username in ("office", "leader"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in ("/towns/", "/inbox/"):
            page, _ = timed(lambda c=client, u=url: c.get(u), args.repeat)
            print(f"| {url} as {username} (menu count included) | {page:.3f} |")
    print(
        f"ratio reference / ours counted: {slow / fast:.1f}×; / ours listed: {slow / listed:.1f}×"
    )


if __name__ == "__main__":
    main()
