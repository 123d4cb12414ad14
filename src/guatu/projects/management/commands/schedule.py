"""``guatu schedule``: the CPM engine on schedule files, without the database.

    guatu schedule ACTIVITIES LINKS [--deadline D] [--out RESULT]
    guatu schedule --plan FILE          (also --mspdi FILE)

The first form reads and writes the bench CSV formats (``shared/bench/README.md``);
the second schedules a plan (Microsoft Project .xml/.mpp/.mpx, Primavera .xer/.pmxml)
to the minute and prints its table, or refuses it naming the task and the reason.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.core.errors import CoreError
from guatu.core.schedule import Network, schedule
from guatu.core.schedule_io import read_activities, read_links, write_result
from guatu.errors import translate, translate_problems


class Command(BaseCommand):
    help = (
        "Compute the CPM schedule (early/late start and finish, total float) of a network "
        "in the bench CSV formats, or of a Microsoft Project XML (MSPDI) file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("activities", nargs="?", help="activities.csv: id,duration")
        parser.add_argument("links", nargs="?", help="links.csv: pred,succ,type,lag")
        parser.add_argument("--deadline", type=int, help="target finish, days from the start")
        parser.add_argument("--out", help="result CSV: id,es,ef,ls,lf,tf")
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
        started = time.perf_counter()
        ids, durations = read_activities(options["activities"])
        pred, succ, kind, lag = read_links(options["links"])
        loaded = time.perf_counter()
        network, ids = Network.from_ids(ids, durations, pred, succ, kind, lag)
        result = schedule(network, deadline=options["deadline"], names=lambda i: str(ids[i]))
        computed = time.perf_counter()
        if options["out"]:
            write_result(options["out"], ids, result)
        # key=value, like the reference's output, for scripts: not translated.
        min_tf = int(result.tf.min()) if network.size else 0
        self.stdout.write(
            f"activities={network.size} links={len(network.pred)} "
            f"early_finish={result.early_finish} deadline={result.finish} "
            f"critical={int(result.critical.sum())} min_tf={min_tf} "
            f"late={int((result.days_late > 0).sum())}"
        )
        self.stdout.write(f"load_s={loaded - started:.3f}")
        self.stdout.write(f"compute_s={computed - loaded:.3f}")

    def _mspdi(self, path: str) -> None:
        import tempfile
        from pathlib import Path

        from guatu.core.mspdi import read_mspdi
        from guatu.core.mspdi_schedule import schedule_mspdi
        from guatu.projects.plan_files import as_mspdi

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
