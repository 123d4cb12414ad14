"""The bulletin in every format: Word, PDF, Excel, HTML, and its charts.

All formats are laid out from the same stored content (``BulletinContent``
as a dict), with the words in the active language (Chinese by default). The
Word document is laid out by ``render_docx``, the workbook by ``render_xlsx``;
the HTML and the PDF from a template, with the charts drawn here as SVG.
"""

import re
from html import escape
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guatu.core.wallchart import FONT, LIGHT_FILL
from guatu.supervision.render_assignment import colour_text
from guatu.supervision.render_docx import (
    printed_date,
    render_docx,
    sections_of,
)
from guatu.supervision.render_xlsx import render_xlsx

#: The bulletin's layout rules: linked by the page (CSP allows no inline style),
#: inlined into the standalone HTML and the PDF, which must stand alone.
BULLETIN_CSS = Path(__file__).parents[1] / "web" / "static" / "guatu" / "bulletin.css"


def labels() -> dict[str, str]:
    """The words of a bulletin, in the active language."""
    return {
        "bulletin": _("bulletin"),
        # Section headings, unnumbered: ``sections_of`` numbers them in turn (一、二、…). Their
        # context keeps a heading's wording apart from the same words elsewhere (the
        # dashboard's 镇街区按序时推进排名; the heading 镇街区序时推进排名).
        "overview": pgettext("bulletin section", "Overall situation"),
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
        "cities": pgettext("bulletin section", "Cities ranked by work on track"),
        "attention": pgettext("bulletin section", "Cities to attend to"),
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
        "towns": pgettext("bulletin section", "Towns ranked by work on track"),
        "departments": pgettext("bulletin section", "Departments ranked by work on track"),
        "compared_with": _("Changes are compared with the previous bulletin, {number} ({period})."),
        "no_previous": _(
            "No bulletin of this scope was published before this one: there is nothing to "
            "compare with."
        ),
        "red_items": pgettext("bulletin section", "Red items"),
        "warned_items": pgettext("bulletin section", "Early warnings"),
        "blockers": pgettext("bulletin section", "Open blockers"),
        "escalations": pgettext("bulletin section", "Accountability this period"),
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
        # 投资调度 (``bulletins.investment_content``): the month's lines and tables.
        "investment": pgettext("bulletin section", "Investment in key projects"),
        "investment_behind": pgettext(
            "bulletin section", "Projects behind their investment schedule"
        ),
        # A report waiting for review counts until it is returned (investment.selectors).
        "investment_waiting": _(
            "Monthly reports awaiting review: {waiting}; projects that have not reported the "
            "month: {unreported}."
        ),
        "investment_group": pgettext("investment table", "Grouped by"),
        "investment_total": pgettext("investment table", "Whole city"),
        "investment_count": pgettext("investment table", "Projects"),
        "investment_plan": pgettext("investment table", "Annual plan (万元)"),
        "investment_month": pgettext("investment table", "Done this month (万元)"),
        "investment_done": pgettext("investment table", "Done this year (万元)"),
        "investment_rate": pgettext("investment table", "Completion rate (%)"),
        "investment_schedule": pgettext("investment table", "Schedule (序时进度, %)"),
        "investment_gap": pgettext("investment table", "Ahead (+) or behind (−) schedule (pp)"),
        "investment_sheet": pgettext("bulletin sheet", "Monthly investment"),
        "project_code": _("项目代码"),
        "builder": _("建设单位"),
        "lead_department": _("Lead department"),
        "name": _("Name"),
        "light": _("Light"),
        # 问题清单 (``bulletins.problem_content``): the period's three lists and their counts.
        "problems": pgettext("bulletin section", "Problem list (问题清单)"),
        "problems_text": _(
            "This period: {new} new problems, {ongoing} in progress and {closed} closed (销号); "
            "of them {red} under red supervision, {yellow} under yellow and {blue} under blue."
        ),
        "problems_sheet": pgettext("bulletin sheet", "Problem list"),
        "problem_list": pgettext("problem list", "List"),
        "problem_new": pgettext("problem list", "new"),
        "problem_ongoing": pgettext("problem list", "in progress"),
        "problem_closed": pgettext("problem list", "closed (销号)"),
        "problem_number": _("Number (文号)"),
        "problem": _("Problem"),
        "problem_category": _("Category (要素)"),
        "problem_level": _("Coordination level (协调层级)"),
        "problem_colour": _("Supervision colour (三色督办)"),
        "problem_due": _("时限"),
        "problem_state": _("State"),
        "colour_red": colour_text("red"),
        "colour_yellow": colour_text("yellow"),
        "colour_blue": colour_text("blue"),
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
        f'<text x="{left}" y="{height - 12}">{escape(printed_date(points[0]["date"]))}</text>'
        f'<text x="{width - 20}" y="{height - 12}" text-anchor="end">'
        f"{escape(printed_date(points[-1]['date']))}</text>"
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
    """The bulletin as HTML: the page's card, or (*standalone*) a document carrying its own
    layout rules, which the PDF is laid out from."""
    return render_to_string(
        "supervision/bulletin_body.html",
        {
            "content": content,
            "sections": list(_html_sections(sections_of(content, labels()))),
            "charts": chart_svgs(content),
            "written": printed_date(content.get("as_of")),
            "standalone": standalone,
            # Our own stylesheet, not user input: inlined as it is written, since escaped
            # (&quot;) WeasyPrint would drop its rules and the headings' fonts with them.
            "css": mark_safe(BULLETIN_CSS.read_text(encoding="utf-8")) if standalone else "",
        },
    )


#: A date as ``printed_date`` writes it in Chinese (2019年11月15日).
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _html_sections(sections):
    """The sections for the HTML and the PDF: a date in a table cell kept on one line
    (``span.date``), where a narrow column would otherwise break it after any character."""
    for heading, paragraphs, table in sections:
        if table:
            header, rows = table
            table = (header, [[_unbroken_dates(cell) for cell in row] for row in rows])
        yield heading, paragraphs, table


def _unbroken_dates(cell):
    text = str(cell)
    if not CHINESE_DATE.search(text):
        return cell
    return mark_safe(  # escaped first; a date has nothing to escape
        CHINESE_DATE.sub(lambda m: f'<span class="date">{m[0]}</span>', escape(text))
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
