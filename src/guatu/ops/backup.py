"""Backups a city can trust: a consistent copy while the site runs, checked on restore.

A backup is a folder: the database (SQLite's online backup API, or
``pg_dump`` for PostgreSQL), then the uploaded files (site photos, published
bulletins), then ``manifest.json`` naming every file with its size and
SHA-256, the database engine and the migrations the data is at. The
database goes first: files are only ever added, so every file a backed-up
row names is already on disk when the files are copied.

The manifest is signed: ``signature.value`` is the HMAC-SHA256, under the
backup key, of the manifest without its signature written as canonical JSON
(keys sorted, no spaces, UTF-8). A checksum alone proves nothing against
someone who can write the backup's folder — they recompute it — while the
signature needs the key, which is kept apart from the backups
(docs/DEPLOY.md). The key is ``GUATU_BACKUP_KEY``, its own and not derived
from ``GUATU_SECRET_KEY``, so that rotating the site's secret key leaves
every backup restorable (while the backup key itself changes it lists
several, comma-separated: the first signs, each verifies); the local and
test settings fall back to a fixed development key, which every other
settings module refuses. The manifest records the key's id (a digest of
it, never the key), so a refusal can tell "signed with another key" from
"changed".

A backup is readable by its owner only: folders 0700, files 0600.

Restore refuses — naming the reason, before it writes anything — a folder
without a manifest, a manifest that is unsigned or does not verify, a file
named outside its folder (an absolute path, ``..``, a link leading out), a
file missing or changed, a backup from another engine or from a newer
guatu, and a target that already holds data. It then migrates, so a backup
from an older version comes back upgraded.
"""

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

#: 2: signed manifests. A format-1 backup (unsigned) can't be verified and is refused.
FORMAT = 2
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
#: Uploaded ledgers waiting for their check: swept after a day, never part of the record.
SKIP_MEDIA = {"ledger-uploads"}
KEY_VARIABLE = "GUATU_BACKUP_KEY"
KEY_MIN_LENGTH = 32
#: Published here, so it proves nothing: only the local and test settings accept it.
DEVELOPMENT_KEY = "guatu-development-backup-key-not-for-production"
DEVELOPMENT_SETTINGS = {"guatu.settings.local", "guatu.settings.test"}
ALGORITHM = "HMAC-SHA256"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class BackupError(Exception):
    """A backup or restore that can't be done, with the reason in the user's language."""


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    files: int
    bytes: int
    vendor: str
    key_id: str


def backup_keys() -> list[bytes]:
    """Return the keys that verify backups, the one that signs them first.

    ``GUATU_BACKUP_KEY`` from the environment, read when a backup is made or
    checked (never held in the settings): one key, or several comma-separated
    while the key changes (the new one first; the old ones still verify the
    backups made under them). Without it, the fixed development key under the
    local and test settings, and a refusal under any other.
    """
    values = [v.strip() for v in os.environ.get(KEY_VARIABLE, "").split(",") if v.strip()]
    development = settings.SETTINGS_MODULE in DEVELOPMENT_SETTINGS
    if not values and development:
        return [DEVELOPMENT_KEY.encode()]
    if not values:
        raise BackupError(
            _(
                "GUATU_BACKUP_KEY is not set: backups are signed with it and restored only "
                "when they verify under it. Set it in the environment (the key the backups "
                "were made with, to restore them); see docs/DEPLOY.md."
            )
        )
    if any(len(value) < KEY_MIN_LENGTH for value in values):
        raise BackupError(
            _("GUATU_BACKUP_KEY is too short: use at least %(n)d random characters.")
            % {"n": KEY_MIN_LENGTH}
        )
    if DEVELOPMENT_KEY in values and not development:
        raise BackupError(
            _("GUATU_BACKUP_KEY is the published development key: set a key of your own.")
        )
    return [value.encode("utf-8") for value in values]


def key_id(key: bytes) -> str:
    """Name *key* without revealing it: 12 hex digits of an HMAC under the key."""
    return hmac.new(key, b"guatu backup key id", hashlib.sha256).hexdigest()[:12]


