"""``guatu ledger template|export|import``: the Excel ledger (台账) in and out."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.accounts.models import Role, User
from guatu.common.scope import scoped_to
from guatu.ledger.exporting import ledger_workbook, not_carried_note
from guatu.ledger.importing import ImportResult, ledger_import
from guatu.ledger.new_city import ledger_import_new_city
from guatu.org.passwords import write_passwords
from guatu.org.selectors import NoSuchCity, city_for_command


class Command(BaseCommand):
    help = (
        "The Excel ledger (台账): `template FILE` writes the empty template, `export FILE` the "
        "template filled with every project, its work items and progress (lights and late "
        "dates included), its blockers, organisation and bulletin numbers, and a sheet 说明 of "
        "what it does not carry (guatu backup moves everything), `import FILE [--dry-run]` "
        "reads an .xlsx or .csv ledger, all of it or nothing, and lists every problem by "
        "sheet, row and column."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["template", "export", "import"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="the supervisor importing (default: the first one)")
        parser.add_argument(
            "--city", help="the city, by name or code (needed where there are several)"
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                city = city_for_command(options["city"])
            except NoSuchCity as error:
                raise CommandError(str(error)) from error
            with scoped_to(None if city is None else (city.pk,)):
                self._ledger(city, options)

    def _ledger(self, city, options) -> None:
        path = Path(options["file"])
        if city is None and options["action"] == "import":
            self._new_city(path, dry_run=options["dry_run"])
            return
        if city is None:
            raise CommandError(
                _("No city yet: run `guatu city init`, `guatu demo` or import a city's ledger.")
            )
        if options["action"] in ("template", "export"):
            data = ledger_workbook(
                city=city, projects=[] if options["action"] == "template" else None
            )
            path.write_bytes(data)
            self.stdout.write(_("Wrote %(file)s.") % {"file": path})
            if options["action"] == "export":
                self.stdout.write(not_carried_note())
            return
        if not path.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": path})
        users = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        actor = (users.filter(username=options["user"]) if options["user"] else users).first()
        if actor is None:
            raise CommandError(_("No active supervisor user to act as."))
        result = ledger_import(source=path, actor=actor, dry_run=options["dry_run"], city=city)
        self._report(result)
        if not result.ok:
            raise CommandError(
                _("%(count)d problems found; nothing was written.")
                % {"count": len(result.problems)}
            )

    def _new_city(self, path: Path, *, dry_run: bool) -> None:
        """An empty database: the ledger must carry its city's organisation sheets."""
        if not path.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": path})
        setup, result = ledger_import_new_city(source=path, dry_run=dry_run)
        for note in setup.notes:
            self.stdout.write(note)
        if setup.problems:
            for problem in setup.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)d problems found; nothing was written.") % {"count": len(setup.problems)}
            )
        self._report(result)
        if not result.ok:
            raise CommandError(
                _("%(count)d problems found; nothing was written.")
                % {"count": len(result.problems)}
            )
        if setup.written:
            target = path.with_name(f"{path.stem}-passwords.csv")
            write_passwords(target, setup.passwords)
            self.stdout.write(
                _("City %(city)s set up from the ledger. First passwords: %(file)s")
                % {"city": setup.city.name, "file": target}
            )

    def _report(self, result: ImportResult) -> None:
        for note in result.notes:
            self.stdout.write(note)
        for problem in result.problems:
            self.stderr.write(str(problem))
        if not result.ok:
            return
        for label, changes in (
            (_("projects"), result.projects),
            (_("work items"), result.items),
            (_("progress reports"), result.progress),
            (_("reviews of above-target reports"), result.reviews),
            (_("blockers"), result.blockers),
        ):
            self.stdout.write(
                _("%(what)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged")
                % {"what": label, **changes.counts}
            )
        self.stdout.write(_("Dry run: nothing was written.") if result.dry_run else _("Written."))
