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


def test_no_translation_call_hides_inside_an_f_string():
    """xgettext does not read inside an f-string: ``f"{_('resolved:')} …"`` stayed English
    on the accountability list while the catalogue marked the word obsolete."""
    import tokenize
    from pathlib import Path

    names = {"_", "gettext", "pgettext", "ngettext", "gettext_lazy", "gettext_noop"}
    hidden = []
    for path in Path("src/guatu").rglob("*.py"):
        depth = 0
        with path.open(encoding="utf-8") as source:
            tokens = list(tokenize.generate_tokens(source.readline))
        for token, call, argument in zip(tokens, tokens[1:], tokens[2:], strict=False):
            if token.type == tokenize.FSTRING_START:
                depth += 1
            elif token.type == tokenize.FSTRING_END:
                depth -= 1
            elif (  # a literal message (a variable's is extracted where it is written)
                depth
                and token.type == tokenize.NAME
                and token.string in names
                and call.string == "("
                and argument.type in (tokenize.STRING, tokenize.FSTRING_START)
            ):
                hidden.append(f"{path}:{token.start[0]}")
    assert hidden == []
