"""Map page benchmark (一张图): 10,000 placed features loading and answering a click.

    .venv/bin/python bench/map_load.py [--items 10000] [--repeat 5]

In a scratch data folder with the local settings (``guatu runserver``, WhiteNoise for the
static files), it builds a city of --items placed work items (short lines, points and
small outlines over ten towns, 20 projects, lights of every colour) and serves it on
127.0.0.1. Headless Chromium (Debian's /usr/bin/chromium, ``GUATU_CHROMIUM``) opens
``/map/`` signed in as the city's office and times, in the page's own clock from the
navigation's start: the server's first byte, the map drawn and ready (``map.js``'s
``guatu-map-ready`` mark), and a click on a feature answered by its popup — "loads and
becomes interactive". Then one zoom step (``zoomend`` and the frame after it).

Reference, side by side in the same run on the same page and data: Leaflet's SVG
renderer instead of the canvas (one SVG element per feature, Leaflet's default without
``preferCanvas``) — swapped in by a script run before the page's own. Medians of
--repeat runs each, alternating; the ratio is reference ÷ ours. The target is ours
≤ 2 s from navigation to the popup.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GUATU_CHROMIUM", "/usr/bin/chromium")

#: Run before the page's scripts: Leaflet's canvas renderer becomes its SVG renderer.
SVG_INSTEAD = """(() => {
  let real;
  Object.defineProperty(window, "L", {
    configurable: true,
    get() { return real; },
    set(value) {
      real = value;
      if (value && value.svg && !value.__svg) {
        value.__svg = true;
        value.canvas = (options) => value.svg(options);
      }
    },
  });
})();"""

#: A point on screen over the topmost drawn item.
WHERE = """() => {
  const map = window.guatuMap;
  let target = null;
  map.eachLayer((layer) => {
    if (layer.feature && layer.feature.properties.kind === "item") target = layer;
  });
  const latlng = target.getLatLng ? target.getLatLng() : target.getCenter();
  const point = map.latLngToContainerPoint(latlng);
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y};
}"""

TIMES = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const ready = performance.getEntriesByName("guatu-map-ready")[0];
  let svg = 0, canvas = 0;
  document.querySelectorAll(".leaflet-overlay-pane svg path").forEach(() => svg++);
  document.querySelectorAll(".leaflet-overlay-pane canvas").forEach(() => canvas++);
  return {first_byte: n.responseStart, html: n.responseEnd, ready: ready.startTime,
          popup: performance.now(), bytes: n.transferSize, svg_paths: svg, canvases: canvas};
}"""

ZOOM = """() => new Promise((done) => {
  const map = window.guatuMap;
  const start = performance.now();
  map.once("zoomend", () => requestAnimationFrame(() => requestAnimationFrame(
    () => done(performance.now() - start))));
  map.zoomIn(1, {animate: false});
})"""


