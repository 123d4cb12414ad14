"""The bulletin as a Word document laid out after GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the issuing
office's mark in red 方正小标宋 over a red rule; the document number
(发文字号, e.g. 永重点办〔2019〕46号) centred; the title in 2号 方正小标宋简体;
body text in 3号 仿宋_GB2312 at a fixed 28.9 pt line pitch; first-level
headings in 3号 黑体, second-level in 3号 楷体_GB2312; the date of writing in
Arabic numerals; page numbers "— 1 —" in 4号 宋体 at the outer edge. East-Asian
font names are written into ``w:rFonts/@w:eastAsia`` so Word really uses them
for Chinese text (python-docx's ``font.name`` alone sets only the Latin font).

The page set-up (``gbt9704_document``) and the masthead (``masthead``) are
the notices' too (``render_notice``).
"""

import io
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from guatu.core.periods import chinese_date
from guatu.progress.labels import change_label

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xD9, 0x2D, 0x20)
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
LINE_PITCH = Pt(28.9)
#: The issuing office's mark: GB/T 9704 leaves its size to the look; the bulletin's
#: mark (the office and 通报) fits one line at 24 pt.
MARK_SIZE = Pt(24)


def set_font(run, name: str, size: Pt, bold: bool = False, color: RGBColor | None = None):
    """Set Latin and East-Asian font names, so Chinese text really uses *name*."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    return run


def _paragraph(
    document,
    text: str = "",
    *,
    font=BODY_FONT,
    size=SIZE_3,
    bold=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=True,
    color=None,
):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        set_font(paragraph.add_run(text), font, size, bold, color)
    return paragraph


def gbt9704_document():
    """Return a new Word document with GB/T 9704's page: A4 portrait, margins top 37 mm,
    bottom 35 mm, left 28 mm, right 26 mm, and body text in 3号 仿宋_GB2312."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def masthead(document, mark: str, number: str | None = None, *, size: Pt = MARK_SIZE) -> None:
    """Write the 版头: the issuing office's mark in red 方正小标宋, centred; the
    document number (发文字号) centred under it when the document has one; the red rule."""
    _paragraph(
        document,
        mark,
        font=TITLE_FONT,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=RED,
    )
    if number is not None:
        _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    rule = _paragraph(document, indent=False)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "1"),
        ("w:color", str(RED)),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)