def _canonical(manifest: dict) -> bytes:
    body = {name: value for name, value in manifest.items() if name != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def manifest_sign(manifest: dict, key: bytes) -> dict:
    """Return *manifest* with its signature under *key*."""
    value = hmac.new(key, _canonical(manifest), hashlib.sha256).hexdigest()
    return {
        **manifest,
        "signature": {"algorithm": ALGORITHM, "key_id": key_id(key), "value": value},
    }


def manifest_verify(manifest: dict, keys: list[bytes]) -> bytes:
    """Return the key of *keys* that *manifest* is signed under, exactly as it reads.

    The manifest's key id picks the key, so a refusal says whether the key is
    missing here or the manifest was changed.
    """
    signature = manifest.get("signature")
    if not (
        isinstance(signature, dict)
        and signature.get("algorithm") == ALGORITHM
        and isinstance(signature.get("value"), str)
        and re.fullmatch(r"[0-9a-f]{12}", str(signature.get("key_id", "")))
    ):
        raise BackupError(_("The backup's manifest is not signed: it cannot be trusted."))
    key = next((key for key in keys if key_id(key) == signature["key_id"]), None)
    if key is None:
        raise BackupError(
            _(
                "The backup was signed with another key (%(theirs)s; GUATU_BACKUP_KEY here is "
                "%(ours)s): set the key it was made with."
            )
            % {"theirs": signature["key_id"], "ours": ", ".join(key_id(key) for key in keys)}
        )
    expected = hmac.new(key, _canonical(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature["value"].encode()):
        raise BackupError(
            _(
                "The backup's manifest does not verify: it was changed after the backup was "
                "made (a file replaced and its checksum rewritten, or the list edited)."
            )
        )
    return key


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


@contextmanager
def _private():
    """Create files 0600 and folders 0700 meanwhile, pg_dump's and SQLite's included.

    The umask is the process's: a backup runs in its own command, one at a time.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _lock_down(folder: Path) -> None:
    """Make *folder* and everything in it its owner's only (copies keep their source's mode)."""
    folder.chmod(FOLDER_MODE)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(FOLDER_MODE if path.is_dir() else FILE_MODE)


def _database_copy(folder: Path, vendor: str) -> None:
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


def _media_copy(folder: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return
    for path in sorted(media.rglob("*")):
        relative = path.relative_to(media)
        if relative.parts[0] in SKIP_MEDIA or not path.is_file():
            continue
        copy = folder / MEDIA / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)


def backup_create(folder: Path) -> BackupSummary:
    """Write a signed backup of the database and the uploaded files into *folder* (new or empty)."""
    folder = Path(folder)
    key = backup_keys()[0]  # refused before anything is written
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(_("%(folder)s is not empty.") % {"folder": folder})
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    migrations = _applied_migrations()
    with _private():
        folder.mkdir(parents=True, exist_ok=True)
        _database_copy(folder, vendor)
        _media_copy(folder)
        _lock_down(folder)
        files = {
            path.relative_to(folder).as_posix(): {
                "size": path.stat().st_size,
                "sha256": _sha256(path),
            }
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "migrations": migrations,
            "files": files,
        }
        manifest = manifest_sign(manifest, key)
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        _lock_down(folder)
    size = sum(f["size"] for f in files.values())
    return BackupSummary(folder, len(files), size, vendor, key_id(key))


def _manifest_read(folder: Path) -> dict:
    """The manifest in *folder*, verified under the backup key, its fields of the right types."""
    unreadable = BackupError(
        _("%(folder)s holds no readable backup manifest (%(name)s).")
        % {"folder": folder, "name": MANIFEST}
    )
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise unreadable from None
    if not isinstance(manifest, dict):
        raise unreadable
    if manifest.get("format") == 1:
        raise BackupError(
            _(
                "This backup was made before guatu signed its backups, so it cannot be "
                "verified: restore it with the guatu that made it, then back up again."
            )
        )
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this guatu reads."))
    manifest_verify(manifest, backup_keys())
    files, migrations = manifest.get("files"), manifest.get("migrations")
    if not (
        isinstance(files, dict)
        and all(
            isinstance(f, dict)
            and isinstance(f.get("size"), int)
            and isinstance(f.get("sha256"), str)
            for f in files.values()
        )
        and isinstance(manifest.get("vendor"), str)
        and isinstance(manifest.get("created_at"), str)
        and isinstance(migrations, list)
        and all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(p, str) for p in m)
            for m in migrations
        )
    ):
        raise unreadable
    return manifest


def _outside(name: str) -> BackupError:
    return BackupError(
        _("The backup's manifest names a file outside the backup: %(file)s. Nothing was restored.")
        % {"file": name}
    )


def _entry_path(folder: Path, name: str) -> Path:
    """The manifest's file *name* inside *folder*: the database, or a file under ``media/``.

    Refuse a name that is absolute, holds ``..`` or ``.`` or an empty part, is not
    written the one way a backup writes it, or leads out of *folder* through a link.
    """
    pure = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\0" in name
        or pure.is_absolute()
        or pure.as_posix() != name
        or any(part in (".", "..") for part in pure.parts)
        or not (name in (SQLITE_FILE, PG_FILE) or (len(pure.parts) > 1 and pure.parts[0] == MEDIA))
    ):
        raise _outside(name)
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise _outside(name)
    return path


def backup_check(folder: Path) -> dict:
    """The manifest of the backup in *folder*, after checking it and every file it names."""
    folder = Path(folder)
    manifest = _manifest_read(folder)
    paths = {name: _entry_path(folder, name) for name in manifest["files"]}
    for name, facts in manifest["files"].items():
        path = paths[name]
        if not path.is_file():
            raise BackupError(_("The backup is damaged: %(file)s is missing.") % {"file": name})
        if path.stat().st_size != facts["size"] or _sha256(path) != facts["sha256"]:
            raise BackupError(
                _("The backup is damaged: %(file)s does not match its checksum.") % {"file": name}
            )
    database = SQLITE_FILE if manifest["vendor"] == "sqlite" else PG_FILE
    if database not in manifest["files"]:
        raise BackupError(_("The backup is damaged: it holds no database."))
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    newer = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if newer:
        raise BackupError(
            _("The backup comes from a newer guatu (migrations this version lacks: %(names)s).")
            % {"names": ", ".join(newer[:5])}
        )
    return manifest


def _media_targets(manifest: dict) -> dict[str, Path]:
    """Where each uploaded file of *manifest* goes: inside ``MEDIA_ROOT``, or refused."""
    media = Path(settings.MEDIA_ROOT)
    targets = {}
    for name in manifest["files"]:
        if name.startswith(f"{MEDIA}/"):
            target = media / name.removeprefix(f"{MEDIA}/")
            if not target.resolve().is_relative_to(media.resolve()):
                raise _outside(name)
            targets[name] = target
    return targets


def _media_restore(folder: Path, targets: dict[str, Path]) -> None:
    """Copy the uploaded files back with the modes an upload gets, and their times."""
    for name, target in targets.items():
        source = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if settings.FILE_UPLOAD_PERMISSIONS is not None:
            target.chmod(settings.FILE_UPLOAD_PERMISSIONS)
        facts = source.stat()
        os.utime(target, ns=(facts.st_atime_ns, facts.st_mtime_ns))


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
    targets = _media_targets(manifest)
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
    _media_restore(folder, targets)
    call_command("migrate", interactive=False, verbosity=0)
    return manifest
