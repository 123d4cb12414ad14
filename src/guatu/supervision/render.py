"""The bulletin in every format: Word, PDF, Excel, HTML, and its charts.

All formats are laid out from the same stored content (``BulletinContent``
as a dict), with the words in the active language (Chinese by default). The
Word document is laid out by ``render_docx``, the workbook by ``render_xlsx``;
the HTML and the PDF from a template, with the charts drawn here as SVG.
"""

import io
from datetime import date
from html import escape
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from guatu.core.periods import period_label
from guatu.core.wallchart import FONT, LIGHT_FILL
from guatu.org.clock import city_today
from guatu.progress.labels import light_label
from guatu.supervision.render_docx import (
    BODY_FONT,
    SIZE_2,
    SIZE_3,
    TITLE_FONT,
    _paragraph,
    _table,
    gbt9704_document,
    masthead,
    render_docx,
    sections_of,
    set_font,
)
from guatu.supervision.render_xlsx import render_xlsx

#: The bulletin's layout rules: linked by the page (CSP allows no inline style),
#: inlined into the standalone HTML and the PDF, which must stand alone.
BULLETIN_CSS = Path(__file__).parents[1] / "web" / "static" / "guatu" / "bulletin.css"


def labels() -> dict[str, str]:
    """The words of a bulletin, in the active language."""
    return {
        "bulletin": _("bulletin"),
        "overview": _("1. Overall situation"),
        "overview_text": _(
            "Of the work items under supervision, {red} are red, {yellow} yellow, {green} green, "
            "{done} done and {not_started} not yet due to start. Planned investment "
            "{planned_value} 万元, of which {on_track_value} 万元 on track; progress against "
            "plan (序时进度) {weighted_planned}% planned, {weighted_actual}% done, weighted by "
            "investment."
        ),
        "region_overview_text": _(
            "{cities} county-level cities are in this bulletin, with {items} work items: {red} "
            "red, {yellow} yellow, {green} green, {done} done and {not_started} not yet due to "
            "start; {overdue_nodes} time nodes passed undone and {nodes_at_risk} ahead at risk; "
            "{blockers_open} blockers open, {blockers_overdue} of them overdue."
        ),
        "cities": _("2. Cities ranked by work on track"),
        "attention": _("3. Cities to attend to"),
        "attention_text": _(
            "{city}: {behind} percentage points behind plan (序时), {overdue_nodes} time nodes "
            "passed undone, {blockers_overdue} blockers overdue."
        ),
        "county": _("County-level city"),
        "cities_sheet": _("Cities"),
        "as_of": _("Status as of"),
        "planned_pct": _("Planned (序时)"),
        "actual_pct": _("Actual"),
        "behind": _("Behind plan (pp)"),
        "overdue_nodes": _("Overdue time nodes"),
        "nodes_at_risk": _("Nodes at risk"),
        "blockers_open": _("Open blockers"),
        "blockers_overdue": _("Overdue blockers"),
        "towns": _("2. Towns ranked by work on track"),
        "departments": _("3. Departments ranked by work on track"),
        "red_items": _("4. Red items"),
        "warned_items": _("5. Early warnings"),
        "blockers": _("6. Open blockers"),
        "escalations": _("7. Accountability this period"),
        "adjustments": _("Node adjustments approved this period"),
        "risk": _("Schedule risk at the present pace"),
        "risk_text": _(
            "{project}: at the present pace, the chance of finishing by {target} is "
            "{probability}% (P80 finish {p80})."
        ),
        "risk_note": _(
            "Chances from Monte Carlo runs of each plan, every remaining duration drawn from "
            "how long such work really took in this city."
        ),
        "chance": _("Chance"),
        "node_date": _("Time node"),
        "unit": _("Unit"),
        "adjustment_count": _("Adjustments"),
        "days_moved": _("Days moved"),
        "charts": _("8. Charts"),
        "rank": _("Rank"),
        "town": _("Town"),
        "department": _("Department"),
        "on_track": _("On track"),
        "change": _("Change (pp)"),
        "red": _("red"),
        "project": _("Project"),
        "item": _("Work item"),
        "lag": _("Lag (pp)"),
        "reason": _("Why"),
        "forecast": _("Forecast finish"),
        "late_finish": _("Late finish"),
        "blocker": _("Blocker"),
        "person": _("Person responsible"),
        "due": _("Due"),
        "overdue": _("overdue"),
        "level": _("Level"),
        "proposed": _(
            "Draft: the rungs marked (proposed) are the ladder's proposals; they are recorded "
            "and notified only when this bulletin is published."
        ),
        "to_propose": _(" (proposed)"),
        "none": _("None."),
        "more": _("… and {count} more, listed in the Excel attachment."),
        "lights_by_town": _("Lights by town"),
        "curve": _("Planned and actual progress"),
        "planned": _("planned"),
        "actual": _("actual"),
        "green": _("green"),
        "yellow": _("yellow"),
        "done": _("done"),
    }


