"""Turn ``GUATU_DATABASE_URL`` into Django's database settings."""

from pathlib import Path
from typing import Any

import dj_database_url

#: SQLite is the embedded default; these make it fit for a small office:
#: WAL lets readers work while a report is written, IMMEDIATE transactions
#: take the write lock up front instead of failing halfway, and a busy
#: timeout waits for a concurrent writer rather than erroring at once.
#: (Django always turns SQLite's foreign keys on.)
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


#: How long a request waits for a pooled PostgreSQL connection before failing.
POOL_TIMEOUT = 30


def database_from_url(url: str, *, pool: int | None = None) -> dict[str, Any]:
    """Return a ``DATABASES`` entry for *url* (``sqlite:////abs/path``, ``postgres://…``).

    *pool*: for PostgreSQL, at most this many connections per process, shared
    by its threads through psycopg's pool — a burst of requests queues for a
    connection (up to ``POOL_TIMEOUT`` s) instead of opening one each until
    the server refuses ("too many clients"). ``guatu serve`` sizes it with
    its threads.
    """
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if pool and config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": pool, "timeout": POOL_TIMEOUT},
        }
        # The pool keeps the connections; Django must hand each back after a request.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # A persistent connection gains nothing on a local file.
        config["CONN_MAX_AGE"] = 0
        if config["NAME"] and config["NAME"] != ":memory:":
            # The data folder of a fresh clone does not exist yet.
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    config["ATOMIC_REQUESTS"] = False
    return config
