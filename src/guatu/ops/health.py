"""``/healthz``: may a load balancer send this instance traffic?

Checked, each with its finding: the database answers; every migration is
applied; the data folder has room; and the task worker — its heartbeat is
fresh and no task waits more than ``WORKER_LATE`` past its time. 200 when
all pass, 503 naming what failed. The worker does not serve pages: a load
balancer that should keep sending traffic while the worker restarts asks
``/healthz?web=1``, which leaves it out of the status (it is still listed).
No sign-in and no data in the answer beyond the checks themselves.
"""

import shutil
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guatu.ops.database import unapplied_migrations
from guatu.ops.heartbeat import HEARTBEAT_STALE
from guatu.ops.models import WorkerHeartbeat

WORKER_LATE = timedelta(minutes=10)
MIN_FREE_BYTES = 1024**3  # 1 GiB


def _database() -> tuple[bool, str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True, connections[DEFAULT_DB_ALIAS].vendor


def _migrations() -> tuple[bool, str]:
    missing = unapplied_migrations()
    return not missing, f"{missing} unapplied" if missing else "all applied"


def _worker() -> tuple[bool, str]:
    """The worker's heartbeat, and no task waiting long past its time."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    waiting = (
        DBTaskResult.objects.filter(status="READY", run_after__lt=now - WORKER_LATE)
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    if latest is None:
        seen, alive = "no worker has reported yet", None
    else:
        age = int((now - latest.seen_at).total_seconds())
        seen, alive = f"{latest.name} seen {age} s ago", now - latest.seen_at <= HEARTBEAT_STALE
    if waiting is not None:
        return False, f"{seen}; a task has waited since {waiting.isoformat()}"
    return alive is not False, seen


def _disk() -> tuple[bool, str]:
    folder = settings.DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    return free >= MIN_FREE_BYTES, f"{free // 1024**2} MiB free"


CHECKS = {"database": _database, "migrations": _migrations, "worker": _worker, "disk": _disk}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            ok, detail = check()
        except Exception as error:  # a check that can't run has failed
            ok, detail = False, f"{type(error).__name__}: {error}"[:200]
        results[name] = {"ok": ok, "detail": detail}
    counted = [n for n in results if not (n == "worker" and request.GET.get("web") == "1")]
    healthy = all(results[name]["ok"] for name in counted)
    return JsonResponse({"ok": healthy, "checks": results}, status=200 if healthy else 503)
