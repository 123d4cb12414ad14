"""Every string is translated into Chinese, and the compiled catalogues are current."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import guatu

PACKAGE = Path(guatu.__file__).parent
ZH_PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalogue_translates_everything():
    po = polib.pofile(str(ZH_PO))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    directory = PACKAGE / "locale" / language / "LC_MESSAGES"
    po = polib.pofile(str(directory / "django.po"))
    with (directory / "django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        if entry.msgctxt:  # the same words in another context may say something else
            assert mo.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    copy = tmp_path / "guatu"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "guatu",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "-i",
            "*/migrations/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries()]
    assert not missing, f"run `make messages` and translate: {missing}"
