"""The bulletin as an Excel workbook: every row of its rankings and lists, one sheet each.

The printed bulletin (Word, PDF, HTML) shows the first rows of a long list and
points here for the rest. Sheets, in order: towns, departments, red items,
early warnings, blockers, accountability, and when the bulletin has them the
deadlines' chances, the time nodes at risk, the node adjustments, 投资月报 (every
project's month of investment) and 问题清单 (every problem of the period's three lists)
(the level above's bulletin: one sheet, its cities ranked). Each sheet's header is
bold on a grey fill and frozen; cells that a spreadsheet would read as a formula are
written as text (``common.spreadsheet.safe_row``).
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guatu.common.spreadsheet import book_properties, safe_row
from guatu.supervision.render_docx import problem_rows, region_columns

#: A sheet: its title, its header and its rows.
Sheet = tuple[str, list[str], list[list]]


def render_xlsx(content: dict, labels: dict[str, str]) -> bytes:
    """Return the bulletin *content* as .xlsx bytes; *labels* are the words, translated."""
    if content.get("kind") == "region":
        return _book([_cities(content["cities"], labels)], content)
    sheets = [
        _towns(content["towns"], labels),
        _departments(content["departments"], labels),
        _items(_("Red items"), content["red_items"], labels),
        _items(_("Early warnings"), content["warned_items"], labels),
        _blockers(content["blockers"], labels),
        _accountability(content["escalations"], labels),
    ]
    if content.get("risk"):
        sheets.append(_deadline_chances(content["risk"], labels))
    if content.get("risk_nodes"):
        sheets.append(_schedule_risk(content["risk_nodes"], labels))
    if content.get("adjustments"):
        sheets.append(_adjustments(content["adjustments"], labels))
    if content.get("investment"):
        sheets.append(_investment(content["investment"]["projects"], labels))
    if content.get("problems"):  # bulletins computed before the 问题清单 have none
        sheets.append(_problems(content["problems"], labels))
    return _book(sheets, content)


def _cities(cities: list[dict], labels: dict[str, str]) -> Sheet:
    """The level above's ranking, every figure as a number."""
    header = region_columns(labels)
    rows = [
        [
            k + 1,
            c["name"],
            c["as_of"],
            None if c["on_track"] is None else round(c["on_track"] * 100, 1),
            c["planned"],
            c["actual"],
            c["behind"],
            c["counts"]["red"],
            c["overdue_nodes"],
            c["nodes_at_risk"],
            c["blockers_open"],
            c["blockers_overdue"],
        ]
        for k, c in enumerate(cities)
    ]
    return labels["cities_sheet"], header, rows


def _book(sheets: list[Sheet], content: dict) -> bytes:
    # Write-only: a city's workbook has tens of thousands of rows.
    book = Workbook(write_only=True)
    book_properties(book, creator=content["office"], title=content["title"])
    head, fill = Font(bold=True), PatternFill("solid", fgColor="EEF2F6")
    for title, header, rows in sheets:
        _sheet(book, title, header, rows, head=head, fill=fill)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book, title: str, header: list[str], rows: list[list], *, head, fill) -> None:
    """Write one sheet: columns as wide as their first 200 rows need, the header styled
    and frozen, then every row."""
    ws = book.create_sheet(title)
    ws.freeze_panes = "A2"
    for index, name in enumerate(header):
        sample = [str(row[index] if row[index] is not None else "") for row in rows[:200]]
        width = max([len(name), *map(len, sample)])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(width * 2, 8), 60)
    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = head, fill
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    ws.append(safe_row(ws, cells))
    for row in rows:
        ws.append(safe_row(ws, row))


def _towns(towns: list[dict], labels: dict[str, str]) -> Sheet:
    """The towns ranked, with their share on track, its change and their lights."""
    return (
        _("Towns"),
        [
            labels["rank"],
            labels["town"],
            labels["on_track"],
            labels["change"],
            labels["red"],
            labels["yellow"],
            labels["green"],
            labels["done"],
        ],
        [
            [
                k + 1,
                s["name"],
                s["share"],
                s["change"],
                s["counts"]["red"],
                s["counts"]["yellow"],
                s["counts"]["green"],
                s["counts"]["done"],
            ]
            for k, s in enumerate(towns)
        ],
    )


def _departments(departments: list[dict], labels: dict[str, str]) -> Sheet:
    """The departments ranked, with their share on track, its change and their red items."""
    return (
        _("Departments"),
        [labels["rank"], labels["department"], labels["on_track"], labels["change"], labels["red"]],
        [
            [k + 1, s["name"], s["share"], s["change"], s["counts"]["red"]]
            for k, s in enumerate(departments)
        ],
    )


