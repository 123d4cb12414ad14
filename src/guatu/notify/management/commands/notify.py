"""``guatu notify``: queue the day's reminders and alerts and send what is due.

``guatu bulletin_worker`` does this continuously in a thread; this command is for
a one-off round (``--once``) or a cron job.
"""

from django.core.management.base import BaseCommand

from guatu.notify.worker import run_once


class Command(BaseCommand):
    help = "Queue today's reminders and blocker alerts, then send every due notification once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one round (the default)")

    def handle(self, *args, **options) -> None:
        counts = run_once()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in sorted(counts.items())))
