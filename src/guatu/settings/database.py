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


def database_from_url(url: str) -> dict[str, Any]:
    """Return a ``DATABASES`` entry for *url* (``sqlite:////abs/path``, ``postgres://…``)."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # A persistent connection gains nothing on a local file.
        config["CONN_MAX_AGE"] = 0
        if config["NAME"] and config["NAME"] != ":memory:":
            # The data folder of a fresh clone does not exist yet.
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    config["ATOMIC_REQUESTS"] = False
    return config
