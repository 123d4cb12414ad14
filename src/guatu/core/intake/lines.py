"""The source's lines for ``restore``: undoubled, classified, their blanks cleaned.

Each line keeps the source offset of every character it still holds, and
every character it drops is listed as a ``Change`` (see ``restore``'s module
docstring for the rules). The names are ``restore``'s internals.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from guatu.core.intake.page import CREDIT, PARAGRAPH_INDENT, Change

__all__ = ["BYLINE", "LEADER", "TERMINAL"]

TERMINAL = "。！？!?…”」』）)"
LEADER = re.compile(r"^[.．·…。\s]{5,}")
BYLINE = re.compile(
    r"^[□■◇◆]?\s*(?:首席|见习|特约)?(?:记者|通讯员)(?:\s*[\u4e00-\u9fff]{2,4})+\s*$"
)
#: Characters that join a word: between two of these a blank is meaningful.
_LATIN = re.compile(r"[A-Za-z0-9%.\-]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]")
_BLANK = re.compile(r"\s")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_CLAUSE = re.compile(r"[，、；]")
_RUN_GAP = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")
_SENTENCE_MARK = re.compile(r"[，。、；：]")
#: Blanks stripped from the ends of a line: all but the full-width space of an indent.
_OUTER_BLANKS = " \t\r\x0b\x0c\xa0"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
#: Blanks that a display line may keep or lose without meaning anything.
_PASSTHROUGH = set(" \t\r\u3000.．·…")


@dataclass
class _Line:
    start: int  # source offset of the first character of ``raw``
    raw: str
    text: str = ""  # after undoubling and blank handling
    kind: str = "text"  # text, byline, leader, doubled, display, caption_end, indented
    offsets: list[int] = field(default_factory=list)  # source offset of each char of text
    blank_before: bool = False
    index: int = 0  # position among the non-blank lines


def _mark_heads(lines: list[_Line]) -> None:
    """Mark the lines just above each byline as its article's head (kicker, headline).

    They are the lines between the byline and whatever ends before them: a
    paragraph's last line, a caption, a teaser or a doubled display line.
    Headlines can be as long as a column line, so their length proves nothing.
    """
    for b, line in enumerate(lines):
        if line.kind != "byline":
            continue
        k = b - 1
        while (
            k >= 0
            and b - k <= 4
            and lines[k].kind in ("text", "display")
            and not lines[k].text.endswith(tuple(TERMINAL))
        ):
            k -= 1
        if k + 1 == b:
            continue
        before = lines[k] if k >= 0 else None
        if before is None or before.kind != "text" or before.text.endswith(tuple(TERMINAL)):
            for head in lines[k + 1 : b]:
                head.kind = "head"


def _lines(source: str, changes: list[Change]) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    blank = False
    for raw in source.split("\n"):
        start = offset
        offset += len(raw) + 1
        if not raw.strip():
            if raw:
                changes.extend(Change("space", start + i, ch) for i, ch in enumerate(raw))
            blank = True
            continue
        line = _Line(start, raw, blank_before=blank, index=len(lines))
        blank = False
        kept = _undouble(raw)
        if kept is None:
            # The common case: keep the line, less its surrounding blanks (not the indent).
            left = len(raw) - len(raw.lstrip(_OUTER_BLANKS))
            right = len(raw.rstrip())
            for i in (*range(left), *range(right, len(raw))):
                changes.append(Change("space", start + i, raw[i]))
            line.text = raw[left:right]
            line.offsets = list(range(start + left, start + right))
            lines.append(line)
            continue
        line.kind = "doubled"
        chars = []
        for i, ch in enumerate(raw):
            if i in kept:
                chars.append((i, ch))
            else:
                changes.append(Change("duplicate", start + i, ch))
        # Surrounding blanks carry nothing.
        while chars and chars[0][1].isspace() and chars[0][1] != "\u3000":  # indent: kept
            changes.append(Change("space", start + chars[0][0], chars[0][1]))
            chars.pop(0)
        while chars and chars[-1][1].isspace():
            changes.append(Change("space", start + chars[-1][0], chars[-1][1]))
            chars.pop()
        line.text = "".join(ch for _i, ch in chars)
        line.offsets = [start + i for i, _ch in chars]
        lines.append(line)
    return lines


def _undouble(raw: str) -> set[int] | None:
    """Return the indexes of *raw* to keep if it is a doubled line, else None.

    A doubled line splits into runs written twice (each at least two
    characters, or one for a digit or Latin letter) and blanks or leader dots;
    the fewest blanks win. At least four characters must be doubled.
    """
    text = raw
    n = len(text)
    if n < 4:
        return None
    # Cheap refusal first: in a doubled line every other character comes in pairs.
    counts = Counter(text)
    if any(count % 2 for ch, count in counts.items() if ch not in _PASSTHROUGH):
        return None
    # best[i] = (passthrough count, keep indexes) for text[i:], or None if impossible.
    best: list[tuple[int, tuple[int, ...]] | None] = [None] * (n + 1)
    best[n] = (0, ())
    for i in range(n - 1, -1, -1):
        options = []
        if text[i] in _PASSTHROUGH and best[i + 1] is not None:
            passed, keep = best[i + 1]
            options.append((passed + 1, (i, *keep)))
        for k in range(1, (n - i) // 2 + 1):
            if best[i + 2 * k] is None:
                continue
            run = text[i : i + k]
            if text[i + k : i + 2 * k] != run or all(ch in _PASSTHROUGH for ch in run):
                continue
            if k == 1 and not _ALNUM.match(run):
                continue
            passed, keep = best[i + 2 * k]
            options.append((passed, (*range(i, i + k), *keep)))
        if options:
            best[i] = min(options, key=lambda option: (option[0], -len(option[1])))
    if best[0] is None:
        return None
    passed, keep = best[0]
    if n - passed < 4:
        return None
    return set(keep)


def _visible_length(text: str) -> int:
    return len(text) - len(_BLANK.findall(text))


def _column_width(lines: list[_Line]) -> int:
    lengths = [
        _visible_length(line.text)
        for line in lines
        if line.kind == "text" and _CLAUSE.search(line.text)
    ]
    return int(median(lengths)) if lengths else 16


def _justified(text: str) -> bool:
    """One blank between every character of a run: 街 区 的 47 个 行 政 村."""
    tokens = text.split()
    singles = sum(1 for token in tokens if len(token) == 1)
    return len(tokens) >= 4 and singles * 2 >= len(tokens)


def _classify(line: _Line, width: int) -> None:
    text = line.text
    if LEADER.match(text):
        line.kind = "leader"
        return
    if line.kind == "doubled":
        return
    if CREDIT.search(text) and _visible_length(text) > 8:
        line.kind = "caption_end"
    elif text.startswith(PARAGRAPH_INDENT):
        line.kind = "indented"
    elif BYLINE.match(text):
        line.kind = "byline"
    elif (
        not _justified(text)
        and _RUN_GAP.search(text)
        and not text.endswith(tuple(TERMINAL))
        and not _SENTENCE_MARK.search(text)
    ):
        # A lone blank between two runs of Chinese and no punctuation: a display line.
        line.kind = "display"
    elif _visible_length(text) < width - 3 and not text.endswith(tuple(TERMINAL)):
        line.kind = "display"


def _clean_spaces(line: _Line, *, display: bool, changes: list[Change]) -> tuple[str, list[int]]:
    """Drop the blanks that only justified *line*; keep those that separate words.

    A blank stays between two Latin words or numbers, and, in a display line
    that is not letter-spaced, a single blank between two runs of Chinese.
    """
    text, offsets = line.text, line.offsets
    if not _BLANK.search(text):
        return text, list(offsets)
    keep_runs = display and not _justified(text)
    out_chars: list[str] = []
    out_offsets: list[int] = []
    for i, ch in enumerate(text):
        if not ch.isspace():
            out_chars.append(ch)
            out_offsets.append(offsets[i])
            continue
        before = out_chars[-1] if out_chars else ""
        after = next((c for c in text[i + 1 :] if not c.isspace()), "")
        follows_blank = bool(out_chars) and out_chars[-1].isspace()
        meaningful = (
            bool(before and after)
            and not follows_blank
            and (
                bool(_LATIN.match(before) and _LATIN.match(after))
                or (keep_runs and bool(_WORD.match(before) and _WORD.match(after)))
            )
        )
        if meaningful:
            out_chars.append(ch)
            out_offsets.append(offsets[i])
        else:
            changes.append(Change("space", offsets[i], ch))
    return "".join(out_chars), out_offsets
