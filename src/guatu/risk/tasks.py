"""The day's schedule risk computed by the worker, so that readers find it ready.

A page that shows the risk (the wall chart's whiskers, the risk page, the
dashboard's card) computes it on its first view after a figure changed — a
third of a second for a 2,000-item project, two seconds for a city of 20,000
items. ``guatu bulletin_worker`` runs ``warm_risks`` every few minutes: each
city's risks are computed if a figure changed since the last run, into the
shared cache (the database cache in production), where every web process
reads them. Without a worker, or with a per-process cache, the pages simply
compute on first view as before. When it is done it says so (``RisksWarmed``):
the level above's standings are refreshed then (``supervision.region``).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from guatu.common.events import RisksWarmed, publish
from guatu.common.scope import scoped_to
from guatu.org.models import City
from guatu.risk.services import city_risks

log = logging.getLogger(__name__)
TASK_PATH = "guatu.risk.tasks.warm_risks"
#: How often the worker looks for changed figures (the cache keeps a result 10 minutes).
WARM_EVERY = timedelta(minutes=5)

__all__ = ["TASK_PATH", "WARM_EVERY", "schedule_warm", "warm_risks"]


@task()
def warm_risks() -> int:
    """Compute every city's risks unless the cache has them for today's figures; queue
    the next run. Answers how many cities were looked at."""
    cities = list(City.objects.all())
    try:
        for city in cities:
            try:
                with scoped_to((city.pk,)):
                    city_risks(city)  # cached: unchanged figures cost 4 queries
            except Exception:  # one city's bad plan must not stop the others' warm-up
                log.exception("schedule risk warm-up failed for city %s", city.pk)
        try:
            publish(RisksWarmed(tuple(city.pk for city in cities)))
        except Exception:
            log.exception("what follows the risks' warm-up failed")
    finally:
        schedule_warm()  # the chain goes on whatever happened
    return len(cities)


def schedule_warm(*, when: datetime | None = None) -> bool:
    """Queue the next ``warm_risks`` (in ``WARM_EVERY``) unless one is waiting; say if queued."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        # Workers starting together must not both start a chain of runs: the check and
        # the enqueue happen under the first city's row lock (no city: nothing to warm).
        if City.objects.select_for_update().order_by("pk").first() is None:
            return False
        if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
            return False
        warm_risks.using(run_after=when or timezone.now() + WARM_EVERY).enqueue()
    return True
