"""Write the ledger: the empty template, or the same template filled with the data.

One layout for both, so that an export can be edited and imported back: a
title row naming the city and the year (imports take the year from it for
dates written without one), the header row, frozen, then the rows. Lists for
towns, phases, units, kinds and 是/否 come from a hidden sheet 选项 and are
offered as drop-downs (data validation). Computed columns (lights, the
倒排 late dates) are grey: they are written, never read back.
"""

import io
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from guatu.accounts.models import User
from guatu.common.spreadsheet import safe_row
from guatu.core.ledger.cells import format_links
from guatu.core.ledger.columns import ITEMS, PROGRESS, PROJECTS, SheetSpec
from guatu.core.ledger.organisation import (
    CALENDAR,
    CITY,
    DEPARTMENTS,
    ROLE_LABELS,
    RULES,
    TOWN_KIND_LABELS,
    TOWNS,
    USERS,
    VILLAGES,
)
from guatu.core.units import UNITS
from guatu.ledger.reference import CALENDAR_NAMES, KIND_NAMES
from guatu.org.clock import city_today
from guatu.org.models import CalendarException, City, Department, Town, Village
from guatu.progress.labels import light_label
from guatu.progress.models import ProgressReport, ReportReview, StatusRuleSet
from guatu.progress.selectors import IN_FORCE
from guatu.progress.status import projects_light, status_table
from guatu.projects.models import Dependency, Phase, Project, WorkItem

#: Rows measured to fit the column widths, and the widest column.
WIDTH_SAMPLE = 500
MAX_WIDTH = 60
#: Rows of the template that get drop-down lists (Excel stores the range, not the rows).
VALIDATED_ROWS = 20000
OPTIONS_SHEET = "选项"
DATE_FORMAT = "yyyy-mm-dd"
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
YES, NO = "是", "否"


def ledger_workbook(*, city: City, projects: Iterable[Project] | None = None) -> bytes:
    """Return an .xlsx ledger of *projects* (all the city's), or the empty template if ``[]``.

    The whole city's ledger also carries its organisation (城市, 镇街区, 行政村,
    部门, 用户): imported into an empty database it sets the city up again.
    """
    full = projects is None
    projects = list(
        Project.objects.filter(city=city).order_by("code")
        if projects is None
        else sorted(projects, key=lambda project: project.code)
    )
    today = city_today(city)
    book = Workbook(write_only=True)
    options = _options(city)
    # The title names the year: imports complete dates written without one (6月底) from it.
    chinese = (get_language() or "zh").startswith("zh")
    title = _("%(city)s key projects ledger, %(date)s") % {
        "city": city.name,
        "date": f"{today.year}年{today.month}月{today.day}日" if chinese else today.isoformat(),
    }
    _sheet(book, PROJECTS, title, _project_rows(projects, today), options)
    _sheet(book, ITEMS, title, _item_rows(projects, today), options)
    _sheet(book, PROGRESS, title, _progress_rows(projects), options)
    if full:
        _organisation_sheets(book, city, title, options)
    _options_sheet(book, options)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def organisation_workbook(*, city: City | None = None) -> bytes:
    """The organisation workbook of *city*, or the template (with example rows) for a new one."""
    book = Workbook(write_only=True)
    if city is None:
        title = _("Organisation of a new city (fill in and upload)")
        specs = (CITY, TOWNS, VILLAGES, DEPARTMENTS, USERS, RULES, CALENDAR)
        for spec, rows in zip(specs, EXAMPLE, strict=True):
            _sheet(book, spec, title, rows, {})
    else:
        _organisation_sheets(book, city, _("%(city)s organisation") % {"city": city.name}, {})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: The template's example rows, one list per organisation sheet.
EXAMPLE = (
    [["示例市", "339999", "Asia/Shanghai", "示例市重点项目建设管理办公室", "示重点办", None]],
    [["石柱镇", "镇", 1], ["江南街道", "街道", 2], ["经济开发区", "区", 3]],
    [["石柱镇", "石柱村"], ["石柱镇", "塘里村"]],
    [["示例市交通运输局", "交通局"], ["示例市自然资源和规划局", "自然资源局"]],
    [
        ["zhang_wei", "张伟", "督查办", "", "", "zhangwei@example.gov.cn"],
        ["li_na", "李娜", "市领导", "", "", ""],
        ["shizhu_wang", "王芳", "镇街区", "石柱镇", "", ""],
        ["jiaotong_liu", "刘洋", "部门", "", "示例市交通运输局", ""],
    ],
    [[1, date(2026, 1, 1), 10, 30, 28, NO, "默认规则"]],
    [[date(2026, 2, 14), YES, "春节调休上班（示例）"]],
)


