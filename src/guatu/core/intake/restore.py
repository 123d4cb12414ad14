"""Restore the text extracted from a newspaper page (or a 汇报材料) into its articles.

Text pulled out of a PDF page is mangled in known ways, each undone here by
one rule, and each undoing listed as a ``Change`` with its offset in the
source, so that every character of the source is accounted for:

- **Doubled runs.** Bold display type is often drawn twice, and the text
  layer then holds each run twice: 垃圾分类宣传进社区垃圾分类宣传进社区, or
  2323条新政加快我市条新政加快我市 (the digits are a run of their own). A line
  that splits entirely into runs each written twice (besides blanks and
  leader dots) is a doubled line; one copy of each run is removed.
- **Justification spaces.** A justified column line gets spaces between its
  characters (街 区 的 47 个 行 政 村) or around numbers (2020 年). Spaces that
  touch a Chinese character or punctuation in body text are removed; spaces
  between Latin words or numbers stay. In a display line (a headline), a
  single space between two runs of Chinese is the typographer's separator
  (紧盯工作难点 投入最强力量) and stays, unless the line shows the one-space-
  between-every-character pattern.
- **Broken lines.** Column lines are joined into paragraphs. A paragraph ends
  on a line that ends a sentence (。！？…) and stops short of the column
  width, or where the text changes kind (a headline, a byline, a caption).

Then the lines are sorted into what they are: bylines (□首席记者 张赤奎),
datelines (本报讯 15 日, kept at the head of the first paragraph), photo
captions (the paragraph that ends with 记者 杨成栋 摄, and the display line
beside it as its title), teaser boxes (a leader of dots, then display lines),
and headlines. The display lines just above a byline are that article's
kicker (引题) and headline; display lines that belong to no following article
(the extraction put them after the body) go to the nearest article that has
none. Nothing is invented: the result only keeps, joins or drops blanks and
duplicates.

>>> page = restore("以目标时限为工作底线\\n\\n□记者 陈晓苏\\n\\n"
...                "本报讯 15 日，市委书记金\\n\\n政赴石柱现场督查。")
>>> page.articles[0].headline, page.articles[0].paragraphs
('以目标时限为工作底线', ['本报讯15日，市委书记金政赴石柱现场督查。'])
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from guatu.core.intake.page import (
    CREDIT,
    PARAGRAPH_INDENT,
    Article,
    Caption,
    Change,
    Page,
    Teaser,
)

__all__ = ["Article", "Caption", "Change", "Page", "Teaser", "restore"]

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


def restore(source: str) -> Page:
    """Return the articles, captions and teasers in *source*, with every change listed."""
    changes: list[Change] = []
    lines = _lines(source, changes)
    width = _column_width(lines)
    for line in lines:
        _classify(line, width)
    _mark_heads(lines)
    return _assemble(lines, width, changes)


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


def _assemble(lines: list[_Line], width: int, changes: list[Change]) -> Page:
    page = Page([], [], [], changes)
    n = len(lines)
    i = 0
    pending_display: list[list[_Line]] = []  # groups of display lines not yet placed
    current: Article | None = None
    while i < n:
        line = lines[i]
        if line.kind == "byline":
            head = _take_head(pending_display)
            current = Article()
            _set_head(current, head, changes)
            current.byline, offsets = _clean_spaces(line, display=True, changes=changes)
            current.spans["byline"] = offsets[0]
            page.articles.append(current)
            i += 1
            continue
        if line.kind == "leader":
            j = i + 1
            while j < n and lines[j].kind in ("doubled", "display"):
                j += 1
            page.teasers.append(_teaser(lines[i:j], changes))
            i = j
            continue
        if line.kind in ("doubled", "display", "head"):
            group = [line]
            j = i + 1
            while j < n and lines[j].kind == line.kind and lines[j].kind != "byline":
                group.append(lines[j])
                j += 1
            # A doubled display line just before or after a caption paragraph is its title.
            pending_display.append(group)
            i = j
            continue
        # Body text: a run of lines up to the next display line, byline or leader.
        j = i
        while j < n and lines[j].kind in ("text", "caption_end", "indented"):
            if (
                j > i
                and lines[j].kind == "caption_end"
                and lines[j].text.startswith(PARAGRAPH_INDENT)
            ):
                break  # a restored caption is one indented line of its own
            j += 1
            if lines[j - 1].kind == "caption_end":
                break
        block = lines[i:j]
        if block[-1].kind == "caption_end":
            page.captions.append(_caption(block, pending_display, changes))
            if page.captions[-1].title == "" and j < n and lines[j].kind in ("doubled", "display"):
                title_line = lines[j]
                text, offsets = _clean_spaces(title_line, display=True, changes=changes)
                page.captions[-1].title = text
                page.captions[-1].spans["title"] = offsets[0]
                j += 1
            i = j
            continue
        if current is None:
            current = Article()
            page.articles.append(current)
        for paragraph, offset in _paragraphs(block, width, changes):
            current.spans[f"p{len(current.paragraphs)}"] = offset
            current.paragraphs.append(paragraph)
        i = j
    # Display groups left over: headlines of articles that have none (nearest before first).
    _place_orphans(page, pending_display, changes)
    return page


def _take_head(pending: list[list[_Line]]) -> list[list[_Line]]:
    """The display groups just above a byline: its kicker and headline (non-doubled ones)."""
    head: list[list[_Line]] = []
    while pending and pending[-1][0].kind == "head":
        head.insert(0, pending.pop())
    return head


def _subgroups(groups: list[list[_Line]]) -> list[list[_Line]]:
    """Split display groups where a blank line separates them (kicker / headline)."""
    result: list[list[_Line]] = []
    for group in groups:
        for line in group:
            if not result or line.blank_before:
                result.append([line])
            else:
                result[-1].append(line)
    return result


def _joined(lines: list[_Line], changes: list[Change], *, display: bool = True) -> tuple[str, int]:
    """Join *lines* into one text (a headline, a caption); return it and its source offset."""
    texts = []
    first = None
    for k, line in enumerate(lines):
        text, offsets = _clean_spaces(line, display=display, changes=changes)
        if first is None and offsets:
            first = offsets[0]
        if k:
            changes.append(Change("line_break", line.start - 1, "\n"))
        texts.append(text)
    return "".join(texts), first if first is not None else lines[0].start


def _set_head(article: Article, groups: list[list[_Line]], changes: list[Change]) -> None:
    parts = _subgroups(groups)
    if not parts:
        return
    keys = {1: ["headline"], 2: ["kicker", "headline"], 3: ["kicker", "headline", "subheadline"]}
    names = keys.get(len(parts), ["kicker", "headline", "subheadline"])
    if len(parts) > 3:
        parts = [parts[0], parts[1], [line for part in parts[2:] for line in part]]
    for name, part in zip(names, parts, strict=True):
        text, offset = _joined(part, changes)
        setattr(article, name, text)
        article.spans[name] = offset


def _paragraphs(block: list[_Line], width: int, changes: list[Change]):
    """Join column lines into paragraphs; yield (paragraph, source offset)."""
    current: list[str] = []
    first: int | None = None
    for k, line in enumerate(block):
        if line.kind == "indented" and current:
            yield "".join(current), first
            current, first = [], None
        text, offsets = _clean_spaces(line, display=False, changes=changes)
        if not text:
            continue
        if current:
            changes.append(Change("line_break", line.start - 1, "\n"))
        else:
            first = offsets[0]
        current.append(text)
        next_line = block[k + 1] if k + 1 < len(block) else None
        # A paragraph ends on a sentence end that stops short of the column, or that
        # is followed by a line indented two characters (a paragraph's first line).
        ends = text.endswith(tuple(TERMINAL)) and (
            _visible_length(text) < width - 1
            or line.kind == "indented"
            or (
                next_line is not None
                and _visible_length(next_line.text) <= width - 2
                and not next_line.text.endswith(tuple(TERMINAL))
            )
        )
        if ends or next_line is None or next_line.kind == "indented":
            yield "".join(current), first
            current, first = [], None
    if current:
        yield "".join(current), first


def _caption(block: list[_Line], pending: list[list[_Line]], changes: list[Change]) -> Caption:
    last = block[-1]
    match = CREDIT.search(last.text)
    credit_start = match.start(1)
    # Split the last line: text before the credit, the credit itself.
    before = _Line(
        last.start, last.raw, last.text[: match.start()], "text", last.offsets[: match.start()]
    )
    credit_line = _Line(
        last.start, last.raw, match.group(1), "display", last.offsets[credit_start : match.end(1)]
    )
    for k in range(match.start(), credit_start):
        changes.append(Change("space", last.offsets[k], last.text[k]))
    text, first = _joined([*block[:-1], before], changes, display=False)
    credit, credit_offsets = _clean_spaces(credit_line, display=True, changes=changes)
    caption = Caption(title="", text=text, credit=credit)
    caption.spans["text"] = first
    caption.spans["credit"] = credit_offsets[0]
    # A doubled display line just above the caption is its title.
    if pending and pending[-1][0].kind == "doubled" and pending[-1][-1].start < block[0].start:
        group = pending.pop()
        title, offset = _joined(group, changes)
        caption.title = title
        caption.spans["title"] = offset
    return caption


def _teaser(lines: list[_Line], changes: list[Change]) -> Teaser:
    head = lines[0]
    match = LEADER.match(head.text)
    leader = head.text[: match.end()].strip()
    title_line = _Line(
        head.start, head.raw, head.text[match.end() :], "doubled", head.offsets[match.end() :]
    )
    title, title_offsets = _clean_spaces(title_line, display=True, changes=changes)
    teaser = Teaser(leader=leader, title=title, lines=[])
    teaser.spans["leader"] = head.offsets[0]
    if title_offsets:
        teaser.spans["title"] = title_offsets[0]
    for line in lines[1:]:
        text, offsets = _clean_spaces(line, display=True, changes=changes)
        teaser.spans[f"l{len(teaser.lines)}"] = offsets[0]
        teaser.lines.append(text)
    return teaser


def _place_orphans(page: Page, pending: list[list[_Line]], changes: list[Change]) -> None:
    """Give display groups that no byline claimed to the nearest article without a headline."""
    for group in _merge_adjacent(pending):
        start = group[0].start
        candidates = [a for a in page.articles if not a.headline]
        if not candidates:
            for line in group:
                text, offsets = _clean_spaces(line, display=True, changes=changes)
                page.loose.append((offsets[0], text))
            continue
        before = [a for a in candidates if _first_offset(a) < start]
        article = before[-1] if before else candidates[0]
        _set_head(article, [group], changes)


def _merge_adjacent(pending: list[list[_Line]]) -> list[list[_Line]]:
    merged: list[list[_Line]] = []
    for group in pending:
        if (
            merged
            and merged[-1][-1].kind == group[0].kind == "display"
            and group[0].index == merged[-1][-1].index + 1
        ):
            merged[-1].extend(group)
        else:
            merged.append(list(group))
    return merged


def _first_offset(article: Article) -> int:
    return min(article.spans.values()) if article.spans else 0
