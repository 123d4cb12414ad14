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

The rules on single lines (undoubling, blanks, kinds) are in ``core.intake.lines``;
the assembly into articles, captions and teasers is here.

>>> page = restore("以目标时限为工作底线\\n\\n□记者 陈晓苏\\n\\n"
...                "本报讯 15 日，市委书记金\\n\\n政赴石柱现场督查。")
>>> page.articles[0].headline, page.articles[0].paragraphs
('以目标时限为工作底线', ['本报讯15日，市委书记金政赴石柱现场督查。'])
"""

from guatu.core.intake.lines import (
    LEADER,
    TERMINAL,
    _classify,
    _clean_spaces,
    _column_width,
    _Line,
    _lines,
    _mark_heads,
    _visible_length,
)
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


def restore(source: str) -> Page:
    """Return the articles, captions and teasers in *source*, with every change listed."""
    changes: list[Change] = []
    lines = _lines(source, changes)
    width = _column_width(lines)
    for line in lines:
        _classify(line, width)
    _mark_heads(lines)
    return _assemble(lines, width, changes)


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
