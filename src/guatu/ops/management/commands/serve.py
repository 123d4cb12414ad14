"""``guatu serve``: prepare the database and static files, then serve with gunicorn.

Everything a production start needs happens here, in order, so that no step
can be forgotten: migrations, the cache table (login throttling and
sessions' cache), collected static files (WhiteNoise serves them), the
schedule risk's compiled kernel (in a child process: numba's threads must
not be started in a process that forks the web workers); then
gunicorn with threaded workers — as many processes as the machine has CPUs,
``GUATU_THREADS`` threads each, and on PostgreSQL a pool of that many
connections per process, so at most workers × threads connections are ever
open and a burst waits for one instead of failing.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections


def default_workers() -> int:
    return max(os.cpu_count() or 1, 1)


class Command(BaseCommand):
    help = "Migrate, collect static files and serve guatu with gunicorn (production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default: the CPU count)",
        )
        parser.add_argument(
            "--no-prepare",
            action="store_true",
            help="skip migrate (and its cache table) and collectstatic (another process did them)",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="prepare and check, then exit without serving",
        )

    def handle(self, *args, bind: str, workers: int, no_prepare: bool, check_only: bool, **_):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        threads = settings.GUATU_THREADS
        if not no_prepare:
            call_command("migrate", interactive=False, verbosity=0)  # the cache table too
            call_command("collectstatic", interactive=False, verbosity=0)
            self._compile_risk_kernel()
        self._check_connections(workers * threads)
        self.stdout.write(
            f"guatu serve: {workers} workers × {threads} threads on {bind} "
            f"({connection.vendor}, data in {settings.DATA_DIR})"
        )
        if check_only:
            return
        # The workers are forked from this process: none may inherit its connections
        # (or a pool and its threads, which would also keep this process from exiting).
        for alias in connections:
            if hasattr(connections[alias], "close_pool"):
                connections[alias].close_pool()
        connections.close_all()
        self._gunicorn(bind=bind, workers=workers, threads=threads).run()

    def _compile_risk_kernel(self) -> None:
        """Compile (or load) the Monte Carlo kernel once, so the first reader of a risk
        does not wait about 12 s for numba; numba caches it on disk for every worker."""
        done = subprocess.run(
            [sys.executable, "-c", "from guatu.core.risk import warm_up; warm_up()"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise CommandError(f"The schedule risk kernel did not compile:\n{done.stderr}")

    def _check_connections(self, wanted: int) -> None:
        """Refuse to start when PostgreSQL could not give every thread a connection."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_connections")
            limit = int(cursor.fetchone()[0])
        # Leave room for the worker, backups, migrations and an administrator's psql.
        if wanted > limit - 10:
            raise CommandError(
                f"{wanted} connections wanted (workers × GUATU_THREADS) but PostgreSQL allows "
                f"{limit}: lower --workers or GUATU_THREADS, or raise max_connections."
            )

    def _gunicorn(self, *, bind: str, workers: int, threads: int):
        from gunicorn.app.base import BaseApplication

        from guatu.wsgi import application  # built once the settings are in place

        options = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            # A worker takes no more connections than its threads can soon serve, so a
            # burst is shared by the workers instead of piling up on the first to accept.
            "worker_connections": threads * 2,
            "timeout": 120,  # a bulletin or an A0 print can take a while
            "graceful_timeout": 30,
            "keepalive": 5,
            "max_requests": 5000,
            "max_requests_jitter": 500,
            "accesslog": "-",
            "logger_class": "guatu.ops.access_log.RedactingLogger",
            "errorlog": "-",
            "forwarded_allow_ips": ",".join(settings.GUATU_TRUSTED_PROXIES),
            "proc_name": "guatu",
            # gunicornc's socket beside the data, not in a home folder a service user lacks.
            "control_socket": str(settings.DATA_DIR / f"gunicorn-{bind.rsplit(':', 1)[-1]}.ctl"),
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        return Server()
