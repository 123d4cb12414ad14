"""``guatu backup DIR``: a signed copy of the database and the uploaded files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from guatu.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and uploaded files into DIR (new or empty), with a manifest "
        "signed under GUATU_BACKUP_KEY."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            summary = backup_create(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("%(folder)s: %(vendor)s, %(files)d files, %(size).1f MiB, signed with key %(key)s")
            % {
                "folder": summary.folder,
                "vendor": summary.vendor,
                "files": summary.files,
                "size": summary.bytes / 1024**2,
                "key": summary.key_id,
            }
        )