def _page_number_footer(document, section) -> None:
    """ "— 1 —" at the outer edge: right on odd pages, left on even ones."""
    section.different_first_page_header_footer = False
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
        run = paragraph.add_run()
        set_font(run, PAGE_NUMBER_FONT, SIZE_4)
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                node = OxmlElement("w:fldChar")
                node.set(qn("w:fldCharType"), kind)
            else:
                node = OxmlElement("w:instrText")
                node.set(qn("xml:space"), "preserve")
                node.text = text
            run._element.append(node)
        set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    """A grid table whose header repeats on every sheet and whose rows are never cut
    across two sheets (as the PDF prints it)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row_property(table.rows[0], "w:tblHeader")
    _row_property(table.rows[0], "w:cantSplit")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        set_font(cell.paragraphs[0].add_run(text), HEADING_FONT, Pt(12))
    for values in rows:
        row = table.add_row()
        _row_property(row, "w:cantSplit")
        for cell, text in zip(row.cells, values, strict=True):
            set_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, Pt(12))


def _row_property(row, name: str) -> None:
    """Switch on a row property (``w:cantSplit``, ``w:tblHeader``) in the row's ``w:trPr``."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def render_docx(content: dict, labels: dict[str, str], charts: list[bytes] = ()) -> bytes:
    """Return the bulletin *content* as .docx bytes; *labels* are the words, translated."""
    document = gbt9704_document()
    section = document.sections[0]
    masthead(document, f"{content['office']}{labels['bulletin']}", content["number_text"])
    _paragraph(document, indent=False)
    _paragraph(
        document,
        content["title"],
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(document, indent=False)
    for heading, paragraphs, table in sections_of(content, labels):
        _paragraph(document, heading, font=HEADING_FONT)
        for text in paragraphs:
            _paragraph(document, text)
        if table:
            _table(document, *table)
    for chart in charts:
        document.add_picture(io.BytesIO(chart), width=Mm(150))
    _paragraph(document, indent=False)
    written = date.fromisoformat(content["as_of"])
    _paragraph(document, content["office"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    # 成文日期 in Arabic numerals (GB/T 9704-2012, 7.3.5.3).
    _paragraph(
        document,
        chinese_date(written),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    _page_number_footer(document, section)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


#: Rows a printed list shows; the Excel workbook carries every row.
PRINTED_ROWS = 50


def _cap(rows: list, labels: dict[str, str], printed: int = PRINTED_ROWS) -> tuple[list, list[str]]:
    """The first rows of a long list, and a line saying how many more are in the workbook."""
    if len(rows) <= printed:
        return rows, []
    return rows[:printed], [labels["more"].format(count=len(rows) - printed)]


#: Deadlines and nodes at risk printed in the bulletin (the Excel attachment lists them all).
RISK_ROWS = 15


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """A count in Chinese numerals, as 公文 number their first-level headings.

    >>> [chinese_numeral(n) for n in (1, 7, 10, 11, 19, 20, 21, 99)]
    ['一', '七', '十', '十一', '十九', '二十', '二十一', '九十九']
    >>> [chinese_numeral(n) for n in (100, 101, 110, 111, 1000, 1001, 1010, 2019)]
    ['一百', '一百零一', '一百一十', '一百一十一', '一千', '一千零一', '一千零一十', '二千零一十九']
    """
    if not 0 < number < 10000:
        return str(number)
    if 10 <= number < 20:
        return "十" + (CHINESE_DIGITS[number - 10] if number > 10 else "")
    words, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit:
            if zero and words:
                words.append("零")
            words.append(CHINESE_DIGITS[digit] + unit)
            zero = False
        elif words:
            zero = True
    return "".join(words)


def numbered(number: int, heading: str) -> str:
    """A first-level heading with its number: 一、… 十、十一、… in Chinese, 1. … in others."""
    if (get_language() or "").lower().startswith("zh"):
        return f"{chinese_numeral(number)}、{heading}"
    return f"{number}. {heading}"


def printed_date(value: str | date | None) -> str:
    """A date as the bulletin prints it, in the active language's date format: 2019年11月15日
    in Chinese (GB/T 9704: the year in full, no leading zeros). Blank stays blank, and a
    text that is not an ISO date is printed as it is."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "DATE_FORMAT")


def sections_of(content: dict, labels: dict[str, str]):
    """The bulletin's sections as (heading, paragraphs, table or None), in order, each
    heading numbered in turn (一、二、… through any count of sections).

    Long lists print their first rows (furthest behind plan first) and say how
    many more the Excel attachment lists.
    """
    sections = (
        region_sections(content, labels)
        if content.get("kind") == "region"
        else _city_sections(content, labels)
    )
    for number, (heading, paragraphs, table) in enumerate(sections, start=1):
        yield numbered(number, heading), paragraphs, table


def _city_sections(content: dict, labels: dict[str, str]):
    """A city's (or one project's) bulletin, section by section, unnumbered."""
    content = dict(content)
    notes = {}
    for key in ("red_items", "warned_items", "blockers", "escalations"):
        content[key], notes[key] = _cap(content[key], labels)
    yield _overview(content, labels)
    compared = _compared_with(content, labels)
    yield _ranking(labels["towns"], labels["town"], content["towns"], labels, compared)
    yield _ranking(
        labels["departments"], labels["department"], content["departments"], labels, compared
    )
    yield _red_items(content["red_items"], notes["red_items"], labels)
    yield _warned_items(content["warned_items"], notes["warned_items"], labels)
    yield _blockers(content["blockers"], notes["blockers"], labels)
    yield _escalations(content["escalations"], notes["escalations"], labels)
    risk = _risk(content.get("risk") or [], content.get("risk_nodes") or [], labels)
    if risk:
        yield risk
    adjustments = content.get("adjustments") or []
    if adjustments:
        yield _adjustments(adjustments, labels)


def region_columns(labels: dict[str, str]) -> list[str]:
    """The columns of the level above's ranking, in the bulletin and its workbook."""
    return [
        labels["rank"],
        labels["county"],
        labels["as_of"],
        labels["on_track"],
        labels["planned_pct"],
        labels["actual_pct"],
        labels["behind"],
        labels["red"],
        labels["overdue_nodes"],
        labels["nodes_at_risk"],
        labels["blockers_open"],
        labels["blockers_overdue"],
    ]


def region_row(rank: int, city: dict) -> list:
    return [
        rank,
        city["name"],
        printed_date(city["as_of"]),
        _pct(city["on_track"]),
        f"{city['planned']}%",
        f"{city['actual']}%",
        city["behind"],
        city["counts"]["red"],
        city["overdue_nodes"],
        city["nodes_at_risk"],
        city["blockers_open"],
        city["blockers_overdue"],
    ]


def region_sections(content: dict, labels: dict[str, str]):
    """The level above's bulletin: the cities summed, ranked, and those to attend to."""
    cities = content["cities"]
    overview = labels["region_overview_text"].format(
        cities=len(cities),
        items=sum(content["counts"].values()),
        **content["counts"],
        **content["totals"],
    )
    yield labels["overview"], [overview], None
    rows = [region_row(k + 1, city) for k, city in enumerate(cities)]
    yield (
        labels["cities"],
        ([] if rows else [labels["none"]]),
        ((region_columns(labels), rows) if rows else None),
    )
    behind = [
        labels["attention_text"].format(city=c["name"], **c)
        for c in cities
        if c["behind"] > 0 or c["overdue_nodes"] or c["blockers_overdue"]
    ]
    yield labels["attention"], behind or [labels["none"]], None


def _overview(content: dict, labels: dict[str, str]):
    """1. The counts of lights and the investment, planned, on track and weighted."""
    text = labels["overview_text"].format(
        **content["counts"],
        **{
            "planned_value": content["planned_value"],
            "on_track_value": content["on_track_value"],
            "weighted_planned": content["weighted_planned"],
            "weighted_actual": content["weighted_actual"],
        },
    )
    return labels["overview"], [text], None


def _compared_with(content: dict, labels: dict[str, str]) -> list[str]:
    """What the change (较上期) compares with: the previous published bulletin of the same
    city and scope, or a line saying there is none. Content stored before bulletins kept
    this (no ``previous`` key) says nothing."""
    if "previous" not in content:
        return []
    previous = content["previous"]
    if not previous:
        return [labels["no_previous"]]
    return [
        labels["compared_with"].format(
            number=previous.get("number_text") or "", period=previous.get("period_label") or ""
        )
    ]


def _ranking(
    heading: str,
    unit: str,
    standings: list[dict],
    labels: dict[str, str],
    compared: list[str] = (),
):
    """2. and 3. The towns or the departments ranked by their share of work on track, and
    what the change compares with."""
    return (
        heading,
        list(compared),
        (
            [labels["rank"], unit, labels["on_track"], labels["change"], labels["red"]],
            [
                [k + 1, s["name"], _pct(s["share"]), _pp(s["change"]), s["counts"]["red"]]
                for k, s in enumerate(standings)
            ],
        ),
    )


def _listed(
    heading: str, notes: list[str], header: list[str], rows: list[list], labels: dict[str, str]
):
    """A section that lists rows in a table under its *notes*, or says "None." when empty."""
    if not rows:
        return heading, [labels["none"]], None
    return heading, notes, (header, rows)


def _red_items(items: list[dict], notes: list[str], labels: dict[str, str]):
    """4. The red items, how far behind plan and why."""
    return _listed(
        labels["red_items"],
        notes,
        [labels["project"], labels["item"], labels["town"], labels["lag"], labels["reason"]],
        [[r["project"], r["item"], r["town"], r["lag"], r["reason"]] for r in items],
        labels,
    )


def _warned_items(items: list[dict], notes: list[str], labels: dict[str, str]):
    """5. The early warnings: the forecast finish against the late finish."""
    return _listed(
        labels["warned_items"],
        notes,
        [
            labels["project"],
            labels["item"],
            labels["town"],
            labels["forecast"],
            labels["late_finish"],
        ],
        [
            [
                r["project"],
                r["item"],
                r["town"],
                printed_date(r["forecast"]),
                printed_date(r["late_finish"]),
            ]
            for r in items
        ],
        labels,
    )


def _blockers(blockers: list[dict], notes: list[str], labels: dict[str, str]):
    """6. The open blockers, who owns each and when it is due (marked when overdue)."""
    return _listed(
        labels["blockers"],
        notes,
        [labels["blocker"], labels["department"], labels["person"], labels["due"]],
        [
            [
                b["description"],
                b["department"],
                b["person"],
                printed_date(b["due"]) + (f"（{labels['overdue']}）" if b["overdue"] else ""),
            ]
            for b in blockers
        ],
        labels,
    )


def _escalations(escalations: list[dict], notes: list[str], labels: dict[str, str]):
    """7. The period's rungs; in a draft, the proposed ones marked and a line saying so."""
    proposed = any(not e.get("recorded", True) for e in escalations)
    return _listed(
        labels["escalations"],
        notes + ([labels["proposed"]] if proposed else []),
        [labels["level"], labels["item"], labels["town"], labels["reason"]],
        [
            [
                e["level"] if e.get("recorded", True) else f"{e['level']}{labels['to_propose']}",
                f"{e['project']} {e['item']}",
                e["town"] or e["department"],
                e["reason"],
            ]
            for e in escalations
        ],
        labels,
    )


def _risk(risk: list[dict], risk_nodes: list[dict], labels: dict[str, str]):
    """The deadlines' chances as sentences and the nodes at risk as a table, or None when
    there are neither."""
    if not (risk or risk_nodes):
        return None
    # Both lists come worst first; the Excel attachment carries every row.
    printed, more = _cap(risk, labels, RISK_ROWS)
    nodes, more_nodes = _cap(risk_nodes, labels, RISK_ROWS)
    return (
        labels["risk"],
        [
            labels["risk_text"].format(
                **{**r, "target": printed_date(r["target"]), "p80": printed_date(r["p80"])}
            )
            for r in printed
        ]
        + more
        + [labels["risk_note"]]
        + more_nodes,
        (
            [labels["project"], labels["item"], labels["node_date"], labels["chance"], "P80"],
            [
                [
                    n["project"],
                    n["item"],
                    printed_date(n["node"]),
                    f"{n['probability']}%",
                    printed_date(n["p80"]),
                ]
                for n in nodes
            ],
        )
        if risk_nodes
        else None,
    )


def _adjustments(adjustments: list[dict], labels: dict[str, str]):
    """The 节点调整 approved in the period, per asking unit."""
    return (
        labels["adjustments"],
        [],
        (
            [labels["unit"], labels["adjustment_count"], labels["days_moved"], labels["item"]],
            [
                [a["unit"], str(a["count"]), str(a["days"]), "、".join(a["items"])]
                for a in adjustments
            ],
        ),
    )


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _pp(value) -> str:
    return change_label(value)
