"""Scale-out: workers on one queue, starting together, queue one weekly run per city."""

import os
import threading

import pytest
from django_tasks_db.models import DBTaskResult

from guatu.supervision.tasks import TASK_PATH, schedule_weekly

# Transactional: they empty the database when they end, so they run alone (make test).
pytestmark = pytest.mark.serial


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not os.environ.get("GUATU_DATABASE_URL", "").startswith("postgres"),
    reason="threads with their own connections: the suite's SQLite database is in memory",
)
def test_workers_starting_together_queue_one_run(city):
    """Eight workers (threads, each with its own connection) schedule at the same moment."""
    from django.db import connection

    barrier = threading.Barrier(8)
    answers = []

    def start() -> None:
        try:
            barrier.wait()
            answers.append(schedule_weekly(city=city))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 7 + [True]
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not os.environ.get("GUATU_DATABASE_URL", "").startswith("postgres"),
    reason="threads with their own connections: the suite's SQLite database is in memory",
)
def test_a_second_worker_waits_for_the_first_and_then_finds_its_run(city):
    """While one worker holds the city (between its check and its enqueue), another
    worker's schedule waits, then sees the queued run instead of queuing a second."""
    from django.db import connection, transaction

    from guatu.org.models import City

    answers = []

    def second() -> None:
        try:
            answers.append(schedule_weekly(city=city))
        finally:
            connection.close()

    with transaction.atomic():
        City.objects.select_for_update().get(pk=city.pk)
        worker = threading.Thread(target=second)
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive(), "the second worker must wait for the city's lock"
        assert schedule_weekly(city=city)
    worker.join(timeout=30)
    assert answers == [False]
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1
