"""Backups an attacker can't rewrite (issue 28, item 7).

Seen: a bulletin PDF swapped for a forgery, with `manifest.json`'s checksum recomputed,
was "checked" and restored; a manifest entry `media/a/../../evil.txt` was written
outside the data folder's `media/`; backups were 0644 files in 0755 folders.

Now the manifest is signed with HMAC-SHA256 under `GUATU_BACKUP_KEY`, restore refuses
one that does not verify and any entry that leaves its folder before it writes
anything, and a backup is readable by its owner only. Each step runs as its own
`guatu` process on SQLite, as an IT office runs it. The tests sign their own forged
manifests with the key (canonical JSON: sorted keys, no spaces, UTF-8; the signature
left out), so a refusal is the path check's, not the signature's.
"""

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

KEY = "the-test-backup-key-" + "k" * 30
OTHER_KEY = "another-machines-key-" + "x" * 30
PDF = "media/bulletins/2019/城市周报第46期.pdf"
PHOTO = "media/photos/2019/11/site.jpg"


def guatu(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guatu", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def environment(data: Path, *, key: str | None = KEY, settings: str = "local") -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("GUATU_DATABASE_URL", "GUATU_BACKUP_KEY")
    }
    env.update(DJANGO_SETTINGS_MODULE=f"guatu.settings.{settings}", GUATU_DATA_DIR=str(data))
    if key is not None:
        env["GUATU_BACKUP_KEY"] = key
    return env


def untouched(data: Path) -> bool:
    """Nothing restored into *data*: no file but the empty SQLite file a start opens, no table."""
    files = [p for p in data.rglob("*") if p.is_file() and not p.name.startswith("guatu.sqlite3")]
    tables = []
    if (data / "guatu.sqlite3").exists():
        with closing(sqlite3.connect(data / "guatu.sqlite3")) as database:
            tables = database.execute("SELECT name FROM sqlite_master").fetchall()
    return not files and not tables


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def write_manifest(folder: Path, manifest: dict, *, key: str | None = None) -> None:
    """Write *manifest* back; with *key*, signed as guatu signs (what only a key holder can do)."""
    if key is not None:
        body = {name: value for name, value in manifest.items() if name != "signature"}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        value = hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()
        manifest["signature"] = {**manifest.get("signature", {}), "value": value}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def facts(content: bytes) -> dict:
    return {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


@pytest.fixture(scope="module")
def backup(tmp_path_factory) -> Path:
    """A backup of a migrated site holding a published bulletin's PDF and a site photo."""
    root = tmp_path_factory.mktemp("backups")
    env = environment(root / "source")
    assert guatu(env, "migrate", "-v0").returncode == 0
    for name, content in [(PDF, b"%PDF-1.7 the real bulletin"), (PHOTO, b"\xff\xd8 a photo")]:
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o644)
    made = guatu(env, "backup", str(root / "backup"))
    assert made.returncode == 0, made.stderr
    return root / "backup"


@pytest.fixture
def copy(backup, tmp_path) -> Path:
    shutil.copytree(backup, tmp_path / "backup", symlinks=True)
    return tmp_path / "backup"


def test_a_forged_file_with_a_recomputed_manifest_is_refused(copy, tmp_path):
    forged = b"%PDF-1.7 a forged bulletin"
    (copy / PDF).write_bytes(forged)
    manifest = read_manifest(copy)
    manifest["files"][PDF] = facts(forged)
    write_manifest(copy, manifest)  # what anyone with write access can do: no key
    target = tmp_path / "target"
    for args in (["--check", str(copy)], [str(copy)]):
        refused = guatu(environment(target), "restore", *args)
        assert refused.returncode != 0 and "签名校验不通过" in refused.stderr, refused.stderr
    assert untouched(target)


def test_an_unsigned_manifest_is_refused(copy, tmp_path):
    manifest = read_manifest(copy)
    manifest.pop("signature", None)
    write_manifest(copy, manifest)
    refused = guatu(environment(tmp_path / "target"), "restore", str(copy))
    assert refused.returncode != 0 and "未签名" in refused.stderr, refused.stderr
    assert untouched(tmp_path / "target")


def test_a_backup_signed_with_another_key_is_refused(copy, tmp_path):
    target = tmp_path / "target"
    refused = guatu(environment(target, key=OTHER_KEY), "restore", str(copy))
    assert refused.returncode != 0 and "另一个密钥" in refused.stderr, refused.stderr
    assert untouched(target)


def _leave_by_dots(copy: Path, outside: Path) -> str:
    (copy / "media" / "a").mkdir(parents=True)
    (copy / "evil.txt").write_bytes(b"evil")
    return "media/a/../../evil.txt"


def _leave_from_the_top(copy: Path, outside: Path) -> str:
    (copy / "evil.txt").write_bytes(b"evil")
    return "media/../evil.txt"


def _leave_by_absolute_path(copy: Path, outside: Path) -> str:
    (outside / "evil.txt").write_bytes(b"evil")
    return str(outside / "evil.txt")


def _leave_by_a_link(copy: Path, outside: Path) -> str:
    (outside / "evil.txt").write_bytes(b"evil")
    (copy / "media" / "link").symlink_to(outside, target_is_directory=True)
    return "media/link/evil.txt"


@pytest.mark.parametrize(
    "leave", [_leave_by_dots, _leave_from_the_top, _leave_by_absolute_path, _leave_by_a_link]
)
def test_a_manifest_path_that_leaves_its_folder_is_refused(copy, tmp_path, leave):
    outside = tmp_path / "outside"
    outside.mkdir()
    name = leave(copy, outside)
    manifest = read_manifest(copy)
    manifest["files"][name] = facts(b"evil")
    write_manifest(copy, manifest, key=KEY)  # even the key's holder can't aim outside
    target = tmp_path / "target"
    refused = guatu(environment(target), "restore", str(copy))
    assert refused.returncode != 0 and name in refused.stderr, refused.stderr
    assert "备份之外" in refused.stderr, refused.stderr
    assert untouched(target) and not (target / "evil.txt").exists()
    assert not list((target / "media").rglob("evil.txt"))


def test_a_backup_is_readable_by_its_owner_only(backup):
    """The source's photos and PDF were 0644 (as uploads are): the copies are 0600."""
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    for path in backup.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert (backup / PDF).is_file() and (backup / "manifest.json").is_file()


def test_production_settings_refuse_to_back_up_without_a_key_of_their_own(tmp_path):
    data = tmp_path / "site"
    for key, says in [
        (None, "GUATU_BACKUP_KEY"),
        ("short", "太短"),
        ("guatu-development-backup-key-not-for-production", "开发用"),
    ]:
        env = environment(data, key=key, settings="production")
        env.update(GUATU_SECRET_KEY="s" * 60, GUATU_ALLOWED_HOSTS="guatu.example.gov.cn")
        refused = guatu(env, "backup", str(tmp_path / "backup"))
        assert refused.returncode != 0 and says in refused.stderr, refused.stderr
        assert not (tmp_path / "backup").exists()


def test_the_untouched_backup_restores_and_says_its_key(copy, tmp_path):
    target = tmp_path / "target"
    checked = guatu(environment(target), "restore", "--check", str(copy))
    assert checked.returncode == 0, checked.stderr
    key_id = read_manifest(copy)["signature"]["key_id"]
    assert key_id in checked.stdout
    restored = guatu(environment(target), "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert (target / PDF).read_bytes() == b"%PDF-1.7 the real bulletin"
    assert (target / PHOTO).read_bytes() == b"\xff\xd8 a photo"
