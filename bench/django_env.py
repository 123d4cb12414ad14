"""Start Django for a benchmark: a throw-away data folder, test settings, a migrated database."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_environment(prefix: str = "guatu-bench-", database_url: str | None = None) -> Path:
    """Set up Django on a fresh database (SQLite in a temporary folder unless *database_url*)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(GUATU_DATA_DIR=str(folder), DJANGO_SETTINGS_MODULE="guatu.settings.test")
    if database_url:
        os.environ["GUATU_DATABASE_URL"] = database_url
    else:
        os.environ.pop("GUATU_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder
