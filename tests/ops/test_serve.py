"""`guatu serve` as a city's IT office starts it: production settings, an empty data
folder, one command — then the site answers, static files included, logs are JSON
lines with the request's id, and `check --deploy` has nothing to say."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GUATU_DATABASE_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="guatu.settings.production",
        GUATU_DATA_DIR=str(tmp_path),
        GUATU_SECRET_KEY=secrets.token_urlsafe(60),
        GUATU_DATA_KEY=secrets.token_urlsafe(40),
        GUATU_ALLOWED_HOSTS="guatu.example.gov.cn",
        GUATU_SITE_URL="https://guatu.example.gov.cn",
        GUATU_THREADS="2",
    )
    return env


def get(url: str, **headers):
    request = urllib.request.Request(
        url,
        headers={"Host": "guatu.example.gov.cn", "X-Forwarded-Proto": "https", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_check_deploy_is_clean(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "guatu", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = production_env(tmp_path)
    del env["GUATU_ALLOWED_HOSTS"]
    run = subprocess.run(
        [sys.executable, "-m", "guatu", "check"], env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "GUATU_ALLOWED_HOSTS" in run.stderr


SCREEN_TOKEN = "AbCdEfSECRETpart-0123456789_xyz"


def test_one_command_prepares_and_serves_an_empty_data_folder(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "guatu", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=production_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _headers, body = get(f"{base}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("guatu serve did not start") from None
                time.sleep(0.5)
        assert status == 200, body
        assert json.loads(body)["checks"]["migrations"] == {"ok": True, "detail": "all applied"}
        status, _headers, body = get(f"{base}/login/")
        assert status == 200 and "登录" in body.decode()  # the cache table exists
        status, _headers, body = get(f"{base}/static/guatu/guatu.css")
        assert status == 200 and b"--accent" in body  # collected, served by WhiteNoise
        status, headers, _body = get(f"{base}/no-such-page/", **{"X-Request-ID": "probe-404-0042"})
        assert status == 404 and headers["X-Request-ID"] == "probe-404-0042"
        status, _headers, _body = get(
            f"{base}/screen/{SCREEN_TOKEN}/?n=1", Referer=f"{base}/screen/{SCREEN_TOKEN}/"
        )
        assert status == 403
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    # A 大屏 link's token opens the screen: the access and error logs keep its prefix only.
    assert "/screen/AbCdEf…/" in out + err and SCREEN_TOKEN not in out + err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    not_found = [line for line in lines if line.get("request_id") == "probe-404-0042"]
    assert not_found and not_found[0]["level"] == "WARNING" and not_found[0]["status"] == 404
    assert (tmp_path / "guatu.sqlite3").exists() and (tmp_path / "static").is_dir()


@pytest.mark.django_db
def test_health_says_what_failed(client):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from guatu.ops.heartbeat import start_heartbeat
    from guatu.ops.models import WorkerHeartbeat

    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["ok"]
    assert answer.json()["checks"]["worker"]["detail"] == "no worker has reported yet"
    # The worker beats while it runs (its command: tests/supervision/test_weekly.py,
    # in its own process, as the worker closes connections); a fresh beat is a live worker.
    start_heartbeat("test-host:1").set()
    beat = WorkerHeartbeat.objects.get()
    assert "seen 0 s ago" in client.get("/healthz").json()["checks"]["worker"]["detail"]
    # A worker not heard from for ten minutes is down: 503 for monitoring, while a
    # load balancer asking for the web part (?web=1) keeps sending traffic.
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(
        seen_at=timezone.now() - timedelta(minutes=10)
    )
    answer = client.get("/healthz")
    assert answer.status_code == 503 and not answer.json()["checks"]["worker"]["ok"]
    web = client.get("/healthz?web=1")
    assert web.status_code == 200 and not web.json()["checks"]["worker"]["ok"]
    # A task waiting an hour past its time is a stuck queue, whatever the heartbeat says.
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(seen_at=timezone.now())
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="guatu.supervision.tasks.weekly_bulletin",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - timedelta(hours=1),
    )
    answer = client.get("/healthz")
    assert answer.status_code == 503
    worker = answer.json()["checks"]["worker"]
    assert not worker["ok"] and "waited since" in worker["detail"]
    assert client.post("/healthz").status_code == 405


def test_a_log_line_carries_the_traceback():
    import logging

    from guatu.ops.logs import JsonFormatter, request_id

    token = request_id.set("abc12345")
    try:
        try:
            raise ValueError("坏了")
        except ValueError:
            record = logging.getLogger("django.request").makeRecord(
                "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                ("/x",), sys.exc_info(),
            )  # fmt: skip
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "abc12345" and line["level"] == "ERROR"
    assert "ValueError: 坏了" in line["traceback"] and line["message"].endswith("/x")


def test_postgresql_connections_are_pooled_and_bounded():
    from guatu.settings.database import database_from_url

    config = database_from_url("postgres://guatu@db.example:5432/guatu", pool=4)
    assert config["OPTIONS"]["pool"]["max_size"] == 4 and config["CONN_MAX_AGE"] == 0
    sqlite = database_from_url("sqlite:////tmp/x/guatu.sqlite3", pool=4)
    assert "pool" not in sqlite["OPTIONS"]
