"""A command on a database not ready says what to run, instead of crashing (issue 29).

As a new city's IT officer met it: ``guatu city init`` and ``guatu ledger import`` on
a fresh database crashed with ``relation "org_city" does not exist``, and after
``guatu migrate`` ``guatu bulletin`` crashed on the missing cache table until
``guatu createcachetable``. Now each says, in Chinese, to run ``guatu migrate``,
and ``guatu migrate`` creates the cache table too.
"""

import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from guatu.manage import needs_database
from guatu.ops.database import database_problem

NOT_SET_UP = "数据库尚未初始化：请先运行 guatu migrate"


def env_for(folder, settings="guatu.settings.local") -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GUATU_DATABASE_URL",)}
    env.update(DJANGO_SETTINGS_MODULE=settings, GUATU_DATA_DIR=str(folder))
    if settings == "guatu.settings.production":
        env.update(
            GUATU_SECRET_KEY=secrets.token_urlsafe(60), GUATU_ALLOWED_HOSTS="guatu.example.gov.cn"
        )
    return env


def guatu(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guatu", *args],
        env=env,
        cwd=env["GUATU_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def tables(folder) -> set[str]:
    with closing(sqlite3.connect(folder / "guatu.sqlite3")) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_commands_on_a_fresh_database_say_to_migrate_first(tmp_path):
    env = env_for(tmp_path)
    workbook = tmp_path / "org.xlsx"
    template = guatu(env, "city", "template", str(workbook))
    assert template.returncode == 0, template.stderr  # the empty workbook needs no database
    for args in (["city", "init", str(workbook)], ["ledger", "import", str(workbook)]):
        run = guatu(env, *args)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        assert NOT_SET_UP in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert "org_city" not in tables(tmp_path), "nothing was written"


def test_migrate_creates_the_cache_table_and_so_does_a_command_that_misses_it(tmp_path):
    env = env_for(tmp_path, "guatu.settings.production")
    assert guatu(env, "migrate", "-v", "0").returncode == 0
    assert "guatu_cache" in tables(tmp_path)

    with closing(sqlite3.connect(tmp_path / "guatu.sqlite3")) as db:
        db.execute("DROP TABLE guatu_cache")  # as in a database migrated under other settings
        db.commit()
    bulletin = guatu(env, "bulletin", "--period", "2019-W46", "--out", str(tmp_path / "b"))
    assert "Traceback" not in bulletin.stderr and "guatu_cache" not in bulletin.stderr
    assert "guatu_cache" in tables(tmp_path)

    with closing(sqlite3.connect(tmp_path / "guatu.sqlite3")) as db:
        # As if the code were upgraded past the database: its last migration not applied.
        db.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
        db.commit()
    token = guatu(env, "token", "nobody")
    assert token.returncode == 1 and "Traceback" not in token.stderr, token.stderr
    assert "1 个迁移未执行" in token.stderr and "guatu migrate" in token.stderr


@pytest.mark.django_db
def test_the_test_database_is_ready():
    assert database_problem() is None


@pytest.mark.parametrize(
    ("name", "app", "options", "needed"),
    [
        ("ledger", "guatu.ledger", {"action": "import"}, True),
        ("city", "guatu.ledger", {"action": "init"}, True),
        ("city", "guatu.ledger", {"action": "template"}, False),
        ("bulletin", "guatu.supervision", {}, True),
        ("serve", "guatu.ops", {"no_prepare": False}, False),  # it migrates first
        ("serve", "guatu.ops", {"no_prepare": True}, True),
        ("demo", "guatu.demo", {}, False),
        ("backup", "guatu.ops", {}, False),  # copies it as it is
        ("restore", "guatu.ops", {}, False),
        ("createsuperuser", "django.contrib.auth", {}, True),
        ("migrate", "django.core", {}, False),
        ("createcachetable", "django.core", {}, False),
        ("showmigrations", "django.core", {}, False),
    ],
)
def test_which_commands_need_a_ready_database(name, app, options, needed):
    assert needs_database(name, app, options) is needed
