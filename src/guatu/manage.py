"""Django's command dispatcher under guatu's name, with guatu's commands listed first.

Before a command that needs the database runs, the dispatcher asks whether
the database is ready (``guatu.ops.database``): a database never migrated, or
not since an upgrade, stops the command with what to run (``数据库尚未初始化：
请先运行 guatu migrate``) instead of a traceback ending in ``no such table:
org_city``; a missing cache table is created. Which commands need the
database is said here, once: every guatu command and Django's data commands,
except those listed in ``RUN_WITHOUT_DATABASE``.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.management import BaseCommand, CommandError, ManagementUtility, get_commands
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation

from guatu.ops.database import cache_tables_create, database_problem

DEFAULT_SETTINGS = "guatu.settings.local"


def _always(options: dict) -> bool:
    return True


#: guatu's commands that run on a database not (yet) migrated, and when (given
#: the command's parsed options): ``serve`` and ``demo`` migrate it first (serve
#: unless told another process did), ``backup`` copies it as it is (its manifest
#: names the migrations applied), ``restore`` replaces it, ``schedule`` reads
#: and writes files, ``intake`` names projects only where it can, and
#: ``city template`` writes the empty workbook.
RUN_WITHOUT_DATABASE: dict[str, Callable[[dict], bool]] = {
    "serve": lambda options: not options.get("no_prepare"),
    "demo": _always,
    "backup": _always,
    "restore": _always,
    "schedule": _always,
    "intake": _always,
    "city": lambda options: options.get("action") == "template",
}
#: Django's commands that read or write guatu's data (its others set the database
#: up, look at it, or need none).
DJANGO_DATA_COMMANDS = frozenset(
    {
        "changepassword",
        "clearsessions",
        "createsuperuser",
        "db_worker",
        "dumpdata",
        "loaddata",
        "prune_db_task_results",
    }
)


def needs_database(name: str, app: str, options: dict) -> bool:
    """Whether command *name* of *app*, with these *options*, needs a ready database."""
    if app.startswith("guatu"):
        without = RUN_WITHOUT_DATABASE.get(name)
        return without is None or not without(options)
    return name in DJANGO_DATA_COMMANDS


def _database_first(name: str, app: str, execute: Callable) -> Callable:
    @functools.wraps(execute)
    def checked(*args, **options):
        if needs_database(name, app, options):
            using = options.get("database") or DEFAULT_DB_ALIAS
            with translation.override(settings.LANGUAGE_CODE):
                problem = database_problem(using)
            if problem:
                raise CommandError(problem)
            cache_tables_create(using=using)
        return execute(*args, **options)

    return checked


class GuatuUtility(ManagementUtility):
    """Django's command dispatcher with guatu's commands at the top of the help."""

    def fetch_command(self, subcommand: str) -> BaseCommand:
        """Return the command, made to check the database first where it needs it.

        The check wraps the command's ``execute`` (not ``handle``) so that it sees
        the parsed options (``city template`` needs none) and its refusal is
        printed like any ``CommandError``, without a traceback. Commands run by
        ``call_command`` (tests, ``serve``) are not wrapped.
        """
        command = super().fetch_command(subcommand)
        app = get_commands().get(subcommand)
        if isinstance(app, str):
            command.execute = _database_first(subcommand, app, command.execute)
        return command

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only:
            return super().main_help_text(commands_only=True)
        ours = sorted(name for name, app in get_commands().items() if app.startswith("guatu"))
        lines = [
            "guatu (挂图) — key projects driven to their deadlines from the wall chart.",
            "",
            "Usage: guatu <command> [options]; guatu help <command> for a command's options.",
            "",
            "guatu commands:",
            *(f"    {name}" for name in ours),
            "",
            f"Django commands (settings: $DJANGO_SETTINGS_MODULE, default {DEFAULT_SETTINGS}):",
            *(
                f"    {name}"
                for name, app in sorted(get_commands().items())
                if not app.startswith("guatu")
            ),
        ]
        return "\n".join(lines)