def _organisation_sheets(book: Workbook, city: City, title: str, options) -> None:
    towns = list(Town.objects.filter(city=city).order_by("order", "name"))
    departments = list(Department.objects.filter(city=city).order_by("name"))
    _sheet(
        book,
        CITY,
        title,
        [
            [
                city.name,
                city.code,
                city.time_zone,
                city.office_name,
                city.document_prefix,
                city.status_date,
            ]
        ],
        options,
    )
    _sheet(
        book, TOWNS, title, ([t.name, TOWN_KIND_LABELS[t.kind], t.order] for t in towns), options
    )
    _sheet(
        book,
        VILLAGES,
        title,
        (
            [v.town.name, v.name]
            for v in Village.objects.filter(town__city=city)
            .select_related("town")
            .order_by("town__order", "town__name", "name")
        ),
        options,
    )
    _sheet(book, DEPARTMENTS, title, ([d.name, d.short_name] for d in departments), options)
    users = (
        User.objects.filter(
            Q(town__city=city)
            | Q(department__city=city)
            | Q(town__isnull=True, department__isnull=True)
        )
        .select_related("town", "department")
        .order_by("username")
    )
    _sheet(
        book,
        USERS,
        title,
        (
            [
                u.username,
                u.full_name,
                ROLE_LABELS.get(u.role, u.role),
                u.town.name if u.town else "",
                u.department.name if u.department else "",
                u.email,
            ]
            for u in users
        ),
        options,
    )
    _sheet(
        book,
        RULES,
        title,
        (
            [
                r.version,
                r.valid_from,
                _number(r.yellow_lag),
                _number(r.red_lag),
                r.window_days,
                _yes(r.s_curve),
                r.note,
            ]
            for r in StatusRuleSet.objects.filter(city=city).order_by("version")
        ),
        options,
    )
    _sheet(
        book,
        CALENDAR,
        title,
        (
            [e.date, _yes(e.working), e.note]
            for e in CalendarException.objects.filter(city=city, project__isnull=True).order_by(
                "date"
            )
        ),
        options,
    )


def _options(city: City) -> dict[str, list[str]]:
    return {
        "town": list(Town.objects.filter(city=city).values_list("name", flat=True)),
        "phase": list(Phase.objects.values_list("name", flat=True)),
        "unit": [unit.symbol for unit in UNITS.values()],
        "kind": list(KIND_NAMES.values()),
        "yes_no": [YES, NO],
        "calendar": list(CALENDAR_NAMES.values()),
        "department": list(Department.objects.filter(city=city).values_list("name", flat=True)),
    }


#: Which list each column's drop-down offers.
_LISTS = {
    ("projects", "owner_department"): "department",
    ("projects", "calendar"): "calendar",
    ("items", "kind"): "kind",
    ("items", "joint"): "yes_no",
    ("items", "phase"): "phase",
    ("items", "town"): "town",
    ("items", "owner_department"): "department",
    ("items", "unit"): "unit",
    ("items", "fixed"): "yes_no",
    ("progress", "unit"): "unit",
    ("progress", "above_target"): "yes_no",
}


def _sheet(book: Workbook, spec: SheetSpec, title: str, rows, options) -> None:
    sheet = book.create_sheet(spec.title)
    width = len(spec.columns)
    sheet.merged_cells = MultiCellRange(f"A1:{get_column_letter(width)}1")
    sheet.freeze_panes = "C3"
    # Write-only sheets take their widths before any row: measure the first rows.
    rows = iter(rows)
    head = list(itertools.islice(rows, WIDTH_SAMPLE))
    for index, column in enumerate(spec.columns):
        fit = max((_display_width(row[index]) for row in head), default=0)
        width = min(max(column.width, _display_width(column.header), fit), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width + 2
    rows = itertools.chain(head, rows)
    names = list(options)
    options_ref = quote_sheetname(OPTIONS_SHEET)
    for index, column in enumerate(spec.columns, start=1):
        listed = _LISTS.get((spec.key, column.key))
        if listed is None:
            continue
        letter = get_column_letter(index)
        source = get_column_letter(names.index(listed) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"{options_ref}!${source}$2:${source}${len(options[listed]) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{letter}3:{letter}{VALIDATED_ROWS}")
        sheet.data_validations.append(validation)
    # Chinese headers are the ledger's own names (what imports look for first);
    # English users get the English names, which imports also accept.
    chinese = (get_language() or "zh").startswith("zh")
    title_cell = WriteOnlyCell(sheet, value=f"{title} — {_(spec.label)}")
    title_cell.font = _TITLE_FONT
    sheet.append(safe_row(sheet, [title_cell]))
    headers = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=column.header if chinese else _(column.label))
        cell.font = _HEADER_FONT
        cell.fill = _COMPUTED_FILL if column.export_only else _HEADER_FILL
        cell.alignment = _CENTER
        headers.append(cell)
    sheet.append(headers)
    date_columns = {
        index
        for index, column in enumerate(spec.columns)
        if column.key
        in {
            "start_date",
            "deadline",
            "planned_start",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "reported_on",
            "status_date",
            "valid_from",
            "date",
        }
    }
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if index in date_columns and isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(safe_row(sheet, cells))


