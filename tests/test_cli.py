"""The guatu command lists its own commands and reaches Django's."""

import subprocess
import sys


def guatu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guatu", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_guatu_and_django_commands():
    result = guatu("--help")
    assert result.returncode == 0, result.stderr
    ours, _, django = result.stdout.partition("Django commands")
    assert "    demo" in ours
    assert "    migrate" in django and "    runserver" in django


def test_a_django_command_runs_through_guatu():
    result = guatu("help", "demo")
    assert result.returncode == 0
    assert "永康" in result.stdout
