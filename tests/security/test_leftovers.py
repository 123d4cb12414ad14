"""Nothing left behind: checked uploads go after a day or when replaced."""

import os
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.ledger.test_importing import TODAY, good_ledger

pytestmark = pytest.mark.django_db


def test_checked_uploads_do_not_pile_up(tmp_path, users, city, settings):
    """The seen leftover: every ledger dry-run upload was kept in media/ forever."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city.status_date = TODAY
    city.save(update_fields=["status_date"])
    folder = Path(settings.MEDIA_ROOT) / "ledger-uploads"
    folder.mkdir(parents=True)
    stale = folder / "abandoned.xlsx"
    stale.write_bytes(b"old")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    client = Client()
    client.force_login(users["supervisor"])
    path = good_ledger(tmp_path / "台账.xlsx")
    for _ in range(3):
        with path.open("rb") as handle:
            assert client.post("/ledger/import/", {"file": handle}).status_code == 200
    assert not stale.exists()
    assert len(list(folder.iterdir())) == 1, "each new check replaces the session's last one"
