"""Scheduled bulletins: Django's tasks framework with the database-backed worker.

``guatu bulletin_worker`` (one command) makes sure next Monday's run is queued
and then works the queue. Each run drafts the bulletin of the week that has
just ended (if none exists yet) for the supervision office to review and
publish, and queues the run after it: the schedule lives in the database, so
a restarted worker picks it up where it was.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from guatu.accounts.models import Role, User
from guatu.common.scope import scoped_to
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.supervision.models import Bulletin
from guatu.supervision.services import bulletin_draft

TASK_PATH = "guatu.supervision.tasks.weekly_bulletin"
RUN_AT = time(8, 0)


def next_monday(after: datetime) -> datetime:
    """Monday 08:00 (local time) after *after*."""
    local = timezone.localtime(after)
    days = (7 - local.weekday()) % 7 or 7
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=days), RUN_AT))


@task()
def weekly_bulletin(city_id: int) -> int | None:
    """Draft last week's bulletin for *city_id* unless there is one; queue next week's run."""
    # The worker sees every city: this run reads and writes the city's own rows only
    # (its supervisor drafts, its office hears of it).
    with scoped_to((city_id,)), transaction.atomic():
        # Two workers on one queue may both hold a run for the city (one queued
        # before the other's commit): the city's row lock lets one draft, and the
        # other then finds the draft.
        city = City.objects.select_for_update().get(pk=city_id)
        today = city_today(city)
        last_week = (today - timedelta(days=7)).isocalendar()
        period = f"{last_week.year}-W{last_week.week:02d}"
        drafted = None
        actor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
        exists = Bulletin.objects.filter(city=city, period=period, project__isnull=True).exists()
        if actor is not None and not exists:
            drafted = bulletin_draft(actor=actor, city=city, period_text=period).pk
        schedule_weekly(city=city)
    return drafted


def schedule_weekly(*, city: City, when: datetime | None = None) -> bool:
    """Queue the next weekly run for *city* unless one is already waiting; say if queued."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        # Workers starting together must not both queue a run: the check and the
        # enqueue (a row in the same database) happen under the city's row lock.
        City.objects.select_for_update().get(pk=city.pk)
        waiting = DBTaskResult.objects.filter(
            task_path=TASK_PATH, status="READY", args_kwargs__args=[city.pk]
        ).exists()
        if waiting:
            return False
        weekly_bulletin.using(run_after=when or next_monday(timezone.now())).enqueue(city.pk)
    return True
