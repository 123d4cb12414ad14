"""``guatu restore DIR``: check a backup against its manifest and restore it into an
empty database and data folder (then migrate)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guatu.ops.backup import BackupError, backup_check, restore_into_empty


class Command(BaseCommand):
    help = "Restore the backup in DIR into an empty database and data folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="only check the backup against its manifest"
        )

    def handle(self, *args, folder: Path, check: bool, **options) -> None:
        try:
            manifest = backup_check(folder) if check else restore_into_empty(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verb = "checked" if check else "restored"
        self.stdout.write(
            f"{folder}: {verb} ({manifest['vendor']}, {len(manifest['files'])} files, "
            f"made {manifest['created_at']})"
        )
