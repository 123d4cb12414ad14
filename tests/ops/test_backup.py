"""`guatu backup` while reports with photos keep arriving, then `guatu restore` into an
empty database and data folder: every report, photo and bulletin of the backup comes
back intact; a damaged, foreign or newer backup, or a target holding data, is refused
with the reason.

Each step runs as its own `guatu` process on real files, as an IT office runs it: on
SQLite always, and on PostgreSQL (scratch databases on the configured server) when
the suite runs against PostgreSQL.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from guatu.ops.backup import DEVELOPMENT_KEY, manifest_sign

HERE = Path(__file__).resolve().parent
CONFIGURED = os.environ.get("GUATU_DATABASE_URL", "")
ENGINES = ["sqlite", *(["postgresql"] if CONFIGURED.startswith("postgres") else [])]


def guatu(env: dict, *args: str, check: bool = True, timeout: int = 300):
    run = subprocess.run(
        [sys.executable, "-m", "guatu", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and run.returncode != 0:
        raise AssertionError(f"guatu {' '.join(args)}: {run.stdout}{run.stderr}")
    return run


def script(env: dict, name: str, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, str(HERE / name), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture
def site(tmp_path):
    """Make (data folder, database) environments for as many sites as asked; drop them after."""
    made: list[str] = []

    def make(name: str, engine: str) -> dict:
        # Signed with the local settings' development key, whatever the shell holds.
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("GUATU_DATABASE_URL", "GUATU_BACKUP_KEY")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="guatu.settings.local", GUATU_DATA_DIR=str(tmp_path / name)
        )
        if engine == "postgresql":
            database = f"guatu_backup_{name}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(CONFIGURED, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
            made.append(database)
            env["GUATU_DATABASE_URL"] = CONFIGURED.rsplit("/", 1)[0] + f"/{database}"
        return env

    yield make
    for database in made:
        with psycopg.connect(CONFIGURED, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_under_writes_restores_whole(site, tmp_path, engine):
    source = site("source", engine)
    guatu(source, "demo")
    guatu(source, "bulletin", "--period", "2019-W46", "--out", str(tmp_path / "out"), "--publish")
    before = json.loads(script(source, "backup_inspect.py"))
    writer = subprocess.Popen(
        [sys.executable, str(HERE / "backup_writer.py"), "6"],
        env=source,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        guatu(source, "backup", str(tmp_path / "backup"))
    finally:
        written, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    # The dump and every copy are the owner's only, whatever mode their source had.
    backup = tmp_path / "backup"
    assert {stat.S_IMODE(p.lstat().st_mode) for p in backup.rglob("*") if p.is_file()} == {0o600}
    assert {stat.S_IMODE(p.lstat().st_mode) for p in [backup, *backup.rglob("*/")]} == {0o700}
    after = json.loads(script(source, "backup_inspect.py"))
    assert int(written) > 0 and len(after["reports"]) == len(before["reports"]) + int(written)

    target = site("target", engine)
    guatu(target, "restore", str(tmp_path / "backup"))
    restored = json.loads(script(target, "backup_inspect.py"))
    assert restored["integrity"] == "ok"
    # What the backup caught is whole: it lies between before and after, and every
    # photo and bulletin file is there, byte for byte the source's.
    assert set(before["reports"]) <= set(restored["reports"]) <= set(after["reports"])
    assert restored["photos"] and all(
        restored["photos"][pk] == after["photos"][pk] for pk in restored["photos"]
    )
    assert all(None not in files[:3] for files in restored["photos"].values())
    assert restored["bulletins"] == before["bulletins"]
    assert any(
        status == "published" and all(files) for status, *files in restored["bulletins"].values()
    )

    # A second restore over data, a damaged file, a missing manifest, a newer guatu: refused.
    again = guatu(target, "restore", str(tmp_path / "backup"), check=False)
    assert again.returncode != 0 and "已有数据" in again.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "backup", damaged)
    photo = next((damaged / "media").rglob("*.jpg"))
    photo.write_bytes(photo.read_bytes()[:-10])
    refused = guatu(site("third", engine), "restore", str(damaged), check=False)
    assert refused.returncode != 0 and "已损坏" in refused.stderr and photo.name in refused.stderr
    (damaged / "manifest.json").unlink()
    refused = guatu(site("fourth", engine), "restore", str(damaged), check=False)
    assert refused.returncode != 0 and "manifest.json" in refused.stderr
    newer = tmp_path / "newer"
    shutil.copytree(tmp_path / "backup", newer)
    manifest = json.loads((newer / "manifest.json").read_text())
    manifest["migrations"].append(["progress", "9999_from_the_future"])
    # Signed again as that newer guatu would (the local settings' development key).
    manifest = manifest_sign(manifest, DEVELOPMENT_KEY.encode())
    (newer / "manifest.json").write_text(json.dumps(manifest))
    refused = guatu(site("fifth", engine), "restore", str(newer), check=False)
    assert refused.returncode != 0 and "9999_from_the_future" in refused.stderr
    assert guatu(target, "restore", "--check", str(tmp_path / "backup")).returncode == 0


def test_a_backup_goes_only_into_an_empty_folder(site, tmp_path):
    env = site("busy", "sqlite")
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    refused = guatu(env, "backup", str(folder), check=False)
    assert refused.returncode != 0 and "不是空的" in refused.stderr
    assert (folder / "notes.txt").read_text() == "keep me"
