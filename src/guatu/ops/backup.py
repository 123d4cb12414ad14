"""Backups a city can trust: a consistent copy while the site runs, checked on restore.

A backup is a folder: the database (SQLite's online backup API, or
``pg_dump`` for PostgreSQL), then the uploaded files (site photos, published
bulletins), then ``manifest.json`` naming every file with its size and
SHA-256, the database engine and the migrations the data is at. The
database goes first: files are only ever added, so every file a backed-up
row names is already on disk when the files are copied.

Restore refuses — naming the reason — a folder without a manifest, a file
missing or changed, a backup from another engine or from a newer guatu, and
a target that already holds data. It then migrates, so a backup from an
older version comes back upgraded.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
#: Uploaded ledgers waiting for their check: swept after a day, never part of the record.
SKIP_MEDIA = {"ledger-uploads"}


class BackupError(Exception):
    """A backup or restore that can't be done, with the reason in the user's language."""


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    files: int
    bytes: int
    vendor: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """Copy one SQLite database into another with SQLite's online backup API."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _applied_migrations() -> list[list[str]]:
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.applied_migrations)


def _pg_url() -> str:
    config = settings.DATABASES[DEFAULT_DB_ALIAS]
    user = config.get("USER") or ""
    host = config.get("HOST") or ""
    port = config.get("PORT") or ""
    return f"postgresql://{user}@{host}{':' + str(port) if port else ''}/{config['NAME']}"


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    password = settings.DATABASES[DEFAULT_DB_ALIAS].get("PASSWORD")
    if password:
        env["PGPASSWORD"] = password
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is not installed (Debian: postgresql-client).") % {"tool": name}
        )
    return path


def backup_create(folder: Path) -> BackupSummary:
    """Write a backup of the database and the uploaded files into *folder* (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(_("%(folder)s is not empty.") % {"folder": folder})
    folder.mkdir(parents=True, exist_ok=True)
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = connection.vendor
    migrations = _applied_migrations()
    if vendor == "sqlite":
        # A consistent snapshot while others write.
        _sqlite_copy(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"], folder / SQLITE_FILE)
    elif vendor == "postgresql":
        run = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(folder / PG_FILE), _pg_url()],
            env=_pg_env(), capture_output=True, text=True,
        )  # fmt: skip
        if run.returncode != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": run.stderr.strip()})
    else:
        raise BackupError(_("Backups know SQLite and PostgreSQL only, not %(v)s.") % {"v": vendor})
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in sorted(media.rglob("*")):
            relative = path.relative_to(media)
            if relative.parts[0] in SKIP_MEDIA or not path.is_file():
                continue
            copy = folder / MEDIA / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "migrations": migrations,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return BackupSummary(folder, len(files), sum(f["size"] for f in files.values()), vendor)


def backup_check(folder: Path) -> dict:
    """The manifest of the backup in *folder*, after checking every file against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        files = manifest["files"]
        vendor = manifest["vendor"]
        migrations = manifest["migrations"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(
            _("%(folder)s holds no readable backup manifest (%(name)s).")
            % {"folder": folder, "name": MANIFEST}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this guatu reads."))
    for name, facts in files.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(_("The backup is damaged: %(file)s is missing.") % {"file": name})
        if path.stat().st_size != facts["size"] or _sha256(path) != facts["sha256"]:
            raise BackupError(
                _("The backup is damaged: %(file)s does not match its checksum.") % {"file": name}
            )
    database = SQLITE_FILE if vendor == "sqlite" else PG_FILE
    if database not in files:
        raise BackupError(_("The backup is damaged: it holds no database."))
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    newer = [f"{app}.{name}" for app, name in migrations if (app, name) not in known]
    if newer:
        raise BackupError(
            _("The backup comes from a newer guatu (migrations this version lacks: %(names)s).")
            % {"names": ", ".join(newer[:5])}
        )
    return manifest


def restore_into_empty(folder: Path) -> dict:
    """Restore the backup in *folder* into this (empty, or not yet created) database."""
    folder = Path(folder)
    manifest = backup_check(folder)
    connection = connections[DEFAULT_DB_ALIAS]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            _("This backup is of a %(backup)s database; this site runs on %(here)s.")
            % {"backup": manifest["vendor"], "here": connection.vendor}
        )
    if "django_migrations" in connection.introspection.table_names():
        raise BackupError(
            _("The database already holds data: restore only into an empty database.")
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(
            _("%(folder)s already holds files: restore only into an empty data folder.")
            % {"folder": media}
        )
    if manifest["vendor"] == "sqlite":
        connection.close()
        target = Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(folder / SQLITE_FILE, target)
    else:
        run = subprocess.run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", _pg_url(), str(folder / PG_FILE)],
            env=_pg_env(), capture_output=True, text=True,
        )  # fmt: skip
        if run.returncode != 0:
            raise BackupError(_("pg_restore failed: %(error)s") % {"error": run.stderr.strip()})
    for name in manifest["files"]:
        if name.startswith(f"{MEDIA}/"):
            target = media / name.removeprefix(f"{MEDIA}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, target)
    call_command("migrate", interactive=False, verbosity=0)
    return manifest