def build(items: int) -> None:
    """(In a child process with the local settings.) Migrate, add the city and its
    placed items, print the office's session key."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.test import Client

    from guatu.accounts.models import Role, User
    from guatu.accounts.services import user_create
    from guatu.org.clock import city_today
    from guatu.org.models import City, Department, Town
    from guatu.projects.models import Project, WorkItem

    call_command("migrate", verbosity=0)
    city = City.objects.create(name="万点市", code="339901", longitude=120.6, latitude=29.0)
    towns = []
    for n in range(10):
        west, south = 120.35 + (n % 5) * 0.1, 28.9 + (n // 5) * 0.1
        ring = [
            [west, south],
            [west + 0.1, south],
            [west + 0.1, south + 0.1],
            [west, south + 0.1],
            [west, south],
        ]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        towns.append(Town.objects.create(city=city, name=f"万点{n}镇", order=n, geometry=geometry))
    department = Department.objects.create(city=city, name="万点市交通局", short_name="万点交通")
    user = user_create(username="map_bench", password="bench-password-1", role=Role.SUPERVISOR)
    User.objects.filter(pk=user.pk).update(must_change_password=False, city=city)
    today = city_today(city)
    projects = [
        Project.objects.create(
            city=city,
            code=f"wan-{p:02d}",
            name=f"万点工程{p}",
            start_date=today - timedelta(days=400),
            deadline=today + timedelta(days=400),
            owner_department=department,
        )
        for p in range(20)
    ]
    columns = 100
    rows = max(items // columns, 1)
    rows_out = []
    for n in range(items):
        x = 120.352 + (n % columns) * 0.00496
        y = 28.902 + (n // columns) * (0.196 / rows)
        kind = n % 10
        if kind < 7:
            coordinates = [[x, y], [x + 0.002, y + 0.0008], [x + 0.004, y]]
            geometry = {"type": "LineString", "coordinates": coordinates}
        elif kind < 9:
            geometry = {"type": "Point", "coordinates": [x + 0.002, y + 0.0005]}
        else:
            ring = [[x, y], [x + 0.003, y], [x + 0.003, y + 0.0012], [x, y + 0.0012], [x, y]]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        start = today + timedelta(days=(n % 7) * 60 - 240)
        finish = start + timedelta(days=120)
        rows_out.append(
            WorkItem(
                project=projects[n % 20],
                code=f"w{n:05d}",
                name=f"万点事项{n}",
                town=towns[(n % columns) // 20 + 5 * (2 * n // max(items, 1))],
                owner_department=department,
                duration_days=120,
                order=n,
                plan_start=start,
                plan_finish=finish,
                early_start=start,
                early_finish=finish,
                late_start=start,
                late_finish=finish,
                geometry=geometry,
            )
        )
    WorkItem.objects.bulk_create(rows_out, batch_size=2000)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    print(json.dumps({"session": client.cookies["sessionid"].value}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "guatu", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.3)


def measure(browser, url: str, session: str, reference: bool) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    if reference:
        page.add_init_script(SVG_INSTEAD)
    page.goto(f"{url}/map/", wait_until="commit")
    page.wait_for_function(
        "() => { const m = document.getElementById('map'); return m && m.dataset.ready === '1'; }",
        timeout=120_000,
        polling=10,
    )
    where = page.evaluate(WHERE)
    page.mouse.click(where["x"], where["y"])
    page.locator(".leaflet-popup-content").wait_for(timeout=120_000)
    result = page.evaluate(TIMES)
    page.keyboard.press("Escape")
    result["zoom"] = page.evaluate(ZOOM)
    context.close()
    assert not outside, outside
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.items)
        return
    folder = Path(tempfile.mkdtemp(prefix="guatu-map-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("GUATU_DATABASE_URL",)}
    env.update(
        GUATU_DATA_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="guatu.settings.local",
        PYTHONPATH=str(ROOT / "src"),
        GUATU_TIANDITU_KEY="",
    )
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--build", "--items", str(args.items)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        session = json.loads(out.strip().splitlines()[-1])["session"]
        server, url = _serve(env)
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                measure(browser, url, session, reference=False)  # warm the server
                runs = {"canvas (ours)": [], "SVG (reference)": []}
                for _ in range(args.repeat):
                    runs["canvas (ours)"].append(measure(browser, url, session, reference=False))
                    runs["SVG (reference)"].append(measure(browser, url, session, reference=True))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.items:,} placed items, medians of {args.repeat} runs (ms from navigation start)")
    print("| renderer | first byte | HTML in | map ready | click → popup | zoom step | SVG paths |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for name, results in runs.items():
        m = {key: statistics.median(r[key] for r in results) for key in results[0]}
        medians[name] = m
        print(
            f"| {name} | {m['first_byte']:.0f} | {m['html']:.0f} | {m['ready']:.0f} | "
            f"{m['popup']:.0f} | {m['zoom']:.0f} | {m['svg_paths']:.0f} |"
        )
    ours, reference = medians["canvas (ours)"], medians["SVG (reference)"]
    print(f"HTML {ours['bytes'] / 1e6:.1f} MB")
    after = (reference["popup"] - reference["html"]) / (ours["popup"] - ours["html"])
    print(
        f"ratio reference ÷ ours: to the popup {reference['popup'] / ours['popup']:.2f}×, "
        f"after the HTML {after:.2f}×, a zoom step {reference['zoom'] / ours['zoom']:.2f}×"
    )
    print(f"target: ours ≤ 2000 ms to the popup: {'met' if ours['popup'] <= 2000 else 'NOT met'}")


if __name__ == "__main__":
    main()
