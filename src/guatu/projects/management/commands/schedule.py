"""``guatu schedule``: the CPM engine on schedule files, without the database.

    guatu schedule ACTIVITIES LINKS [--deadline D] [--out RESULT]
    guatu schedule --plan FILE          (also --mspdi FILE)

The first form reads and writes the bench CSV formats (``shared/bench/README.md``);
the second schedules a plan (Microsoft Project .xml/.mpp/.mpx, Primavera .xer/.pmxml)
to the minute and prints its table, or refuses it naming the task and the reason.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.core.errors import CoreError
from guatu.core.mspdi import read_mspdi
from guatu.core.mspdi_schedule import schedule_mspdi
from guatu.errors import translate, translate_problems
from guatu.projects.plan_files import as_mspdi
from guatu.projects.schedule_csv import add_csv_arguments, schedule_csv


class Command(BaseCommand):
    help = (
        "Compute the CPM schedule (early/late start and finish, total float) of a network "
        "in the bench CSV formats, or of a Microsoft Project XML (MSPDI) file."
    )

    # A run that needs no database needs no system checks either.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        add_csv_arguments(parser)
        parser.add_argument(
            "--plan",
            "--mspdi",
            dest="mspdi",
            help="a plan to schedule: Microsoft Project .xml/.mpp/.mpx, Primavera .xer/.pmxml",
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                if options["mspdi"]:
                    self._mspdi(options["mspdi"])
                elif options["activities"] and options["links"]:
                    self._csv(options)
                else:
                    raise CommandError(_("Give ACTIVITIES and LINKS files, or --plan FILE."))
            except CoreError as error:
                raise CommandError(
                    "\n".join([translate(error), *translate_problems(error)])
                ) from error

    def _csv(self, options) -> None:
        lines = schedule_csv(
            options["activities"], options["links"], options["deadline"], options["out"]
        )
        self.stdout.write("\n".join(lines))

    def _mspdi(self, path: str) -> None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            project = read_mspdi(as_mspdi(Path(path), Path(folder)))
        table = schedule_mspdi(project)
        header = [
            _("UID"),
            _("Name"),
            _("Start"),
            _("Finish"),
            _("Late start"),
            _("Late finish"),
            _("Total float (days)"),
            _("Free float (days)"),
            _("Critical"),
        ]
        self.stdout.write("\t".join(header))
        for row in table:
            self.stdout.write("\t".join(str(value) for value in row))