def _display_width(value: Any) -> int:
    """Columns a value takes in Excel: Chinese characters count two."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _options_sheet(book: Workbook, options: dict[str, list[str]]) -> None:
    sheet = book.create_sheet(OPTIONS_SHEET)
    sheet.sheet_state = "hidden"
    columns = list(options.values())
    sheet.append(safe_row(sheet, options))
    for i in range(max(len(values) for values in columns)):
        sheet.append(
            safe_row(sheet, [values[i] if i < len(values) else None for values in columns])
        )


def _number(value: Decimal | None) -> int | float | None:
    """A stored decimal as the plain number a spreadsheet shows (47, not 47.0000)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _yes(value: bool) -> str:
    return YES if value else NO


def _project_rows(projects: list[Project], today: date):
    lights = projects_light(projects=projects, as_of=today)
    departments = dict(Department.objects.values_list("pk", "name"))
    for project in projects:
        yield [
            project.code,
            project.name,
            project.programme,
            departments.get(project.owner_department_id),
            project.start_date,
            project.deadline,
            CALENDAR_NAMES.get(project.calendar, project.calendar),
            project.description,
            light_label(lights[project.pk]) if project.pk in lights else None,
            project.early_finish,
        ]


def _item_rows(projects: list[Project], today: date):
    if not projects:
        return
    codes = {project.pk: project.code for project in projects}
    items = list(
        WorkItem.objects.filter(project__in=projects)
        .order_by("project__code", "order", "code")
        .values_list(
            "pk",
            "project_id",
            "code",
            "name",
            "kind",
            "joint",
            "phase__name",
            "town__name",
            "owner_department__name",
            "quantity_target",
            "unit",
            "planned_value",
            "duration_days",
            "planned_start",
            "deadline",
            "fixed",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_float",
            "critical",
        )
    )
    code_of = {row[0]: row[2] for row in items}
    links: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for pred, succ, kind, lag in Dependency.objects.filter(
        successor__project__in=projects
    ).values_list("predecessor_id", "successor_id", "type", "lag_days"):
        links[succ].append((code_of[pred], kind, lag))
    villages: dict[int, list[str]] = defaultdict(list)
    for item_id, name in (
        Village.objects.filter(work_items__project__in=projects)
        .order_by("name")
        .values_list("work_items__id", "name")
    ):
        villages[item_id].append(name)
    statuses = status_table(items=Q(project__in=projects), as_of=today).statuses()
    for row in items:
        pk, project_id, code, name, kind, joint, phase, town, department = row[:9]
        quantity, unit, planned_value, duration, start, deadline, fixed = row[9:16]
        status = statuses.get(pk)
        yield [
            codes[project_id],
            code,
            name,
            KIND_NAMES.get(kind, kind),
            _yes(joint),
            phase,
            town,
            "、".join(villages.get(pk, ())),
            department,
            _number(quantity),
            UNITS[unit].symbol if unit else None,
            _number(planned_value),
            duration,
            start,
            deadline,
            _yes(fixed),
            format_links(sorted(links.get(pk, ()))),
            light_label(status.light) if status else None,
            status.actual if status else None,
            *row[16:21],
            _yes(row[21]),
        ]


def _progress_rows(projects: list[Project]):
    """The reports in force, each correction with its reason and the figure it replaced."""
    if not projects:
        return
    reports = (
        ProgressReport.objects.filter(IN_FORCE, work_item__project__in=projects)
        .order_by("work_item__project__code", "work_item__order", "work_item__code", "reported_on")
        .values_list(
            "work_item__project__code",
            "work_item__code",
            "work_item__name",
            "reported_on",
            "quantity_done",
            "work_item__unit",
            "percent_complete",
            "note",
            "above_target",
            "correction_reason",
            "supersedes__reported_on",
            "supersedes__percent_complete",
            "review__decision",
        )
    )
    reviews = dict(ReportReview.Decision.choices)
    for (
        project,
        code,
        name,
        day,
        done,
        unit,
        percent,
        note,
        above,
        reason,
        old_day,
        old_percent,
        decision,
    ) in reports.iterator(chunk_size=5000):
        corrected = (
            _("%(date)s: %(percent)s%%") % {"date": old_day.isoformat(), "percent": old_percent}
            if old_day is not None
            else None
        )
        review = None
        if above:
            review = str(reviews[decision]) if decision else _("awaiting review")
        yield [
            project,
            code,
            name,
            day,
            _number(done),
            UNITS[unit].symbol if unit and done is not None else None,
            _number(percent),
            note,
            YES if above else None,
            reason or None,
            corrected,
            review,
        ]


def export_filename(city: City, *, template: bool = False, today: date | None = None) -> str:
    today = today or city_today(city)
    kind = _("ledger template") if template else _("ledger")
    return f"{city.name}-{kind}-{today.isoformat()}.xlsx"


__all__ = ["export_filename", "ledger_workbook"]
