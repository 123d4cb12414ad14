"""Is the database ready for guatu's commands: migrated, and its cache table there?

A command run on a database that was never migrated (or not since an
upgrade) would crash on its first query with ``no such table: org_city`` or
``relation "org_city" does not exist``. ``database_problem`` says beforehand,
in the user's language, what is wrong and what to run; the ``guatu``
dispatcher (``guatu.manage``) asks it before each command that needs the
database, and then creates the cache table if it is missing
(``cache_tables_create``).

The production settings keep the cache in the database (``guatu_cache``);
``guatu migrate`` creates that table too (``cache_tables_create`` on
``post_migrate``), and so does every command that needs the database, should
it still be missing (a database migrated under other settings, the demo's):
``guatu createcachetable`` is no longer a step anyone has to know.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

__all__ = ["cache_tables_create", "database_problem", "unapplied_migrations"]

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> int:
    """Return how many migrations of the code are not applied to the database."""
    executor = MigrationExecutor(connections[using])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _cache_tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache.get("BACKEND") == DATABASE_CACHE
    ]


def database_problem(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Return what keeps a command from using the database, with what to run; None if nothing.

    Never migrated, or migrations not applied (an upgrade). A database that
    cannot be reached is not judged here: the command's first query says so
    in the driver's words.
    """
    connection = connections[using]
    if not MigrationRecorder(connection).applied_migrations():
        return _("The database is not set up yet: run “guatu migrate” first.")
    missing = unapplied_migrations(using)
    if missing:
        return _(
            "The database is not up to date with this version of guatu "
            "(%(count)d migrations not applied): run “guatu migrate” first."
        ) % {"count": missing}
    return None


def cache_tables_create(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create the database cache's table where it is missing.

    Called after every ``migrate`` (a ``post_migrate`` receiver, hence the
    ``**kwargs``) and before each command that needs the database. Nothing to
    do for other cache backends (the local and test settings').
    """
    wanted = _cache_tables()
    if wanted and not set(wanted) <= set(connections[using].introspection.table_names()):
        call_command("createcachetable", database=using, verbosity=0)
