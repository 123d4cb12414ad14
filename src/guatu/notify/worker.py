"""The notifier: a thread of ``guatu bulletin_worker`` (or ``guatu notify``) that sweeps and sends.

Every ``SEND_EVERY_S`` it reschedules the projects reported on since its last round
(``progress.catch_up``) and sends what is due; every ``SWEEP_EVERY_S`` it pauses
the robots whose address fails the check (``notify.webhooks``), brings the
schedules forward to a new data date (overnight), and looks for the day's
reminders, blocker alerts and 整改反馈 due dates (each event is written once, so a
sweep repeated within the day adds nothing).
"""

import logging
import threading
import time
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from guatu.common.scope import scoped_to
from guatu.notify.delivery import deliver_due
from guatu.notify.investment import investment_reminders
from guatu.notify.services import (
    answer_alerts,
    blocker_alerts,
    report_reminders,
    robots_check,
)
from guatu.org.models import City
from guatu.progress.catch_up import schedules_catch_up
from guatu.projects.scheduling import schedules_bring_forward

log = logging.getLogger(__name__)
SEND_EVERY_S = 10.0
SWEEP_EVERY_S = 600.0
#: How far before its last round the schedules' catch-up looks again (a transaction that
#: was still open then has committed since).
CATCH_UP_MARGIN = timedelta(minutes=1)


def sweep() -> int:
    """Pause robots whose address fails the check; queue the day's reminders and alerts."""
    robots_check()
    queued = 0
    for city in City.objects.all():
        with scoped_to((city.pk,)):  # each city's reminders read that city only
            schedules_bring_forward(city)  # a new day: the schedules run from it first
            queued += report_reminders(city) + blocker_alerts(city) + answer_alerts(city)
            queued += investment_reminders(city)
    return queued


def run_once() -> dict:
    """One sweep and one round of sending (``guatu notify --once``, tests)."""
    schedules_catch_up(since=timezone.now() - timedelta(seconds=SWEEP_EVERY_S))
    queued = sweep()
    return {"queued": queued, **deliver_due()}


def start_notifier() -> threading.Event:
    """Run the notifier in a daemon thread until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        last_sweep = 0.0
        caught_up = timezone.now() - timedelta(seconds=SWEEP_EVERY_S)
        while not stop.is_set():
            close_old_connections()
            try:
                started = timezone.now()
                schedules_catch_up(since=caught_up - CATCH_UP_MARGIN)
                caught_up = started
            except Exception:  # the schedules must not stop the sending
                log.exception("schedules' catch-up failed")
            try:
                if time.monotonic() - last_sweep >= SWEEP_EVERY_S:
                    sweep()
                    last_sweep = time.monotonic()
                deliver_due()
            except Exception:  # a bad row or a database hiccup must not end the thread
                log.exception("notifier round failed")
            finally:
                close_old_connections()
            stop.wait(SEND_EVERY_S)

    threading.Thread(target=loop, name="guatu-notifier", daemon=True).start()
    return stop
