"""``guatu backup DIR``: a consistent copy of the database and the uploaded files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guatu.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded files into DIR (new or empty), with a manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            summary = backup_create(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{summary.folder}: {summary.vendor}, {summary.files} files, "
            f"{summary.bytes / 1024**2:.1f} MiB"
        )
