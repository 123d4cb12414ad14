"""A rung's notice laid out as a 公文 (GB/T 9704, as the bulletin is): Word and PDF.

版头: the office's mark in red and the notice's number over the red rule; the
title by the rung (提醒函, 督办单, 约谈通知, 通报批评); 主送 the unit; the text as
issued (``notices``); the table of the rung's facts — the same evidence the text
cites, so the two agree; 落款 the office and 成文日期 in Chinese; page numbers
"— 1 —". The PDF is the one a town official opens on a phone: inline, A4.
"""

import io
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from guatu.core.periods import chinese_date, period_label
from guatu.org.clock import city_today
from guatu.progress.labels import light_label
from guatu.supervision.notices import notice_body, number_text, printed_day
from guatu.supervision.render_docx import (
    BODY_FONT,
    SIZE_2,
    SIZE_3,
    TITLE_FONT,
    _page_number_footer,
    _paragraph,
    _table,
    docx_text,
    gbt9704_document,
    masthead,
    set_font,
)

NOTICE_CSS = Path(__file__).parents[1] / "web" / "static" / "guatu" / "notice.css"
#: Characters a file name may not carry on Windows, macOS or a phone.
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def notice_heading(level: str) -> str:
    """The document's name by the rung: 提醒函, 督办单, 约谈通知, 通报批评."""
    return {
        "reminder": _("Reminder letter (提醒函)"),
        "notice": _("Supervision notice (督办单)"),
        "interview": _("Notice of interview (约谈通知)"),
        "criticism": _("Notice of public criticism (通报批评)"),
    }.get(level, _("Supervision notice (督办单)"))


def notice_fields(event) -> list[list[str]]:
    """The rows of a notice's table, every one filled from the evidence recorded with it."""
    evidence = event.evidence or {}
    lights = evidence.get("lights") or []
    dates = evidence.get("dates") or []
    history = (
        "；".join(
            f"{_printed(day)} {light_label(light)}"
            for day, light in zip(dates, lights, strict=False)
        )
        or "—"
    )
    planned, actual = evidence.get("planned"), evidence.get("actual")
    rows = [
        [_("Project"), event.work_item.project.name],
        [_("Work item"), event.work_item.name],
        [_("Town"), event.town.name if event.town else "—"],
        [_("Owner department"), str(event.department or "—")],
        [_("Level"), event.get_level_display()],
        [_("Period"), period_label(event.period)],
        [_("Why"), evidence.get("reason") or "—"],
        [_("Lights, period by period"), history],
        [
            _("Planned % / reported %"),
            f"{planned if planned is not None else '—'}% / "
            f"{actual if actual is not None else '—'}%",
        ],
        [_("Lag (pp)"), str(evidence["lag"]) if evidence.get("lag") is not None else "—"],
        [_("Late finish"), _printed(evidence.get("late_finish")) or "—"],
        [_("Last report"), _printed(evidence.get("last_report")) or _("no report")],
        [_("Answer due by"), printed_day(event.reply_by)],
    ]
    return rows


def _printed(day: str | None) -> str:
    """An ISO date of the evidence as a 公文 prints it (2019年11月15日)."""
    return chinese_date(date.fromisoformat(day)) if day else ""


def notice_date(event) -> date:
    """成文日期: the day the notice was issued (in the city's clock); for a rung recorded
    before notices had one, the data date it judged."""
    if event.issued_on:
        return event.issued_on
    as_of = (event.evidence or {}).get("as_of")
    if as_of:
        return date.fromisoformat(as_of)
    return city_today(event.work_item.project.city)


def notice_parts(event) -> dict:
    """Everything the notice prints, once, for the Word and the PDF alike."""
    city = event.work_item.project.city
    return {
        "mark": city.office_name or city.name,
        "number": number_text(event),
        "title": notice_heading(event.level),
        "addressee": event.addressee or "",
        "body": notice_body(event),
        "fields": notice_fields(event),
        "office": city.office_name or city.name,
        "written": chinese_date(notice_date(event)),
    }


def notice_docx(event) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):  # a 公文 in the city's language
        parts = notice_parts(event)
    return gongwen_docx(parts)


def notice_pdf(event) -> bytes:
    """The notice as an A4 PDF (WeasyPrint), page numbers "— 1 —" at the foot."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = notice_parts(event)
    return gongwen_pdf(parts)


def gongwen_docx(parts: dict) -> bytes:
    """A 公文 in Word from its *parts* (``notice_parts``' keys, and ``copied``: the 抄送
    line, when it has one): the office's mark in red over the red rule with the number, the
    title, 主送, the text, the table of facts, 落款 and 成文日期, 抄送, page numbers. The
    notices and the 交办单 (``render_assignment``) are laid out by it."""
    title = " ".join(part for part in (parts["title"], parts["number"]) if part)
    document = gbt9704_document(author=parts["office"], title=title)
    # The office's mark alone is shorter than a bulletin's: it fits one line at 30 pt.
    masthead(document, parts["mark"], parts["number"] or None, size=Pt(30))
    _paragraph(
        document,
        parts["title"],
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(document, indent=False)
    if parts["addressee"]:
        _paragraph(document, f"{parts['addressee']}：", indent=False)
    for text in parts["body"].splitlines():
        if text.strip():
            _paragraph(document, text.strip())
    _paragraph(document, indent=False)
    _table(document, [_("Item"), _("Content")], parts["fields"])
    _paragraph(document, indent=False)
    _paragraph(document, parts["office"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    set_font(paragraph.add_run(docx_text(parts["written"])), BODY_FONT, SIZE_3)
    if parts.get("copied"):
        _paragraph(document, indent=False)
        _paragraph(document, parts["copied"], indent=False)
    _page_number_footer(document, document.sections[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def gongwen_pdf(parts: dict) -> bytes:
    """The same 公文 as an A4 PDF (WeasyPrint), page numbers "— 1 —" at the foot."""
    from weasyprint import CSS, HTML

    html = render_to_string("supervision/notice_print.html", {"notice": parts})
    # Our own stylesheet, handed to WeasyPrint as a stylesheet: never through a template.
    style = CSS(string=NOTICE_CSS.read_text(encoding="utf-8"))
    return HTML(string=html).write_pdf(stylesheets=[style])


def notice_filename(event, extension: str) -> str:
    """督办单-石柱镇-金温铁路外迁征迁.docx: the rung, the unit, the item."""
    heading = notice_heading(event.level)
    short = heading[heading.find("（") + 1 : heading.find("）")] if "（" in heading else heading
    short = re.sub(r".*\((.*)\).*", r"\1", short)
    unit = event.town.name if event.town else str(event.department or "")
    parts = [short, unit, event.work_item.name]
    stem = "-".join(UNSAFE.sub("", part).strip() for part in parts if part)
    return f"{stem[:80]}.{extension}"
