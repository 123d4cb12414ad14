"""An interrupted publish leaves nothing behind, and publishing again fetches the same files."""

from pathlib import Path

import pytest
from django.core.management import call_command

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.supervision import render
from guatu.supervision.models import Bulletin, EscalationEvent
from guatu.supervision.services import bulletin_draft, bulletin_publish

pytestmark = pytest.mark.django_db


def test_a_publish_that_fails_stores_no_file_and_no_number(demo, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    office = User.objects.get(username="supervisor")
    draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
    events = EscalationEvent.objects.count()

    def fails(content):
        raise OSError("the disk is full")

    monkeypatch.setattr(render, "to_pdf", fails)
    with pytest.raises(OSError):
        bulletin_publish(actor=office, bulletin=draft, number=46)
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT and draft.number is None
    assert EscalationEvent.objects.count() == events
    stored = Path(settings.MEDIA_ROOT)
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]


def test_publishing_again_writes_the_published_files(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = tmp_path / "out"
    call_command(
        "bulletin", "--period", "2019-W46", "--out", str(out), "--publish", "--number", "46"
    )
    first = (out / "bulletin-2019-W46.docx").read_bytes()
    (out / "bulletin-2019-W46.pdf").unlink()  # as if the first run had been interrupted
    call_command(
        "bulletin", "--period", "2019-W46", "--out", str(out), "--publish", "--number", "46"
    )
    assert (out / "bulletin-2019-W46.docx").read_bytes() == first
    assert (out / "bulletin-2019-W46.pdf").stat().st_size > 1000
    assert Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED, number=46).count() == 1