def _items(title: str, items: list[dict], labels: dict[str, str]) -> Sheet:
    """The red items or the early warnings, each with its figures, dates and why."""
    return (
        title,
        [
            labels["project"],
            labels["item"],
            labels["town"],
            labels["department"],
            _("Light"),
            _("Planned %"),
            _("Reported"),
            labels["lag"],
            labels["late_finish"],
            labels["forecast"],
            labels["reason"],
        ],
        [
            [
                r["project"],
                r["item"],
                r["town"],
                r["department"],
                r["light"],
                r["planned"],
                r["actual"],
                r["lag"],
                r["late_finish"],
                r["forecast"],
                r["reason"],
            ]
            for r in items
        ],
    )


def _blockers(blockers: list[dict], labels: dict[str, str]) -> Sheet:
    """The open blockers, where each is, who owns it and when it is due."""
    return (
        _("Blockers"),
        [
            labels["blocker"],
            labels["project"],
            labels["item"],
            labels["town"],
            labels["department"],
            labels["person"],
            labels["due"],
            labels["overdue"],
        ],
        [
            [
                b["description"],
                b["project"],
                b["item"],
                b["town"],
                b["department"],
                b["person"],
                b["due"],
                b["overdue"],
            ]
            for b in blockers
        ],
    )


def _accountability(escalations: list[dict], labels: dict[str, str]) -> Sheet:
    """The period's rungs of the ladder, each with its item, unit and why."""
    return (
        _("Accountability"),
        [labels["level"], labels["project"], labels["item"], labels["town"], labels["reason"]],
        [
            [e["level"], e["project"], e["item"], e["town"] or e["department"], e["reason"]]
            for e in escalations
        ],
    )


def _deadline_chances(risk: list[dict], labels: dict[str, str]) -> Sheet:
    """Each project's chance of its deadline at the present pace, and its P80 finish."""
    return (
        _("Deadline chances"),
        [labels["project"], _("Deadline"), labels["chance"], "P80"],
        [[r["project"], r["target"], f"{r['probability']}%", r["p80"]] for r in risk],
    )


def _schedule_risk(nodes: list[dict], labels: dict[str, str]) -> Sheet:
    """The time nodes ahead under even odds, with their chance and P80 finish."""
    return (
        _("Schedule risk"),
        [labels["project"], labels["item"], labels["node_date"], labels["chance"], "P80"],
        [[n["project"], n["item"], n["node"], f"{n['probability']}%", n["p80"]] for n in nodes],
    )


def _adjustments(adjustments: list[dict], labels: dict[str, str]) -> Sheet:
    """The 节点调整 approved in the period, per asking unit: how many, days moved, items."""
    return (
        _("Node adjustments"),
        [labels["unit"], labels["adjustment_count"], labels["days_moved"], labels["item"]],
        [[a["unit"], a["count"], a["days"], "、".join(a["items"])] for a in adjustments],
    )


def _investment(projects: list[dict], labels: dict[str, str]) -> Sheet:
    """投资月报: every project with a plan, its month as the city's standing has it — the
    plan, the month's and the year's investment in 万元, 完成率 and 序时 in %, the gap in
    percentage points (two decimals, as numbers a spreadsheet sums), its light and why it
    is behind."""
    return (
        labels["investment_sheet"],
        [
            labels["project_code"],
            labels["project"],
            labels["builder"],
            labels["lead_department"],
            labels["investment_plan"],
            labels["investment_month"],
            labels["investment_done"],
            labels["investment_rate"],
            labels["investment_schedule"],
            labels["investment_gap"],
            labels["light"],
            labels["reason"],
        ],
        [
            [
                p["project_code"],
                p["project"],
                p["builder"],
                p["department"],
                round(p["plan"], 2),
                round(p["month_done"], 2),
                round(p["done"], 2),
                round(p["rate"], 2),
                round(p["schedule"], 2),
                round(p["gap"], 2),
                labels.get(p["light"], "") if p["light"] != "none" else "",
                p["reason"],
            ]
            for p in projects
        ],
    )


def _problems(problems: dict, labels: dict[str, str]) -> Sheet:
    """问题清单: every problem of the period's 新增, 推进中 and 已销号, with its 文号, where it
    is, its category, level (the number and the name), colour, unit, person, 时限 (ISO) and
    state."""
    return (
        labels["problems_sheet"],
        [
            labels["problem_list"],
            labels["problem_number"],
            labels["project"],
            labels["item"],
            labels["problem"],
            labels["problem_category"],
            labels["level"],
            labels["problem_level"],
            labels["problem_colour"],
            labels["unit"],
            labels["person"],
            labels["problem_due"],
            labels["problem_state"],
        ],
        [
            [
                r["list"],
                r["number"],
                r["project"],
                r["item"],
                r["description"],
                r["category"],
                r["level"],
                r["level_name"],
                labels.get(f"colour_{r['colour']}", ""),
                r["unit"],
                r["person"],
                r["due"],
                r["state"],
            ]
            for r in problem_rows(problems, labels)
        ],
    )
