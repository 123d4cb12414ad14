"""`kill -9` at the worst moment: a ledger import, a bulletin publish and a web worker
killed mid-write leave no partial rows and an intact database.

Each runs as its own `guatu` process on a real SQLite file (the embedded default, whose
journal is what must hold); the database is then checked with `PRAGMA
integrity_check` and by counting what a half-done write would have left.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def env_for(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GUATU_DATABASE_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="guatu.settings.local", GUATU_DATA_DIR=str(folder))
    return env


def sql(folder: Path, query: str) -> list:
    with closing(sqlite3.connect(folder / "guatu.sqlite3")) as connection:
        return connection.execute(query).fetchall()


def intact(folder: Path) -> bool:
    return sql(folder, "PRAGMA integrity_check") == [("ok",)]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    """The demo, built once; each test works on a copy of its folder."""
    folder = tmp_path_factory.mktemp("crash-demo")
    subprocess.run(
        [sys.executable, "-m", "guatu", "demo"],
        env=env_for(folder),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder


def copy_of(demo_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    with (
        closing(sqlite3.connect(demo_folder / "guatu.sqlite3")) as source,
        closing(sqlite3.connect(folder / "guatu.sqlite3")) as target,
    ):
        source.backup(target)
    return folder


def big_ledger(path: Path, items: int) -> None:
    """A new project of *items* work items: a long write, easy to kill in the middle."""
    book = Workbook()
    projects = book.active
    projects.title = "项目"
    projects.append(["项目编码", "项目名称", "牵头单位", "开工日期", "目标日期"])
    projects.append(["crash-test", "断电测试项目", "市交通运输局", "2019-01-02", "2021-12-31"])
    work = book.create_sheet("工作事项")
    work.append(["项目编码", "事项编码", "事项名称", "工期", "前置事项", "镇街区"])
    for k in range(items):
        work.append(
            [
                "crash-test",
                f"C{k:05d}",
                f"事项{k}",
                5 + k % 20,
                f"C{k - 1:05d}" if k else "",
                "石柱镇",
            ]
        )
    book.save(path)


def killed_after(command: list, env: dict, seconds: float) -> int:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


def test_a_killed_ledger_import_writes_all_or_nothing(demo_folder, tmp_path):
    ledger = tmp_path / "big.xlsx"
    big_ledger(ledger, 3000)
    # How long the whole import takes here, to kill it at points through it.
    folder = copy_of(demo_folder, tmp_path / "timing")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "guatu", "ledger", "import", str(ledger)],
        env=env_for(folder),
        check=True,
        capture_output=True,
        timeout=600,
    )
    whole = time.monotonic() - started
    assert sql(folder, "SELECT COUNT(*) FROM projects_workitem w JOIN projects_project p "
               "ON w.project_id = p.id WHERE p.code = 'crash-test'") == [(3000,)]  # fmt: skip
    outcomes = set()
    for share in (0.35, 0.55, 0.75, 0.9):
        folder = copy_of(demo_folder, tmp_path / f"kill-{share}")
        code = killed_after(
            [sys.executable, "-m", "guatu", "ledger", "import", str(ledger)],
            env_for(folder),
            whole * share,
        )
        assert intact(folder), share
        items = sql(
            folder,
            "SELECT COUNT(*) FROM projects_workitem w JOIN projects_project p "
            "ON w.project_id = p.id WHERE p.code = 'crash-test'",
        )[0][0]
        projects = sql(folder, "SELECT COUNT(*) FROM projects_project WHERE code='crash-test'")
        assert (projects[0][0], items) in ((0, 0), (1, 3000)), (share, code, items)
        outcomes.add(items)
    assert 0 in outcomes  # at least one kill landed before the commit


def test_a_killed_bulletin_publish_leaves_no_half_published_bulletin(demo_folder, tmp_path):
    outcomes = set()
    count_escalations = "SELECT COUNT(*) FROM supervision_escalationevent"
    before = sql(demo_folder, count_escalations)[0][0]
    for delay in (1.0, 2.0, 3.0, 4.0):
        folder = copy_of(demo_folder, tmp_path / f"kill-{delay}")
        killed_after(
            [sys.executable, "-m", "guatu", "bulletin", "--period", "2019-W46",
             "--out", str(tmp_path / f"out-{delay}"), "--publish"],
            env_for(folder),
            delay,
        )  # fmt: skip
        assert intact(folder), delay
        published = sql(
            folder,
            "SELECT docx, pdf, xlsx, number FROM supervision_bulletin WHERE status = 'published'",
        )
        for docx, pdf, xlsx, number in published:
            assert number is not None
            for name in (docx, pdf, xlsx):
                assert name and (folder / "media" / name).is_file(), (delay, name)
        recorded = sql(folder, count_escalations)[0][0] - before
        # Publishing records the ladder's rungs: with the bulletin, or not at all.
        assert (len(published) == 0) == (recorded == 0), (delay, len(published), recorded)
        outcomes.add(len(published))
    assert 0 in outcomes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_web_worker_killed_mid_request_loses_nothing_stored(demo_folder, tmp_path):
    """gunicorn's worker is killed while imports arrive; the master starts another,
    and every import either landed whole or not at all."""
    folder = copy_of(demo_folder, tmp_path)
    ledger = tmp_path / "big.xlsx"
    big_ledger(ledger, 1500)
    env = {
        **env_for(folder),
        "DJANGO_SETTINGS_MODULE": "guatu.settings.production",
        "GUATU_SECRET_KEY": "x" * 60,
        "GUATU_ALLOWED_HOSTS": "guatu.example.gov.cn",
        "GUATU_THREADS": "2",
    }
    token = subprocess.run(
        [sys.executable, "-m", "guatu", "token", "supervisor"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "guatu", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-prepare"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"{url}/healthz", headers={"Host": "localhost"}),
                    timeout=2,
                )
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert workers
        body, boundary = _multipart(ledger)
        request = urllib.request.Request(
            f"{url}/api/v1/ledger/import",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Host": "guatu.example.gov.cn",
                "X-Forwarded-Proto": "https",
            },
        )
        answer: dict = {}

        def send() -> None:
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    answer["status"] = response.status
            except urllib.error.HTTPError as error:
                answer["status"] = error.code
            except OSError as error:
                answer["status"] = type(error).__name__

        import threading

        thread = threading.Thread(target=send)
        thread.start()
        time.sleep(1.5)
        for pid in workers:
            os.kill(int(pid), signal.SIGKILL)
        thread.join(timeout=120)
        # The master has started a new worker: the site answers again.
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(f"{url}/healthz", headers={"Host": "localhost"}),
                    timeout=2,
                ) as response:
                    health = json.loads(response.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "no worker came back"
                time.sleep(0.3)
        assert health["ok"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert intact(folder)
    items = sql(
        folder,
        "SELECT COUNT(*) FROM projects_workitem w JOIN projects_project p "
        "ON w.project_id = p.id WHERE p.code = 'crash-test'",
    )[0][0]
    assert items in (0, 1500), items
    assert (answer.get("status") == 200) == (items == 1500), answer


def _multipart(path: Path) -> tuple[bytes, str]:
    boundary = "guatu-crash-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), boundary
