"""The demo's bulletin for 2019-W46 in every format, and its PNG preview for the README."""

import shutil
import subprocess
from pathlib import Path

import pytest

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.supervision import render
from guatu.supervision.services import bulletin_draft, bulletin_publish

pytestmark = pytest.mark.django_db
PREVIEW = Path(__file__).resolve().parents[2] / "test-artifacts" / "bulletin-2019-W46.png"


def test_the_demo_bulletin_renders_in_all_formats_with_a_png_preview(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    supervisor = User.objects.get(username="supervisor")
    bulletin = bulletin_publish(
        actor=supervisor,
        bulletin=bulletin_draft(actor=supervisor, city=City.objects.get(), period_text="2019-W46"),
        number=46,
    )
    assert bulletin.content["number_text"] == "永重点办〔2019〕46号"
    assert render.to_html(bulletin.content).count("<svg") >= 2
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(render.to_pdf(bulletin.content))
    assert shutil.which("pdftoppm"), "poppler-utils: `make test` installs it"
    PREVIEW.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(PREVIEW.with_suffix("")),
        ],
        check=True,
        timeout=120,
    )
    assert PREVIEW.stat().st_size > 20_000
