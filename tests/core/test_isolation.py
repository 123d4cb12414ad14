"""The core stands alone: importing it must not import Django."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import guatu.core

CORE_DIR = Path(guatu.core.__file__).parent


def core_modules() -> list[str]:
    return [f"guatu.core.{m.name}" for m in pkgutil.iter_modules([str(CORE_DIR)])]


def test_importing_every_core_module_leaves_django_unimported():
    modules = core_modules()
    assert "guatu.core.units" in modules
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        + "print(len(bad)); assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_no_core_source_file_imports_django():
    for path in CORE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), path
