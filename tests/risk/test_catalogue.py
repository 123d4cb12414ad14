"""Notify's "to" is the recipient (收件方); a date range or a change elsewhere (the what-if,
the baseline comparison) has its own message, so the catalogue cannot call it a recipient."""

import ast
import io
import tokenize
from pathlib import Path

import polib
from django.utils.translation.template import templatize

import guatu

PACKAGE = Path(guatu.__file__).parent
ZH_PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
#: A translation that is right in one app only: the word, and the app it belongs to.
RESERVED = {"收件方": "notify"}
#: The gettext functions (and ``_``) whose first argument is the context.
CONTEXTUAL = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLAIN = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def _calls(source: str) -> list[tuple[str, str]]:
    """(context, msgid) of every gettext call with literal strings in *source*: Python,
    or a template as ``templatize`` writes it for xgettext (context "" when none)."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    found = []
    for i, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in PLAIN | CONTEXTUAL:
            continue
        if i and tokens[i - 1].string == ".":  # a method of something else
            continue
        if tokens[i + 1].string != "(":
            continue
        args, parts, j = [], [], i + 2
        while j < len(tokens) and tokens[j].type == tokenize.STRING:
            parts.append(ast.literal_eval(tokens[j].string))
            j += 1
            if tokens[j].string == ",":
                args.append("".join(parts))
                parts = []
                j += 1
            elif tokens[j].type != tokenize.STRING:
                break
        if parts:
            args.append("".join(parts))
        wanted = 2 if token.string in CONTEXTUAL else 1
        if len(args) >= wanted:
            found.append((args[0], args[1]) if wanted == 2 else ("", args[0]))
    return found


def _uses() -> dict[tuple[str, str], set[str]]:
    """Where each message is used: (context, msgid) → files, relative to the package."""
    uses: dict[tuple[str, str], set[str]] = {}
    for path in sorted(PACKAGE.rglob("*")):
        if "migrations" in path.parts or path.suffix not in (".py", ".html", ".txt"):
            continue
        if path.suffix != ".py" and "templates" not in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            source = templatize(source, origin=str(path))
        for key in _calls(source):
            uses.setdefault(key, set()).add(str(path.relative_to(PACKAGE)))
    return uses


def test_the_finder_sees_each_kind_of_call():
    python = 'x = _("a" "b"); y = pgettext_lazy("c", "d"); z = ngettext("e", "f", n); q.gettext()'
    assert _calls(python) == [("", "ab"), ("c", "d"), ("", "e")]
    page = '{% load i18n %}{% translate "to" context "range" %} {% translate "to" %}'
    assert _calls(templatize(page)) == [("range", "to"), ("", "to")]


def test_a_word_reserved_to_one_app_translates_no_message_used_elsewhere():
    """收件方 (recipient) is notify's "to"; the what-if's and the baseline comparison's "to"
    are a change (改为) and a range (至), each its own message."""
    uses = _uses()
    po = polib.pofile(str(ZH_PO))
    checked = 0
    for entry in po.translated_entries():
        for word, app in RESERVED.items():
            if word not in (entry.msgstr, *entry.msgstr_plural.values()):
                continue
            files = uses.get((entry.msgctxt or "", entry.msgid), set())
            elsewhere = sorted(f for f in files if app not in Path(f).parts)
            assert not elsewhere, f"{entry.msgid!r} → {word} is used outside {app}: {elsewhere}"
            checked += bool(files)
    assert checked, "the reserved words' own uses were not found: is the finder blind?"
