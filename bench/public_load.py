"""Load benchmark of the public page (公开): requests per second from ``guatu serve``.

    .venv/bin/python bench/public_load.py [--seconds 10] [--connections 16] [--requests 5000]

In a scratch data folder, with the production settings (gunicorn, SQLite, the database
cache table), it builds the demo — which publishes October 2019 — collects the static
files, starts ``guatu serve`` on 127.0.0.1 (a free port), and fires requests over keep-alive
connections at the public pages: the city's latest month, the month, its workbook and the
feed. Side by side on the same server it fires the same load at a reference: one static
file served by WhiteNoise (before any of Django's views: the fastest answer this server
gives) and ``/healthz?web=1`` (a Django view reading the database). It prints requests/s
of each and the ratio of the public page to each reference; the target is at least 500
requests/s for the public page.

The load comes from ``wrk`` when it is installed (``apt-get install wrk``: ``--seconds`` of
load per address), else from Python threads (``--requests`` per address, over
``--connections`` keep-alive connections), on the same machine as the server.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "guatu.example.gov.cn"
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}


def build(out: Path) -> None:
    """(In a child process with the production settings.) Migrate, collect the static
    files, build the demo (it publishes October 2019); write the addresses to load."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.templatetags.static import static

    from guatu.demo.build import demo_build
    from guatu.org.models import City

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_build()
    code = City.objects.get(name="永康市").code
    out.write_text(
        json.dumps(
            {
                "public": [
                    f"/public/{code}/",
                    f"/public/{code}/2019/10/",
                    "/public/",
                    f"/public/{code}/feed.xml",
                ],
                "xlsx": f"/public/{code}/2019/10/snapshot.xlsx",
                "static": static("public/public.css"),
                "health": "/healthz?web=1",
            }
        )
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), dict(response.headers)


def _wrk(port: int, path: str, seconds: int, connections: int) -> tuple[float, int, str]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        *[arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")],
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])
    total = int(re.search(r"(\d+) requests in", done.stdout)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    p99 = re.search(r"99%\s+(\S+)", done.stdout)
    note = f"p99 {p99[1] if p99 else '?'}" + (f", {errors[1]} non-2xx" if errors else "")
    return rate, total, note


def _threads(port: int, path: str, requests: int, connections: int) -> tuple[float, int, str]:
    """*requests* GETs of *path* over *connections* keep-alive connections (one a thread)."""
    failures: list[int] = []
    each = [requests // connections + (k < requests % connections) for k in range(connections)]
    barrier = threading.Barrier(connections + 1)

    def fire(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for _ in range(count):
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=fire, args=(n,)) for n in each]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return requests / wall, requests, f"{len(failures)} non-200" if failures else "all 200"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk: seconds per address")
    parser.add_argument("--requests", type=int, default=5000, help="threads: GETs per address")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--client", choices=["wrk", "threads"], help="default: wrk if installed")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build)
        return
    client = args.client or ("wrk" if shutil.which("wrk") else "threads")
    folder = Path(tempfile.mkdtemp(prefix="guatu-public-load-"))
    env = {k: v for k, v in os.environ.items() if k != "GUATU_DATABASE_URL"}
    env.update(
        GUATU_DATA_DIR=str(folder),
        GUATU_SECRET_KEY=secrets.token_urlsafe(60),
        GUATU_ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="guatu.settings.production",
        PYTHONPATH=str(ROOT / "src"),
    )
    addresses = folder / "addresses.json"
    began = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--build", str(addresses)], env=env, check=True)
    urls = json.loads(addresses.read_text())
    print(f"demo built and October 2019 published in {time.perf_counter() - began:.0f} s")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "guatu", "serve", "--bind", f"127.0.0.1:{port}", "--no-prepare"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, urls["static"])
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("guatu serve did not start") from None
                time.sleep(0.3)
        # What the public gets: 200, no cookie, the month's projects; then warm the cache.
        for path in [*urls["public"], urls["xlsx"]]:
            status, _body, headers = _get(port, path)
            assert status == 200 and "Set-Cookie" not in headers, (path, status, headers)
        assert "金台铁路永康段".encode() in _get(port, urls["public"][0])[1]
        workers = os.cpu_count() or 1
        print(
            f"guatu serve: {workers} workers × {env.get('GUATU_THREADS', '4')} threads, SQLite, "
            f"database cache; client: {client}, {args.connections} keep-alive connections; "
            f"CPUs: {workers} (shared by server and client)"
        )
        print("| address | requests | requests/s | note |")
        print("|---|---:|---:|---|")
        rates = {}
        targets = [
            ("public", urls["public"][0]),
            ("public month", urls["public"][1]),
            ("public workbook", urls["xlsx"]),
            ("static file (WhiteNoise)", urls["static"]),
            ("healthz?web=1", urls["health"]),
        ]
        for label, path in targets:
            if client == "wrk":
                rate, total, note = _wrk(port, path, args.seconds, args.connections)
            else:
                rate, total, note = _threads(port, path, args.requests, args.connections)
            rates[label] = rate
            print(f"| {label} `{path}` | {total} | {rate:.0f} | {note} |", flush=True)
        public = rates["public"]
        print(
            f"public page: {public:.0f} requests/s (target ≥ 500: "
            f"{'met' if public >= 500 else 'NOT met'}); "
            f"ratio to the static file {public / rates['static file (WhiteNoise)']:.2f}, "
            f"to /healthz?web=1 {public / rates['healthz?web=1']:.2f}"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
