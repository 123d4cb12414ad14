"""Load benchmark: 200 town officials submit a report through the API at the same moment.

    .venv/bin/python bench/load.py [--officials 200] [--engines sqlite,postgresql]

For each database (SQLite file; PostgreSQL when ``GUATU_BENCH_PG`` names a server
URL, e.g. ``postgres://postgres@127.0.0.1:5432/postgres``, on which scratch databases
are made) and each server — ``guatu serve`` (gunicorn, production settings),
granian when it is installed (the alternative measured before choosing), and
Django's ``runserver``, side by side on the same data — it builds a city with one
work item per official, starts the server, releases all the requests at once
(a barrier across as many threads), then counts what the database holds: sent vs
stored (0 lost, 0 duplicated is the requirement), the answers by status, and the
p50/p95/max latency. Ratios between the two servers matter, not absolute times.
"""

import argparse
import importlib.util
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "guatu.example.gov.cn"


def build(officials: int, out: Path) -> None:
    """(In a child process with the target's settings.) Migrate and make the city."""
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from guatu.accounts.models import Role, User
    from guatu.accounts.tokens import token_create
    from guatu.org.models import City, Department, Town
    from guatu.projects.models import Project, WorkItem
    from guatu.projects.scheduling import schedule_recalculate

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    city = City.objects.create(name="压测市", code="999998", status_date=date(2019, 11, 15))
    towns = [Town.objects.create(city=city, name=f"镇{n:02d}", order=n) for n in range(20)]
    department = Department.objects.create(city=city, name="交通局")
    project = Project.objects.create(
        city=city,
        code="load",
        name="压测项目",
        start_date=date(2019, 1, 2),
        deadline=date(2020, 12, 31),
        owner_department=department,
    )
    items = WorkItem.objects.bulk_create(
        WorkItem(
            project=project,
            code=f"i{k}",
            name=f"事项{k}",
            town=towns[k % len(towns)],
            duration_days=200,
            planned_start=date(2019, 3, 1),
            order=k,
        )
        for k in range(officials)
    )
    schedule_recalculate(project=project)
    tokens = []
    for k, item in enumerate(items):
        user = User.objects.create(username=f"official{k}", role=Role.TOWN, town=item.town)
        tokens.append((item.pk, token_create(user=user)))
    out.write_text(json.dumps(tokens))


