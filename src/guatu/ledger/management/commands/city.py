"""``guatu city``: start a new city from its organisation workbook.

    guatu city template FILE.xlsx            the workbook to fill in (example rows included)
    guatu city init FILE.xlsx [--dry-run]    check it and create the city, all or nothing
    guatu city export CITY FILE.xlsx         a city's organisation, as the workbook

``init`` prints every problem with its sheet, row and column and writes
nothing if there is one; otherwise it creates the city and its users and
writes each user's first password to ``--passwords`` (CSV, readable by the
owner only; default: beside the workbook) — they change it at first sign-in.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.ledger.city_setup import city_init
from guatu.ledger.exporting import organisation_workbook
from guatu.org.models import City
from guatu.org.passwords import write_passwords


class Command(BaseCommand):
    help = "Start a new city from its organisation workbook (template, init, export)."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        template = commands.add_parser("template", help="write the workbook to fill in")
        template.add_argument("file", type=Path)
        init = commands.add_parser("init", help="create the city from a filled workbook")
        init.add_argument("file", type=Path)
        init.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        init.add_argument("--passwords", type=Path, help="where to write the first passwords")
        export = commands.add_parser("export", help="write a city's organisation workbook")
        export.add_argument("city", help="the city's name or division code")
        export.add_argument("file", type=Path)

    def handle(self, *args, action: str, file: Path, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(action, file, options)

    def _handle(self, action: str, file: Path, options: dict) -> None:
        if action == "template":
            file.write_bytes(organisation_workbook())
            self.stdout.write(str(file))
        elif action == "export":
            key = options["city"]
            city = City.objects.filter(name=key).first() or City.objects.filter(code=key).first()
            if city is None:
                raise CommandError(_("No city “%(city)s”.") % {"city": key})
            file.write_bytes(organisation_workbook(city=city))
            self.stdout.write(str(file))
        else:
            self._init(file, dry_run=options["dry_run"], passwords=options["passwords"])

    def _init(self, file: Path, *, dry_run: bool, passwords: Path | None) -> None:
        if not file.is_file():
            raise CommandError(_("No file %(file)s.") % {"file": file})
        result = city_init(source=file, dry_run=dry_run)
        for note in result.notes:
            self.stdout.write(note)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)d problems: nothing was written.") % {"count": len(result.problems)}
            )
        counts = (
            _("%(towns)d 镇街区, %(villages)d 行政村, %(departments)d departments, %(users)d users")
            % result.counts
        )
        if dry_run:
            self.stdout.write(_("Checked, nothing written: %(counts)s.") % {"counts": counts})
            return
        target = passwords or file.with_name(f"{file.stem}-passwords.csv")
        write_passwords(target, result.passwords)
        self.stdout.write(
            _("City %(city)s created: %(counts)s. First passwords: %(file)s")
            % {"city": result.city.name, "counts": counts, "file": target}
        )
