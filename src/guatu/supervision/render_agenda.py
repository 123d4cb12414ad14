"""A leader's monthly 会办 agenda laid out as the office's documents are: Word and PDF.

The page (GB/T 9704's A4 and margins), the office's red mark over the red rule, the
title in 2号 小标宋, headings 一、二、… in 黑体, tables whose header repeats on every sheet,
page numbers "— 1 —" — all ``render_docx``'s, as the notices (``render_notice``) use
them; the PDF is drawn by WeasyPrint from the notices' stylesheet. ``agenda_parts``
says everything the agenda prints, once, for both.
"""

import io
from datetime import date
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx.enum.text import WD_ALIGN_PARAGRAPH

from guatu.core.periods import chinese_date, month_label
from guatu.investment import lines
from guatu.supervision.agenda import RED_SHOWN, Agenda
from guatu.supervision.render_docx import (
    BODY_FONT,
    HEADING_FONT,
    SIZE_2,
    SIZE_3,
    TITLE_FONT,
    _page_number_footer,
    _paragraph,
    _table,
    docx_text,
    gbt9704_document,
    masthead,
    numbered,
    set_font,
)
from guatu.supervision.render_notice import NOTICE_CSS, UNSAFE

AGENDA_CSS = NOTICE_CSS.with_name("agenda.css")
#: Each table's columns (% of the width) in the PDF: laid out once, not measured cell by
#: cell (``table-layout: fixed``), which keeps a long agenda quick to draw.
WIDTHS = (
    (24, 8, 17, 31, 10, 10),
    (34, 34, 20, 12),
    (17, 14, 25, 14, 8, 12, 10),
    (16, 16, 18, 28, 22),
)


def colour_label(colour: str) -> str:
    """A problem's colour of 三色督办 as the agenda prints it."""
    return {
        "blue": pgettext("problem colour", "blue"),
        "yellow": pgettext("problem colour", "yellow"),
        "red": pgettext("problem colour", "red"),
    }.get(colour, "—")


def _projects(agenda: Agenda) -> tuple[list[str], list[list[str]]]:
    header = [
        _("Project"),
        _("Light"),
        _("Progress"),
        _("Investment against 序时"),
        _("Red items"),
        _("Open problems"),
    ]
    rows = [
        [
            line.name,
            line.light_text,
            line.progress_text,
            line.investment.text if line.investment else _("no annual plan"),
            str(line.red),
            str(line.problems),
        ]
        for line in agenda.projects
    ]
    return header, rows


def _investment_note(agenda: Agenda) -> str:
    months = {
        (line.investment.year, line.investment.month) for line in agenda.projects if line.investment
    }
    if not months:
        return ""
    year, month = max(months)
    return _("Investment: %(year)d, %(months)s, as published on the agenda's day.") % {
        "year": year,
        "months": lines.months_span(month),
    }


def red_note(agenda: Agenda) -> str:
    """Said when a project has more red items than the agenda lists."""
    return ngettext(
        "Each project's %(shown)d furthest behind are listed; %(count)d more red item is "
        "on the work-item list.",
        "Each project's %(shown)d furthest behind are listed; %(count)d more red items are "
        "on the work-item list.",
        agenda.red_more,
    ) % {"shown": RED_SHOWN, "count": agenda.red_more}


def agenda_parts(agenda: Agenda) -> dict:
    """Everything the agenda prints, in the active language, for the Word and the PDF."""
    problems = [
        [
            row["number"] or "—",
            row["project"],
            row["description"],
            f"{row['level']} · {row['level_name']}",
            colour_label(row["colour"]),
            row["unit"],
            chinese_date(row["due"]) + (_(" (overdue)") if row["overdue"] else ""),
        ]
        for row in agenda.problems
    ]
    sections = [
        (
            _("The projects led"),
            [_investment_note(agenda)] if _investment_note(agenda) else [],
            *_projects(agenda),
        ),
        (
            _("Red items"),
            [red_note(agenda)] if agenda.red_more else [],
            [_("Project"), _("Work item"), _("Unit"), _("Lag (pp)")],
            [
                [row["project"], row["item"], row["unit"], lines.percent(row["lag"])]
                for row in agenda.red_items
            ],
        ),
        (
            _("Problems at level 3 or 4 awaiting the leader's decision"),
            [],
            [
                _("交办单 number"),
                _("Project"),
                _("Problem"),
                _("Level"),
                _("Colour"),
                _("Responsible unit"),
                _("Due"),
            ],
            problems,
        ),
        (
            _("Node adjustments awaiting the leader's decision"),
            [],
            [_("Project"), _("Work item"), _("Change asked"), _("Reason"), _("Office's opinion")],
            [
                [row["project"], row["item"], row["change"], row["reason"], row["opinion"]]
                for row in agenda.adjustments
            ],
        ),
    ]
    return {
        "mark": agenda.office,
        "title": agenda.title,
        "subtitle": _("%(month)s · %(leader)s · %(city)s")
        % {
            "month": month_label(date(agenda.year, agenda.month, 1)),
            "leader": agenda.leader,
            "city": agenda.city,
        },
        "as_of": _("Lights, progress and investment as of %(day)s.")
        % {"day": chinese_date(agenda.as_of)},
        "sections": [
            {
                "heading": numbered(number, heading),
                "notes": notes,
                "header": header,
                "rows": rows,
                "widths": widths,
                "empty": _("None."),
            }
            for number, ((heading, notes, header, rows), widths) in enumerate(
                zip(sections, WIDTHS, strict=True), start=1
            )
        ],
        "office": agenda.office,
        "written": chinese_date(agenda.as_of),
    }


def agenda_docx(agenda: Agenda) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):  # the office's documents' language
        parts = agenda_parts(agenda)
    document = gbt9704_document(author=parts["office"], title=f"{parts['title']} {agenda.leader}")
    masthead(document, parts["mark"])
    _paragraph(
        document,
        parts["title"],
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _paragraph(document, parts["subtitle"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, parts["as_of"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for section in parts["sections"]:
        _paragraph(document, section["heading"], font=HEADING_FONT)
        for note in section["notes"]:
            _paragraph(document, note)
        if section["rows"]:
            _table(document, section["header"], section["rows"])
        else:
            _paragraph(document, section["empty"])
    _paragraph(document, indent=False)
    _paragraph(document, parts["office"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    set_font(paragraph.add_run(docx_text(parts["written"])), BODY_FONT, SIZE_3)
    _page_number_footer(document, document.sections[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def agenda_pdf(agenda: Agenda) -> bytes:
    """The agenda as an A4 PDF (WeasyPrint), page numbers "— 1 —" at the foot."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("supervision/agenda_print.html", {"agenda": agenda_parts(agenda)})
    return HTML(string=html).write_pdf(stylesheets=_stylesheets())


@cache
def _stylesheets() -> list:
    """The notices' stylesheet and the agenda's own, parsed once (all the agendas of a
    month are drawn in a row). Handed to WeasyPrint as stylesheets: never through a
    template."""
    from weasyprint import CSS

    return [CSS(string=path.read_text(encoding="utf-8")) for path in (NOTICE_CSS, AGENDA_CSS)]


def agenda_filename(agenda: Agenda, extension: str) -> str:
    """会办议程-王立新-2019-11.docx: the document, the leader, the month."""
    with translation.override(settings.LANGUAGE_CODE):
        name = _("会办 agenda")
    parts = [name, agenda.leader, f"{agenda.year}-{agenda.month:02d}"]
    stem = "-".join(UNSAFE.sub("", part).strip() for part in parts if part)
    return f"{stem[:80]}.{extension}"
