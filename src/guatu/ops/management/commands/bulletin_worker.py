"""``guatu bulletin_worker``: weekly bulletins, the task worker and the notifier.

Queues next Monday's bulletin run for every city (unless one is waiting) and
the schedule risk's warm-up (now, then every few minutes: ``risk.tasks``),
then runs django-tasks-db's database worker in this process; other options
are passed to it (``--batch`` works what is due and exits).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from guatu.notify.worker import start_notifier
from guatu.ops.heartbeat import start_heartbeat
from guatu.org.models import City
from guatu.risk.tasks import schedule_warm
from guatu.supervision.tasks import schedule_weekly


class Command(BaseCommand):
    help = "Schedule weekly bulletins (Monday 08:00) and run the database task worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="work the tasks that are due, then exit"
        )

    def handle(self, *args, **options) -> None:
        for city in City.objects.all():
            if schedule_weekly(city=city):
                self.stdout.write(f"Weekly bulletin scheduled for {city}.")
        if schedule_warm(when=timezone.now()):
            self.stdout.write("Schedule risk warm-up scheduled.")
        # A heartbeat row while the worker runs, for /healthz on every machine.
        stop = start_heartbeat()
        # Notifications are swept and sent by a thread of the same process.
        notifier = None if options["batch"] else start_notifier()
        try:
            call_command("db_worker", batch=options["batch"], startup_delay=False)
        finally:
            stop.set()
            if notifier is not None:
                notifier.set()
