"""The task worker's heartbeat: a row it refreshes while it runs, read by ``/healthz``.

The same thread keeps the API's rate-limit counts to the callers still counting
(``guatu.api.throttle.prune``, every ``PRUNE_EVERY`` beats).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from guatu.api.throttle import prune
from guatu.ops.models import WorkerHeartbeat

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = 30  # seconds
PRUNE_EVERY = 20  # beats: ten minutes
#: A worker not heard from for this long is taken to be down.
HEARTBEAT_STALE = timedelta(minutes=2)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(name: str) -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def start_heartbeat(name: str | None = None) -> threading.Event:
    """Beat now and then every ``HEARTBEAT_EVERY`` s from a daemon thread; set the event to stop."""
    name = name or worker_name()
    beat(name)
    stop = threading.Event()

    def run() -> None:
        beats = 0
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                close_old_connections()
                beat(name)
                beats += 1
                if beats % PRUNE_EVERY == 0:
                    try:
                        prune()
                    except Exception:  # housekeeping must never stop the heartbeat
                        log.exception("pruning the API's rate-limit counts failed")
        finally:
            connection.close()

    threading.Thread(target=run, name="guatu-heartbeat", daemon=True).start()
    return stop
