"""Weekly bulletins through Django's tasks framework and the database worker."""

import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guatu.org.models import City
from guatu.supervision.models import Bulletin
from guatu.supervision.tasks import TASK_PATH, next_monday, schedule_weekly, weekly_bulletin

pytestmark = pytest.mark.django_db


def test_next_monday_at_eight():
    friday = timezone.make_aware(datetime(2019, 11, 15, 17, 0))
    assert timezone.localtime(next_monday(friday)).isoformat().startswith("2019-11-18T08:00")
    monday = timezone.make_aware(datetime(2019, 11, 18, 9, 0))
    assert timezone.localtime(next_monday(monday)).date().isoformat() == "2019-11-25"


def test_scheduling_is_idempotent(demo):
    city = City.objects.get()
    assert schedule_weekly(city=city)
    assert not schedule_weekly(city=city)
    waiting = DBTaskResult.objects.get(task_path=TASK_PATH, status="READY")
    assert waiting.run_after is not None and waiting.run_after > timezone.now()


def test_the_task_drafts_last_weeks_bulletin_and_queues_the_next(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = City.objects.get()
    weekly_bulletin.call(city.pk)
    assert Bulletin.objects.get(period="2019-W45").status == "draft"  # the week before 11-15
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
    weekly_bulletin.call(city.pk)  # a second run finds the draft and adds nothing
    assert Bulletin.objects.filter(period="2019-W45").count() == 1


def test_the_worker_command_works_the_queue(tmp_path):
    # The worker closes database connections between tasks, so it runs in its
    # own process, on a throw-away SQLite demo.
    env = {**os.environ, "GUATU_DATA_DIR": str(tmp_path)}
    env.pop("GUATU_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def guatu(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "guatu", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    guatu("demo")
    guatu(
        "shell",
        "-c",
        "from guatu.supervision.tasks import weekly_bulletin; weekly_bulletin.enqueue(1)",
    )
    guatu("bulletin_worker", "--batch")
    counts = guatu(
        "shell",
        "-c",
        "from guatu.supervision.models import Bulletin; "
        "from django_tasks_db.models import DBTaskResult; "
        "from guatu.ops.models import WorkerHeartbeat; "
        "print(Bulletin.objects.filter(period='2019-W45').count(), "
        f"DBTaskResult.objects.filter(status='READY', task_path='{TASK_PATH}').count(), "
        "WorkerHeartbeat.objects.count(), "
        "DBTaskResult.objects.filter(task_path='guatu.risk.tasks.warm_risks', "
        "status='SUCCESSFUL').count(), "
        "DBTaskResult.objects.filter(task_path='guatu.risk.tasks.warm_risks', "
        "status='READY').count())",
    )
    # Drafted, next week queued, the worker left its heartbeat for /healthz, and the
    # schedule risk was warmed once with its next run queued.
    assert counts.strip().splitlines()[-1] == "1 1 1 1 1"