def chart_svgs(content: dict) -> list[str]:
    """Lights by town (stacked bars) and each key project's planned/actual curve."""
    words = labels()
    towns = [t for t in content["towns"] if sum(t["counts"].values())]
    charts = [_lights_by_town_svg(towns, words)] if towns else []
    charts.extend(_curve_svg(curve, words) for curve in content["curves"])
    return charts


def _lights_by_town_svg(towns: list[dict], words: dict[str, str]) -> str:
    """One bar per town, its red, yellow, green and done items stacked, and the legend."""
    width, bar, gap = 640, 18, 8
    height = 40 + len(towns) * (bar + gap) + 30
    biggest = max(sum(t["counts"].values()) for t in towns) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="12"><rect width="100%" height="100%" '
        f'fill="#fff"/><text x="10" y="20" font-size="14" font-weight="bold">'
        f"{escape(words['lights_by_town'])}</text>"
    ]
    for k, town in enumerate(towns):
        y = 34 + k * (bar + gap)
        parts.append(f'<text x="10" y="{y + 13}">{escape(town["name"])}</text>')
        x = 110.0
        for light in ("red", "yellow", "green", "done"):
            span = town["counts"][light] / biggest * (width - 160)
            if span:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" '
                    f'height="{bar}" fill="{LIGHT_FILL[light]}"/>'
                )
            x += span
    legend_y = height - 10
    for k, light in enumerate(("red", "yellow", "green", "done")):
        parts.append(
            f'<rect x="{110 + k * 90}" y="{legend_y - 10}" width="12" height="10" '
            f'fill="{LIGHT_FILL[light]}"/><text x="{126 + k * 90}" '
            f'y="{legend_y}">{escape(words[light])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _curve_svg(curve: dict, words: dict[str, str]) -> str:
    """One project's planned (dashed grey) and actual (red) progress, period by period,
    over the 0, 50 and 100 % lines, with its first and last dates and the legend."""
    points = curve["points"]
    width, height, left, top, bottom = 640, 260, 50, 40, 40
    span_x = (width - left - 20) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / 100)

    def path(key: str) -> str:
        return " ".join(
            f"{'M' if k == 0 else 'L'}{left + k * span_x:.1f} {y(p[key]):.1f}"
            for k, p in enumerate(points)
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="11"><rect width="100%" height="100%" '
        f'fill="#fff"/><text x="10" y="20" font-size="14" font-weight="bold">'
        f"{escape(words['curve'])}：{escape(curve['project'])}</text>"
    ]
    for level in (0, 50, 100):
        parts.append(
            f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - 20}" '
            f'y2="{y(level):.1f}" stroke="#e4e7ec"/><text x="10" '
            f'y="{y(level) + 4:.1f}">{level}%</text>'
        )
    parts.append(
        f'<path d="{path("planned")}" fill="none" stroke="#667085" '
        'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(f'<path d="{path("actual")}" fill="none" stroke="#d92d20" stroke-width="2.5"/>')
    parts.append(
        f'<text x="{left}" y="{height - 12}">{points[0]["date"]}</text>'
        f'<text x="{width - 90}" y="{height - 12}">{points[-1]["date"]}</text>'
    )
    parts.append(
        f'<text x="{width - 250}" y="{height - 12}" fill="#667085">— — '
        f'{escape(words["planned"])}</text><text x="{width - 160}" '
        f'y="{height - 12}" fill="#d92d20">—— {escape(words["actual"])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def to_docx(content: dict) -> bytes:
    import cairosvg

    pngs = [
        cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2) for svg in chart_svgs(content)
    ]
    return render_docx(content, labels(), pngs)


def to_html(content: dict, *, standalone: bool = False) -> str:
    return render_to_string(
        "supervision/bulletin_body.html",
        {
            "content": content,
            "sections": list(sections_of(content, labels())),
            "charts": chart_svgs(content),
            "standalone": standalone,
            "css": BULLETIN_CSS.read_text(encoding="utf-8") if standalone else "",
        },
    )


def to_pdf(content: dict) -> bytes:
    """Lay the bulletin's HTML out as an A4 PDF with WeasyPrint (Pango, fonts embedded).

    WeasyPrint keeps the text of every glyph run, so the PDF's text extracts
    as the characters that were written (Chromium's print-to-PDF mapped some
    Noto CJK glyphs back to radicals or traditional forms: 项⽬, 3戶).
    """
    from weasyprint import HTML

    return HTML(string=to_html(content, standalone=True)).write_pdf()


def to_xlsx(content: dict) -> bytes:
    """The ranking and item tables as an Excel workbook (``render_xlsx``)."""
    return render_xlsx(content, labels())


def notice_heading(level: str) -> str:
    """The document's name by the rung: 提醒函, 督办单, 约谈通知, 通报批评."""
    return {
        "reminder": _("Reminder letter (提醒函)"),
        "notice": _("Supervision notice (督办单)"),
        "interview": _("Notice of interview (约谈通知)"),
        "criticism": _("Notice of public criticism (通报批评)"),
    }.get(level, _("Supervision notice (督办单)"))


def notice_fields(event) -> list[list[str]]:
    """The rows of a notice, every one filled from the evidence recorded with the event."""
    evidence = event.evidence or {}
    lights = evidence.get("lights") or []
    dates = evidence.get("dates") or []
    history = (
        "；".join(f"{day} {light_label(light)}" for day, light in zip(dates, lights, strict=False))
        or "—"
    )
    planned, actual = evidence.get("planned"), evidence.get("actual")
    return [
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
        [_("Late finish"), evidence.get("late_finish") or "—"],
        [_("Last report"), evidence.get("last_report") or _("no report")],
    ]


def notice_date(event):
    """A notice is dated by the city's data date it judged, not by the machine's clock."""
    as_of = (event.evidence or {}).get("as_of")
    if as_of:
        return date.fromisoformat(as_of)
    return city_today(event.work_item.project.city)


def notice_docx(event) -> bytes:
    """A 督办单 (supervision notice) for one escalation, printable on its own."""
    document = gbt9704_document()
    city = event.work_item.project.city
    # The office's mark alone is shorter than a bulletin's: it fits one line at 30 pt.
    masthead(document, f"{city.office_name or city.name}", size=Pt(30))
    _paragraph(
        document,
        notice_heading(event.level),
        font=TITLE_FONT,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _table(document, [_("Item"), _("Content")], notice_fields(event))
    _paragraph(
        document,
        _(
            "Please report the measures taken and the new completion date to the "
            "supervision office within five working days."
        ),
    )
    day = notice_date(event)
    paragraph = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    set_font(paragraph.add_run(f"{day.year}年{day.month}月{day.day}日"), BODY_FONT, SIZE_3)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
