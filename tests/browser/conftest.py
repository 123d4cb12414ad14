"""A real server and a real browser: guatu served by `guatu runserver` on the demo
data in a throw-away SQLite folder, driven by Debian's headless Chromium.

The server always runs on SQLite in a temporary folder, whatever database the
rest of the suite uses, so these tests never write into a configured one.
Screenshots go to ``test-artifacts/screenshots/`` (see the README).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GUATU_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: The environment of the running test server's data, for ``guatu_shell``.
SERVER_ENV: dict[str, str] = {}


def guatu_shell(code: str) -> str:
    """Run *code* with ``guatu shell`` on the test server's database; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "guatu", "shell", "-c", code],
        env=SERVER_ENV,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GUATU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(GUATU_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="guatu.settings.local")
    SERVER_ENV.update(env)
    subprocess.run(
        [sys.executable, "-m", "guatu", "demo"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    yield from served(env)


def served(env: dict[str, str]):
    """``guatu runserver`` on a free port with *env*: yields its address once it answers
    the sign-in page, and stops it after (the body of a server fixture)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "guatu", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the test server did not start") from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests that run in a row. Package scope, not session:
    while Playwright's sync API lives it marks the thread's event loop as running, and
    Django then refuses every database call (SynchronousOnlyOperation). Under pytest-xdist
    a worker goes on to other tests after these, so Playwright must be gone by then."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def sign_in(page, server: str, username: str) -> None:
    page.goto(f"{server}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "guatu-demo-2019")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
