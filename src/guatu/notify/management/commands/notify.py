"""``guatu notify``: queue the day's reminders and alerts and send what is due.

``guatu bulletin_worker`` does this continuously in a thread; this command is for
a one-off round (``--once``) or a cron job. ``--reseal`` seals every robot's
secret again with the first key of ``GUATU_DATA_KEY`` (after a change of key).
"""

from django.core.management.base import BaseCommand

from guatu.notify.services import robot_secrets_reseal
from guatu.notify.worker import run_once


class Command(BaseCommand):
    help = "Queue today's reminders and blocker alerts, then send every due notification once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one round (the default)")
        parser.add_argument(
            "--reseal",
            action="store_true",
            help="seal every robot's secret again with GUATU_DATA_KEY's first key; send nothing",
        )

    def handle(self, *args, **options) -> None:
        if options["reseal"]:
            resealed, unreadable = robot_secrets_reseal()
            self.stdout.write(f"resealed={resealed} unreadable={unreadable}")
            return
        counts = run_once()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in sorted(counts.items())))