def count(out: Path) -> None:
    """(In a child process.) How many reports each item holds."""
    import django

    django.setup()
    from django.db.models import Count

    from guatu.progress.models import ProgressReport

    rows = ProgressReport.objects.values("work_item_id").annotate(n=Count("id"))
    out.write_text(json.dumps({str(r["work_item_id"]): r["n"] for r in rows}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fire(
    url: str, tokens: list, results: list, barrier: threading.Barrier, k: int, burst: tuple
) -> None:
    item, token = tokens[k]
    reported_on, percent = burst
    body = json.dumps({"reported_on": reported_on, "percent": percent, "note": "压测"}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/items/{item}/reports",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Host": HOST,
            "X-Forwarded-Proto": "https",
        },
    )
    barrier.wait()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        status = type(error).__name__
    results[k] = (status, time.perf_counter() - started)


def _burst(url: str, tokens: list, burst: tuple) -> tuple[list, float]:
    """Every official's report released at once; (status, seconds) each and the wall time."""
    results: list = [None] * len(tokens)
    barrier = threading.Barrier(len(tokens))
    threads = [
        threading.Thread(target=_fire, args=(url, tokens, results, barrier, k, burst))
        for k in range(len(tokens))
    ]
    began, cpu, by_name = time.perf_counter(), _cpu(), _cpu_by_name()
    client = resource.getrusage(resource.RUSAGE_SELF)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    spent = _cpu() - cpu
    later = _cpu_by_name()
    used = {name: later[name] - by_name.get(name, 0) for name in sorted(later)}
    print("  CPU s by process: " + ", ".join(f"{n} {s:.2f}" for n, s in used.items() if s > 0.05))
    mine = after.ru_utime + after.ru_stime - client.ru_utime - client.ru_stime
    print(
        f"  burst: {time.perf_counter() - began:.2f} s; CPU s: this client {mine:.2f}, "
        f"the rest of the machine (server, database) {spent - mine:.2f}",
        flush=True,
    )
    return results, time.perf_counter() - began


def _cpu_by_name() -> dict:
    """Seconds of CPU each running program has spent (each Python process apart)."""
    totals: dict = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        name = name + stat.parent.name if name == "python" else name
        fields = text[text.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        totals[name] = totals.get(name, 0) + ticks / os.sysconf("SC_CLK_TCK")
    return totals


def _cpu() -> float:
    """Seconds of CPU the whole machine has spent (user + system), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system = (int(v) for v in fields[:3])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def run(engine: str, server: str, officials: int, pg: str, bursts: int = 2) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"guatu-load-{engine}-"))
    env = {k: v for k, v in os.environ.items() if k != "GUATU_DATABASE_URL"}
    env.update(
        GUATU_DATA_DIR=str(folder),
        GUATU_SECRET_KEY=secrets.token_urlsafe(60),
        GUATU_ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="guatu.settings.production",
        PYTHONPATH=str(ROOT / "src"),
    )
    database = None
    if engine == "postgresql":
        import psycopg

        database = f"guatu_load_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        env["GUATU_DATABASE_URL"] = pg.rsplit("/", 1)[0] + f"/{database}"
    try:
        tokens_file = folder / "tokens.json"
        subprocess.run(
            [sys.executable, __file__, "--build", str(tokens_file), "--officials", str(officials)],
            env=env,
            check=True,
        )
        tokens = json.loads(tokens_file.read_text())
        port = _free_port()
        if server == "guatu serve":
            command = ["-m", "guatu", "serve", "--bind", f"127.0.0.1:{port}", "--no-prepare"]
        elif server == "granian":
            # The alternative measured before choosing gunicorn: same workers and threads.
            command = [
                "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", str(os.cpu_count() or 1),
                "--blocking-threads", env.get("GUATU_THREADS", "4"), "guatu.wsgi:application",
            ]  # fmt: skip
        else:
            # The same production settings: only the server differs.
            command = ["-m", "guatu", "runserver", f"127.0.0.1:{port}", "--noreload"]
        process = subprocess.Popen(
            [sys.executable, *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"{url}/healthz", headers={"Host": HOST}), timeout=2
                )
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server} did not start") from None
                time.sleep(0.3)
        answers: Counter = Counter()
        for burst in range(bursts):
            # Every burst but the last finds the server as a running one is: warm.
            # The figures are the last burst's; the answers and rows count them all.
            day = f"2019-11-{15 - bursts + 1 + burst:02d}"  # one report a day, rising
            results, wall = _burst(url, tokens, (day, 10 * (burst + 1)))
            answers.update(str(status) for status, _ in results)
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(f"({server} did not stop within 60 s of SIGTERM; killed)", flush=True)
            process.kill()
            process.wait()
        counts_file = folder / "counts.json"
        subprocess.run([sys.executable, __file__, "--count", str(counts_file)], env=env, check=True)
        stored = json.loads(counts_file.read_text())
    finally:
        if database:
            import psycopg

            with psycopg.connect(pg, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    latencies = sorted(seconds for _, seconds in results)
    return {
        "engine": engine,
        "server": server,
        "sent": len(tokens) * bursts,
        "created": answers.get("201", 0),
        "stored": sum(stored.values()),
        "duplicated": sum(n - bursts for n in stored.values() if n > bursts),
        "answers": dict(answers),
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "max": latencies[-1],
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officials", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--bursts", type=int, default=2, help="bursts in a row; the figures are the last's"
    )
    parser.add_argument("--servers", help="e.g. 'guatu serve' (default: every one installed)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.officials, args.build)
        return
    if args.count:
        count(args.count)
        return
    pg = os.environ.get("GUATU_BENCH_PG", "")
    engines = [e for e in args.engines.split(",") if e != "postgresql" or pg]
    print(f"{args.officials} officials, one report each, released at once; CPUs: {os.cpu_count()}")
    print(
        "| database | server | sent | 201 | stored | duplicated | answers | p50 s | p95 s | max s |"
    )
    print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|")
    servers = ["guatu serve", "runserver"]
    if importlib.util.find_spec("granian") is not None:
        servers.insert(1, "granian")
    if args.servers:
        servers = [s.strip() for s in args.servers.split(",")]
    for engine in engines:
        for server in servers:
            r = run(engine, server, args.officials, pg, args.bursts)
            print(
                f"| {r['engine']} | {r['server']} | {r['sent']} | {r['created']} | {r['stored']} "
                f"| {r['duplicated']} | {r['answers']} | {r['p50']:.2f} | {r['p95']:.2f} "
                f"| {r['max']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
