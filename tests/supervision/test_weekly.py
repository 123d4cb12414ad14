"""Weekly bulletins through Django's tasks framework and the database worker."""

from datetime import datetime

import pytest
from django.core.management import call_command
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


def test_the_worker_drafts_last_weeks_bulletin_and_queues_the_next(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = City.objects.get()
    weekly_bulletin.enqueue(city.pk)  # due now
    call_command("db_worker", batch=True, startup_delay=False)
    drafted = Bulletin.objects.get(period="2019-W45")  # the week before 2019-11-15
    assert drafted.status == "draft"
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="SUCCESSFUL").exists()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
