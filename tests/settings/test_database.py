"""The database comes from GUATU_DATABASE_URL; the SQLite default runs in WAL mode."""

import os
import sqlite3
import subprocess
import sys

from guatu.settings.database import database_from_url


def test_a_postgres_url_gives_the_postgres_backend():
    config = database_from_url("postgres://guatu@127.0.0.1:5432/guatu")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "127.0.0.1",
        5432,
        "guatu",
        "guatu",
    )


def test_a_sqlite_url_gets_wal_and_immediate_transactions():
    config = database_from_url("sqlite:////tmp/x/guatu.sqlite3")
    assert config["NAME"] == "/tmp/x/guatu.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_default_database_is_a_wal_sqlite_file_in_the_data_folder(tmp_path):
    env = {**os.environ, "GUATU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("GUATU_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "-m", "guatu", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "guatu.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        triggers = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert "progress_progressreport_no_update" in triggers
