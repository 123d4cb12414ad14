"""``guatu schedule`` on the bench CSV formats and on MSPDI files."""

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "core" / "data"


def guatu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guatu", "schedule", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_csv_in_result_out(tmp_path):
    out = tmp_path / "result.csv"
    done = guatu(
        str(DATA / "tiny" / "activities.csv"),
        str(DATA / "tiny" / "links.csv"),
        "--deadline",
        "17",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == (DATA / "tiny" / "expected_deadline17.csv").read_text()
    assert "critical=6" in done.stdout and "min_tf=-2" in done.stdout


def test_bad_cells_are_all_named_in_chinese(tmp_path):
    links = tmp_path / "links.csv"
    links.write_text("pred,succ,type,lag\n0,1,FS,0\n1,x,FS,0\n2,3,XX,1\n3,4,SS,1.5\n")
    done = guatu(str(DATA / "tiny" / "activities.csv"), str(links))
    assert done.returncode != 0
    for place in ("第 3 行", "第 4 行", "第 5 行"):
        assert place in done.stderr, done.stderr
    assert "succ" in done.stderr and "type" in done.stderr and "lag" in done.stderr


def test_a_cycle_is_named(tmp_path):
    activities = tmp_path / "a.csv"
    activities.write_text("id,duration\n1,2\n2,3\n3,1\n")
    links = tmp_path / "l.csv"
    links.write_text("pred,succ,type,lag\n1,2,FS,0\n2,3,FS,0\n3,2,FS,0\n")
    done = guatu(str(activities), str(links))
    assert done.returncode != 0
    assert "循环" in done.stderr
    assert "2 → 3 → 2" in done.stderr or "3 → 2 → 3" in done.stderr


def test_mspdi_table():
    done = guatu("--mspdi", str(DATA / "mspdi" / "mspdirelations.xml"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split("\t")[:2] == ["UID", "名称"]
    assert lines[1].split("\t")[:4] == ["1", "Task 1", "2006-09-21 08:00", "2006-09-21 17:00"]
    # Task 5's finish is set by an SF link from Task 4's start: Microsoft keeps 08:00.
    assert lines[5].split("\t")[2:4] == ["2006-09-22 08:00", "2006-09-25 08:00"]
    assert len(lines) == 6


def test_mspdi_import_and_export_through_the_command(tmp_path):
    env_dir = tmp_path / "data"
    import os

    env = {**os.environ, "GUATU_DATA_DIR": str(env_dir)}
    env.pop("GUATU_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "guatu", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )

    assert run("demo").returncode == 0
    done = run(
        "mspdi",
        "import",
        str(DATA / "mspdi" / "mspdirelations.xml"),
        "--code",
        "relations",
        "--department",
        "交通局",
    )
    assert done.returncode == 0, done.stderr
    assert "5" in done.stdout
    out = tmp_path / "railway.xml"
    done = run("mspdi", "export", "jintai-railway", str(out))
    assert done.returncode == 0, done.stderr
    assert "金台铁路永康段" in out.read_text(encoding="utf-8")
    bad = run(
        "mspdi",
        "import",
        str(DATA / "mspdi" / "mspditimephasedsegments.xml"),
        "--code",
        "bad",
        "--department",
        "交通局",
    )
    assert bad.returncode != 0 and "Task Fifteen（UID 16）" in bad.stderr


def test_a_csv_run_does_not_start_django(tmp_path):
    """The command needs no database: a well-formed run never imports Django."""
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "guatu",
            "schedule",
            str(DATA / "tiny" / "activities.csv"),
            str(DATA / "tiny" / "links.csv"),
            "--out",
            str(tmp_path / "r.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "numpy" in imported and not any(name.startswith("django") for name in imported)
    assert (tmp_path / "r.csv").read_text() == (DATA / "tiny" / "expected.csv").read_text()
