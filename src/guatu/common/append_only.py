"""Database triggers that make a table append-only (used by migrations).

A trigger refuses every UPDATE and DELETE, on SQLite and PostgreSQL alike,
so the history cannot be rewritten by any code path, shell or admin page.
"""

from django.db import migrations

MESSAGE = "%s is append-only: add a new row instead"


def _statements(table: str, vendor: str, forward: bool) -> list[str]:
    message = MESSAGE % table
    if vendor == "sqlite":
        if not forward:
            return [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ]
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        ]
    if vendor == "postgresql":
        if not forward:
            return [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_refuse();",
            ]
        return [
            f"CREATE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END; $$;",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse();",
        ]
    raise NotImplementedError(f"append-only trigger not written for {vendor}")


def _triggers(table: str, create: bool):
    """A migration step that creates (or drops) *table*'s append-only triggers."""

    def step(apps, schema_editor):
        for statement in _statements(table, schema_editor.connection.vendor, create):
            schema_editor.execute(statement)

    return step


def append_only(table: str) -> migrations.RunPython:
    """Return a migration operation that makes *table* append-only (and back)."""
    return migrations.RunPython(_triggers(table, True), _triggers(table, False))


def while_open(table: str, *operations) -> list:
    """Return *operations* wrapped so they run with *table*'s triggers lifted.

    SQLite adds a NOT NULL column by copying the table into a new one, which
    loses its triggers; lifting them first and putting them back afterwards
    keeps the table append-only on both databases.
    """
    lift = migrations.RunPython(_triggers(table, False), _triggers(table, True))
    return [lift, *operations, append_only(table)]
