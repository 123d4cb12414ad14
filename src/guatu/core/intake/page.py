"""What a restored page is made of: articles, photo captions, teaser boxes and the changes.

Plain data, laid out by ``restore`` and read by the fact finder, the intake
page and the API; ``Page.text`` writes the page back as text that ``restore``
reads unchanged.
"""

import re
from dataclasses import dataclass, field

__all__ = [
    "CREDIT",
    "DATELINE",
    "PARAGRAPH_INDENT",
    "Article",
    "Caption",
    "Change",
    "Page",
    "Teaser",
]

CREDIT = re.compile(r"\s*((?:首席|见习|特约)?(?:记者|通讯员)\s*([\u4e00-\u9fff]{2,4})\s*摄)\s*$")
DATELINE = re.compile(
    r"^(本报讯|新华社[\u4e00-\u9fff]{0,6}电|本报[\u4e00-\u9fff]{0,4}讯)(?:\s*(?:记者|通讯员)\s*[\u4e00-\u9fff]{2,4})*(?:\s*(\d{1,2})\s*日)?"
)


@dataclass(frozen=True, slots=True)
class Change:
    """One undoing: ``kind`` is duplicate, space or line_break; ``offset`` is in the source."""

    kind: str
    offset: int
    text: str


@dataclass
class Article:
    headline: str = ""
    kicker: str = ""
    subheadline: str = ""
    byline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    #: Where each part starts in the source (for ordering and accounting).
    spans: dict[str, int] = field(default_factory=dict)

    @property
    def dateline(self) -> str:
        """The 本报讯 … 日 at the head of the first paragraph ('' if none)."""
        if not self.paragraphs:
            return ""
        match = DATELINE.match(self.paragraphs[0])
        return match.group(0) if match else ""

    @property
    def reporters(self) -> list[str]:
        names = re.sub(r"^[□■◇◆]?\s*(?:首席|见习|特约)?(?:记者|通讯员)", "", self.byline)
        return names.split()

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Caption:
    title: str
    text: str
    credit: str
    spans: dict[str, int] = field(default_factory=dict)

    @property
    def photographer(self) -> str:
        match = CREDIT.search(self.credit)
        return match.group(2) if match else ""


@dataclass
class Teaser:
    leader: str
    title: str
    lines: list[str]
    spans: dict[str, int] = field(default_factory=dict)


@dataclass
class Page:
    articles: list[Article]
    captions: list[Caption]
    teasers: list[Teaser]
    changes: list[Change]
    #: Display lines that could be placed nowhere (kept, never dropped).
    loose: list[tuple[int, str]] = field(default_factory=list)

    def parts(self) -> list[tuple[int, str]]:
        """Every kept piece of text with its source offset, in source order."""
        pieces: list[tuple[int, str]] = []
        for article in self.articles:
            for key in ("kicker", "headline", "subheadline", "byline"):
                if getattr(article, key):
                    pieces.append((article.spans[key], getattr(article, key)))
            for k, paragraph in enumerate(article.paragraphs):
                pieces.append((article.spans[f"p{k}"], paragraph))
        for caption in self.captions:
            for key in ("title", "text", "credit"):
                if getattr(caption, key):
                    pieces.append((caption.spans[key], getattr(caption, key)))
        for teaser in self.teasers:
            if teaser.leader:
                pieces.append((teaser.spans["leader"], teaser.leader))
            if teaser.title:
                pieces.append((teaser.spans["title"], teaser.title))
            for k, line in enumerate(teaser.lines):
                pieces.append((teaser.spans[f"l{k}"], line))
        pieces.extend(self.loose)
        return sorted(pieces)

    def text(self) -> str:
        """The restored page as text, in reading order, which ``restore`` reads back unchanged."""
        blocks: list[str] = []
        for article in self.articles:
            head = [
                line for line in (article.kicker, article.headline, article.subheadline) if line
            ]
            blocks.extend(head)
            if article.byline:
                blocks.append(article.byline)
            blocks.extend(PARAGRAPH_INDENT + paragraph for paragraph in article.paragraphs)
        for caption in self.captions:
            blocks.append(
                PARAGRAPH_INDENT + caption.text + (" " + caption.credit if caption.credit else "")
            )
            if caption.title:
                blocks.append(caption.title)
        for teaser in self.teasers:
            blocks.append((teaser.leader or "......") + teaser.title)
            blocks.extend(teaser.lines)
        blocks.extend(text for _offset, text in self.loose)
        return "\n\n".join(blocks) + "\n"


#: How a restored paragraph starts when written out (the Chinese two-character indent).
PARAGRAPH_INDENT = "\u3000\u3000"
