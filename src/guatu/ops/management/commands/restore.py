"""``guatu restore DIR``: verify a backup's signed manifest and every file it names, and
restore it into an empty database and data folder (then migrate)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from guatu.ops.backup import BackupError, backup_check, restore_into_empty


class Command(BaseCommand):
    help = "Restore the backup in DIR into an empty database and data folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the backup's signature and its files against the manifest",
        )

    def handle(self, *args, folder: Path, check: bool, **options) -> None:
        try:
            manifest = backup_check(folder) if check else restore_into_empty(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        facts = {
            "folder": folder,
            "key": manifest["signature"]["key_id"],
            "vendor": manifest["vendor"],
            "files": len(manifest["files"]),
            "made": manifest["created_at"],
        }
        if check:
            message = _(
                "%(folder)s: checked, signed with key %(key)s "
                "(%(vendor)s, %(files)d files, made %(made)s)"
            )
        else:
            message = _(
                "%(folder)s: restored, signed with key %(key)s "
                "(%(vendor)s, %(files)d files, made %(made)s)"
            )
        self.stdout.write(message % facts)
