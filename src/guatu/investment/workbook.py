"""The 月报 workbook: the month's investment table offices fill in, written and read back.

An office (or a town, a department) downloads the month's table: one row a project with
a plan for the year (and every 新开工 project), what is known of it in grey (name, units,
plan, the months before), then the month's input columns. Filled in, it comes back
through ``workbook_import``, all of it or nothing:

- the file is bounded before it is read (``core.ledger.xlsx_bounds`` through the
  ledger's reader: a 1 KB workbook claiming a million rows is refused at its sheet, not
  allocated), and only an .xlsx is read;
- every row is checked first (numbers, 是/否, the project known by its 项目编码 in the
  city, the actor allowed to report it, ``figures_problems``, the month over), each
  problem at its sheet, row and column; if there is one, nothing is written;
- then every row is written through ``monthly_submit`` (and ``plan_set`` for the sheet
  年度计划, the office only) in one transaction: a problem the services find while
  writing rolls all of it back and is reported at its row.

A row with an empty 本月完成投资 is not reported. A month already reported keeps its
report when the row shows the same figures (an exported table uploaded again changes
nothing); different figures are a correction, which needs its 更正原因.
"""

import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook

from guatu.access import can_report_investment, is_supervisor, reports_own_items, require
from guatu.audit.services import audit_record
from guatu.common.events import InvestmentReported, publish
from guatu.common.spreadsheet import book_properties, safe_row
from guatu.core.ledger.cells import (
    CellError,
    parse_amount,
    parse_bool,
    parse_code,
    parse_number,
    plain_text,
)
from guatu.core.ledger.columns import Column, SheetSpec
from guatu.core.ledger.workbook import HEADER_SEARCH_ROWS, MAX_FILE_BYTES, Table
from guatu.core.project_code import normalise_project_code
from guatu.investment.models import FUND_SOURCES, SPLIT, AnnualPlan, MonthlyReport, MonthlyReview
from guatu.investment.selectors import city_standing, project_months
from guatu.investment.services import (
    MAX_MONEY,
    TEXT_LIMIT,
    MonthFigures,
    curve_problem,
    figures_problems,
    monthly_submit,
    plan_set,
)
from guatu.ledger.checking import MAX_PROBLEMS, CellChecker, TooManyProblems, sheets_read
from guatu.ledger.layout import NO, YES, plain_number, yes_no
from guatu.ledger.problems import Problem
from guatu.org.clock import city_today
from guatu.projects.models import Project

__all__ = [
    "MONTHLY",
    "PLANS",
    "WorkbookResult",
    "workbook_export",
    "workbook_filename",
    "workbook_import",
]

#: Years a workbook may be for (the services' own bounds: plans 2000–2100).
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: Rows of the template that get the 是/否 drop-down beyond the listed projects.
VALIDATED_EXTRA_ROWS = 500
#: A figure read from a spreadsheet is kept to the 分 of 万元 (0.01); a float's noise
#: (0.1 + 0.2 in a formula) below this is rounded away, anything more is a problem.
CENT = Decimal("0.01")
FLOAT_NOISE = Decimal("0.000001")
_PERIOD = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")

# The sources of 资金到位 as the table heads them, by FUND_SOURCES' fields (a new source
# in the model fails here at import time, not silently in a file).
_FUND_HEADERS = {
    "fund_central": ("中央资金", gettext_noop("Central government funds in place (万元)")),
    "fund_provincial": ("省级资金", gettext_noop("Provincial funds in place (万元)")),
    "fund_local": ("地方财政", gettext_noop("Local public funds in place (万元)")),
    "fund_bond": ("专项债", gettext_noop("Special-purpose bonds in place (万元)")),
    "fund_loan": ("银行贷款", gettext_noop("Bank loans in place (万元)")),
    "fund_self": ("企业自筹", gettext_noop("Own funds in place (万元)")),
    "fund_other": ("其他资金", gettext_noop("Other funds in place (万元)")),
}
_SPLIT_HEADERS = {
    "construction": ("建安工程(万元)", gettext_noop("Construction (万元)"), ("建安工程",)),
    "equipment": ("设备购置(万元)", gettext_noop("Equipment (万元)"), ("设备购置",)),
    "other": ("其他费用(万元)", gettext_noop("Other costs (万元)"), ("其他费用", "其他")),
}

NATIONAL_CODE = Column(
    "project_code",
    "项目代码",
    gettext_noop("National project code"),
    ("国家项目代码", "统一项目代码", "项目统一代码"),
    width=26,
)
CITY_CODE = Column(
    "code", "项目编码", gettext_noop("Project code"), ("项目编号",), required=True, width=14
)
NAME = Column("name", "项目名称", gettext_noop("Project name"), export_only=True, width=28)

MONTHLY = SheetSpec(
    key="investment_month",
    title="月报",
    label=gettext_noop("Monthly investment"),
    aliases=("投资月报", "投资调度", "月度投资"),
    columns=(
        NATIONAL_CODE,
        CITY_CODE,
        NAME,
        Column("builder", "建设单位", gettext_noop("Builder"), export_only=True, width=20),
        Column(
            "department", "牵头单位", gettext_noop("Lead department"), export_only=True, width=16
        ),
        Column("town", "责任镇街", gettext_noop("Responsible town"), export_only=True),
        Column("plan", "年度计划(万元)", gettext_noop("Annual plan (万元)"), export_only=True),
        # The column "1–(m−1)月累计(万元)" is written between these; its header names the
        # month, so it is no column of the spec: imports pass it by.
        Column("status", "本月状态", gettext_noop("This month"), export_only=True, width=14),
        Column(
            "amount",
            "本月完成投资(万元)",
            gettext_noop("Investment this month (万元)"),
            ("本月完成投资", "本月投资", "当月完成投资"),
            required=True,
            width=16,
        ),
        *(
            Column(key, header, label, aliases)
            for key, (header, label, aliases) in (
                (name, _SPLIT_HEADERS[name]) for name, _label in SPLIT
            )
        ),
        *(
            Column(
                name,
                f"{_FUND_HEADERS[name][0]}到位(万元)",
                _FUND_HEADERS[name][1],
                (_FUND_HEADERS[name][0], f"{_FUND_HEADERS[name][0]}(万元)"),
                width=14,
            )
            for name, _label in FUND_SOURCES
        ),
        Column(
            "progress_text",
            "形象进度",
            gettext_noop("Progress on site"),
            ("形象进度描述",),
            width=30,
        ),
        Column("in_library", "入库(是/否)", gettext_noop("In the library (是/否)"), ("入库",)),
        Column(
            "in_statistics", "纳统(是/否)", gettext_noop("In the statistics (是/否)"), ("纳统",)
        ),
        Column(
            "reason",
            "更正原因",
            gettext_noop("Reason for the correction"),
            ("更正说明",),
            width=24,
        ),
    ),
)

PLANS = SheetSpec(
    key="investment_plans",
    title="年度计划",
    label=gettext_noop("Annual plans"),
    aliases=("年度投资计划", "投资计划"),
    columns=(
        NATIONAL_CODE,
        CITY_CODE,
        NAME,
        Column("year", "年度", gettext_noop("Year"), ("年份",), width=8),
        Column(
            "amount",
            "年度计划(万元)",
            gettext_noop("Annual plan (万元)"),
            ("年度计划", "年度投资计划", "年度计划投资"),
            required=True,
            width=16,
        ),
        *(
            Column(
                f"curve_{month}",
                f"{month}月累计(%)",
                f"Month {month} cumulative (%)",
                (f"{month}月",),
                width=9,
            )
            for month in range(1, 13)
        ),
    ),
)

_MONEY_KEYS = ("amount", *(name for name, _label in SPLIT), *(n for n, _label in FUND_SOURCES))
#: Where a service's complaint about a field is placed in the 月报 sheet.
_FIELD_COLUMN = {
    **{key: key for key in _MONEY_KEYS},
    "progress_text": "progress_text",
    "correction_reason": "reason",
    "supersedes": "reason",
    "curve": "curve_12",
}

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


# -- Writing ---------------------------------------------------------------------------------


def workbook_filename(city, year: int, month: int, unit: str = "") -> str:
    """The download's name: the city, the month and, for a unit's own table, the unit."""
    return f"{city.name}{unit}{year}年{month}月投资月报.xlsx"


def own_unit(actor) -> str:
    """The unit whose projects *actor* reports (a town, a department); "" for the office
    and for readers."""
    if actor is None or is_supervisor(actor) or not reports_own_items(actor):
        return ""
    unit = actor.town if actor.town_id else actor.department
    return unit.name if unit is not None else "?"


def workbook_export(*, city, year: int, month: int, actor=None) -> bytes:
    """The 月报 of *city* for *month* of *year* as .xlsx bytes.

    The office's table lists every project with a plan for the year and every 新开工
    project, and carries the sheet 年度计划 (every project of the city) for setting
    plans; a town's or a department's official gets the projects they report only
    (``can_report_investment``), marked as their unit's, without plans to set. A month
    already reported shows its figures, so the table uploaded again changes nothing.
    """
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise ValueError(f"no 月报 for {year}-{month}")
    unit = own_unit(actor)
    projects = list(
        Project.objects.filter(city=city)
        .filter(Q(annual_plans__year=year) | Q(category=Project.Category.NEW))
        .distinct()
        .select_related("responsible_town", "owner_department")
        .order_by("code")
    )
    if unit:
        projects = [project for project in projects if can_report_investment(actor, project)]
    chinese = (get_language() or "zh").startswith("zh")
    period = f"{year}年{month}月"
    title = _("%(city)s key projects' monthly investment (月报), %(period)s") % {
        "city": city.name,
        "period": period,
    }
    if unit:
        title = _("%(title)s — the projects %(unit)s reports") % {"title": title, "unit": unit}
    book = Workbook(write_only=True)
    book_properties(book, creator=city.issuer, title=title)
    _month_sheet(book, city, year, month, projects, title, chinese, unit)
    if not unit:
        _plan_sheet(book, city, year, chinese)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _month_sheet(book, city, year, month, projects, title, chinese, unit) -> None:
    plans = {
        plan.project_id: plan
        for plan in AnnualPlan.objects.filter(project__in=[p.pk for p in projects], year=year)
    }
    done = _done_before(city, year, month, projects)
    current = {
        report.project_id: report
        for report in MonthlyReport.objects.filter(
            project__in=[p.pk for p in projects],
            year=year,
            month=month,
            superseded_by__isnull=True,
        ).select_related("review")
    }
    cumulative = (
        f"1–{month - 1}月累计(万元)" if month > 2 else ("1月累计(万元)" if month == 2 else "")
    )
    columns: list[tuple[Column | None, str]] = []
    for column in MONTHLY.columns:
        if column.key == "status" and cumulative:
            columns.append((None, cumulative if chinese else _("Done before this month (万元)")))
        columns.append((column, column.header if chinese else _(column.label)))
    rows = []
    for project in projects:
        plan = plans.get(project.pk)
        report = current.get(project.pk)
        values: dict[str, Any] = {
            "project_code": project.project_code or None,
            "code": project.code,
            "name": project.name,
            "builder": project.builder or None,
            "department": project.owner_department.name,
            "town": project.responsible_town.name if project.responsible_town else None,
            "plan": plain_number(plan.amount) if plan else None,
            "status": _status(report),
        }
        if report is not None:
            values.update(_report_values(report))
        row = []
        for column, _header in columns:
            if column is None:
                row.append(done.get(project.pk))
            else:
                row.append(values.get(column.key))
        rows.append(row)
    notes = _(
        "Amounts in 万元. A row whose 本月完成投资 is empty is not reported. A month already "
        "reported shows its figures: change them and give the reason in 更正原因 to correct "
        "it. Grey columns are for reading and are not imported."
    )
    yes_no_keys = {"in_library", "in_statistics"}
    _write(
        book,
        MONTHLY.title,
        title,
        notes,
        columns,
        rows,
        yes_no_columns=[
            i
            for i, (column, _header) in enumerate(columns, 1)
            if column and column.key in yes_no_keys
        ],
        freeze="D4",
    )


def _done_before(city, year: int, month: int, projects: list[Project]) -> dict[int, float]:
    """Each project's investment from January to the month before (the selectors' figure)."""
    if month == 1:
        return {}
    rows = {row.project.pk: row.done for row in city_standing(city, year, month - 1).rows}
    done = {}
    for project in projects:
        if project.pk in rows:
            done[project.pk] = round(rows[project.pk], 2)
        else:  # no plan above zero: city_standing leaves it out, its own months say it
            before = project_months(project, year, month - 1)[month - 2].done
            done[project.pk] = round(before, 2) if before is not None else 0
    return done


def _status(report: MonthlyReport | None) -> str:
    """The month's report as the grey column says it: not reported, waiting, decided."""
    if report is None:
        return _("not reported")
    try:
        review = report.review
    except MonthlyReview.DoesNotExist:
        return _("waiting for review")
    if review.decision == MonthlyReview.Decision.RETURNED:
        return _("returned: %(note)s") % {"note": review.note}
    return str(review.get_decision_display())


def _report_values(report: MonthlyReport) -> dict[str, Any]:
    values: dict[str, Any] = {key: plain_number(getattr(report, key)) for key in _MONEY_KEYS}
    values["progress_text"] = report.progress_text or None
    values["in_library"] = yes_no(report.in_library)
    values["in_statistics"] = yes_no(report.in_statistics)
    return values


def _plan_sheet(book, city, year: int, chinese: bool) -> None:
    """The sheet 年度计划: every project of the city, its plan for *year* where set."""
    plans = {
        plan.project_id: plan for plan in AnnualPlan.objects.filter(project__city=city, year=year)
    }
    columns = [(column, column.header if chinese else _(column.label)) for column in PLANS.columns]
    rows = []
    for project in Project.objects.filter(city=city).order_by("code"):
        plan = plans.get(project.pk)
        curve = list(plan.curve) if plan is not None and plan.curve else [None] * 12
        rows.append(
            [
                project.project_code or None,
                project.code,
                project.name,
                year,
                plain_number(plan.amount) if plan else None,
                *(plain_number(Decimal(str(v))) if v is not None else None for v in curve),
            ]
        )
    title = _("%(city)s annual investment plans, %(year)s年") % {"city": city.name, "year": year}
    notes = _(
        "年度计划 in 万元. The twelve monthly columns are the project's own plan curve "
        "(cumulative %, never falling, 100 in December); leave them empty for the city's "
        "curve. Only the supervision office sets plans."
    )
    _write(book, PLANS.title, title, notes, columns, rows, yes_no_columns=[], freeze="D4")


def _write(book, name, title, notes, columns, rows, *, yes_no_columns, freeze) -> None:
    """A sheet: the title and a line of notes (merged across), the headers, the rows;
    computed columns grey; 是/否 drop-downs on *yes_no_columns* (1-based)."""
    sheet = book.create_sheet(name)
    last = get_column_letter(len(columns))
    sheet.merged_cells = MultiCellRange(f"A1:{last}1 A2:{last}2")
    sheet.freeze_panes = freeze
    for index, (column, header) in enumerate(columns, 1):
        width = column.width if column is not None else 16
        sheet.column_dimensions[get_column_letter(index)].width = max(width, len(header) + 4)
    for index in yes_no_columns:
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=f'"{YES},{NO}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("是 or 否"),
            error=_("Choose 是 or 否."),
        )
        validation.add(f"{letter}4:{letter}{len(rows) + 3 + VALIDATED_EXTRA_ROWS}")
        sheet.data_validations.append(validation)
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = _TITLE_FONT
    sheet.append(safe_row(sheet, [title_cell]))
    notes_cell = WriteOnlyCell(sheet, value=notes)
    notes_cell.alignment = _WRAP
    sheet.append(safe_row(sheet, [notes_cell]))
    sheet.row_dimensions[2].height = 45
    headers = []
    for column, header in columns:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = _HEADER_FONT
        cell.alignment = _CENTER
        computed = column is None or column.export_only
        cell.fill = _COMPUTED_FILL if computed else _HEADER_FILL
        headers.append(cell)
    sheet.append(safe_row(sheet, headers))
    for row in rows:
        sheet.append(safe_row(sheet, row))


# -- Reading ---------------------------------------------------------------------------------


@dataclass
class WorkbookResult:
    """What an import found and did. ``problems``: each at its sheet, row and column;
    when there is one, nothing was written (``written`` is False)."""

    file: str
    year: int
    month: int
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)  # projects' codes, new reports
    corrected: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # the month's report as it was
    skipped: int = 0  # rows without 本月完成投资
    plans: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Report:
    """A checked row of 月报, to be written."""

    table: Table
    row: int
    project: Project
    figures: MonthFigures
    supersedes: MonthlyReport | None
    reason: str


@dataclass
class _Plan:
    """A checked row of 年度计划 that changes a plan."""

    table: Table
    row: int
    project: Project
    year: int
    amount: Decimal
    curve: list[float] | None


@dataclass
class _Context:
    city: Any
    actor: Any
    year: int
    month: int
    today: Any
    supervisor: bool
    projects: dict[str, Project]
    result: WorkbookResult
    reports: list[_Report] = field(default_factory=list)
    plans: list[_Plan] = field(default_factory=list)
    #: The reports written so far: announced together, or their files removed on rollback.
    stored: list[MonthlyReport] = field(default_factory=list)


class _RolledBack(Exception):
    """A write found a problem: leave the transaction, undoing everything in it."""


def workbook_import(
    *,
    actor,
    city,
    source: str | Path | IO[bytes],
    year: int,
    month: int,
    name: str | None = None,
    today=None,
) -> WorkbookResult:
    """Check the 月报 in *source* for *month* of *year* and, if nothing is wrong, write it.

    The office, a town's and a department's officials import (anyone else gets
    ``PermissionDenied``); each reports the projects ``can_report_investment`` lets
    them, and only the office changes plans. See the module's note for the rules.
    """
    require(
        is_supervisor(actor) or reports_own_items(actor),
        user=actor,
        action="investment_workbook_import",
        target=city,
    )
    file_name = name or (Path(source).name if isinstance(source, str | Path) else "upload")
    result = WorkbookResult(file=file_name, year=year, month=month)
    if not (FIRST_YEAR <= year <= LAST_YEAR) or not 1 <= month <= 12:
        result.problems.append(
            Problem(
                file_name,
                None,
                None,
                "",
                _("Choose a month of a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        )
        return result
    data = _read_bytes(source, file_name, result)
    if data is None:
        return result
    book = sheets_read(
        io.BytesIO(data),
        name=file_name,
        specs=(MONTHLY, PLANS),
        problems=result.problems,
        notes=result.notes,
    )
    if book is None:
        return result
    context = _Context(
        city=city,
        actor=actor,
        year=year,
        month=month,
        today=today or city_today(city),
        supervisor=is_supervisor(actor),
        projects={p.code: p for p in Project.objects.filter(city=city)},
        result=result,
    )
    try:
        _check_titles(data, book.tables, context)
        for table in book.tables:
            if table.spec is PLANS:
                _check_plans(table, context)
        for table in book.tables:
            if table.spec is MONTHLY:
                _check_months(table, context)
    except TooManyProblems:
        result.notes.append(
            _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS}
        )
    if result.problems:
        return result
    _write_all(context)
    return result


def _read_bytes(source, file_name: str, result: WorkbookResult) -> bytes | None:
    """The file's bytes, or None with a problem when it is too large or no .xlsx."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        message = _("The file is larger than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // 2**20}
    elif data[:4] != b"PK\x03\x04":
        message = _(
            "This is not an .xlsx workbook: download the 月报 template, fill it in and save "
            "it as .xlsx."
        )
    else:
        return data
    result.problems.append(Problem(file_name, None, None, "", message))
    return None


def _check_titles(data: bytes, tables: list[Table], context: _Context) -> None:
    """A 月报 whose title names another month (last month's file) is refused at its sheet;
    so is a 年度计划 titled for another year than its rows say nothing of."""
    wanted = (context.year, context.month)
    periods = _title_periods(data, [t.sheet for t in tables if t.spec is MONTHLY])
    for table in tables:
        if table.spec is not MONTHLY:
            continue
        period = periods.get(table.sheet)
        if period is not None and period != wanted:
            context.result.problems.append(
                Problem(
                    table.sheet,
                    None,
                    None,
                    "",
                    _(
                        "this is the 月报 of %(found)s, and the upload is for %(wanted)s: "
                        "choose that month, or download this month's table."
                    )
                    % {
                        "found": f"{period[0]}年{period[1]}月",
                        "wanted": f"{wanted[0]}年{wanted[1]}月",
                    },
                )
            )
        elif _has_amounts(table) and wanted >= (context.today.year, context.today.month):
            context.result.problems.append(
                Problem(
                    table.sheet,
                    None,
                    None,
                    "",
                    _(
                        "%(year)s-%(month)02d is not over yet: "
                        "a month is reported once it has ended."
                    )
                    % {"year": context.year, "month": context.month},
                )
            )


def _has_amounts(table: Table) -> bool:
    return any(plain_text(table.value(row, "amount")) for _number, row in table.rows)


def _title_periods(data: bytes, sheets: list[str]) -> dict[str, tuple[int, int]]:
    """The year and month each of *sheets* names above its headers, read as the ledger's
    reader read it (calamine; the file is bounded already, and only its first rows are
    taken)."""
    found: dict[str, tuple[int, int]] = {}
    if not sheets:
        return found
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for sheet in sheets:
            rows = book.get_sheet_by_name(sheet).to_python(nrows=HEADER_SEARCH_ROWS)
            for row in rows:
                texts = (cell for cell in row if isinstance(cell, str))
                match = next((m for text in texts if (m := _PERIOD.search(text))), None)
                if match:
                    found[sheet] = (int(match[1]), int(match[2]))
                    break
    except (CalamineError, ValueError):  # read once already: not expected; the title unsaid
        return found
    return found


def _project(checker: CellChecker, context: _Context) -> Project | None:
    """The row's project, by its 项目编码 (the 项目代码, if given, must be the project's)."""
    code = checker.cell("code", parse_code, required=True)
    if code is None:
        return None
    project = context.projects.get(code)
    if project is None:
        checker.fail(
            "code", _("%(city)s has no project with this code.") % {"city": context.city.name}
        )
        return None
    national = plain_text(checker.raw("project_code"))
    if national and normalise_project_code(national) != project.project_code:
        checker.fail(
            "project_code",
            _("project %(code)s's 项目代码 is %(national)s.")
            % {"code": project.code, "national": project.project_code or "—"},
        )
    return project


def _once(checker: CellChecker, seen: dict, key: tuple) -> bool:
    """Whether *key* (a project, and a year for plans) is on no earlier row of the sheet."""
    if key in seen:
        checker.fail(
            "code", _("this project is already on row %(row)d of this sheet.") % {"row": seen[key]}
        )
        return False
    seen[key] = checker.number
    return True


def _money(checker: CellChecker, key: str) -> Decimal | None:
    """A figure in 万元 (1.2亿 and 3000000元 converted), to the 分, within the bounds."""
    value = checker.cell(key, parse_amount)
    if value is None:
        return None
    if abs(value) > MAX_MONEY:
        checker.fail(key, _("At most %(max)s 万元.") % {"max": MAX_MONEY})
        return None
    rounded = value.quantize(CENT)
    if abs(rounded - value) > FLOAT_NOISE:
        checker.fail(key, _("at most two decimal places (万元)."))
        return None
    return rounded


def _text(checker: CellChecker, key: str) -> str:
    text = plain_text(checker.raw(key))
    if "\x00" in text:
        checker.fail(key, _("The text contains a NUL character; remove it."))
    elif len(text) > TEXT_LIMIT:
        checker.fail(
            key,
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": TEXT_LIMIT, "length": len(text)},
        )
    return text


def _check_months(table: Table, context: _Context) -> None:
    """Check each row of a 月报 sheet; the rows to write go to ``context.reports``."""
    result = context.result
    checker = CellChecker(table, result.problems, context.year)
    current = {
        report.project_id: report
        for report in MonthlyReport.objects.filter(
            project__city=context.city,
            year=context.year,
            month=context.month,
            superseded_by__isnull=True,
        ).select_related("review")
    }
    seen: dict = {}
    inputs = [c.key for c in MONTHLY.input_columns if c.key not in ("code", "project_code")]
    for number, row in table.rows:
        checker.start(number, row)
        project = _project(checker, context)
        if project is None or not _once(checker, seen, (project.pk,)):
            continue
        if checker.raw("amount") is None:
            result.skipped += 1
            if any(checker.raw(key) is not None for key in inputs):
                result.notes.append(
                    _(
                        "Sheet “%(sheet)s”, row %(row)d: 本月完成投资 is empty, so the row "
                        "was not reported (its other figures were not read)."
                    )
                    % {"sheet": table.sheet, "row": number}
                )
            continue
        if not can_report_investment(context.actor, project):
            checker.fail(
                "code",
                _(
                    "you may not report this project's investment: its responsible town, its "
                    "lead department (牵头单位) or the supervision office does."
                ),
            )
            continue
        figures = _figures(checker)
        reason = _text(checker, "reason")
        if figures is None:
            continue
        for name, messages in figures_problems(figures).items():
            for message in messages:
                checker.fail(_FIELD_COLUMN.get(name), message, plain_text(checker.raw(name)))
        if not checker.ok:
            continue
        report = current.get(project.pk)
        returned = report is not None and _returned(report)
        # A returned month sent again with its reason is resubmitted, even unchanged (the
        # unit has checked it); without a reason, as it was, it is left as it was.
        if report is not None and _same(report, figures) and not (returned and reason.strip()):
            result.unchanged.append(project.code)
            continue
        if report is not None and not reason.strip():
            checker.fail(
                "reason",
                _(
                    "%(year)s-%(month)02d is already reported (%(amount)s 万元): different "
                    "figures are a correction; give its reason in 更正原因."
                )
                % {"year": context.year, "month": context.month, "amount": report.amount},
            )
            continue
        if report is None and reason.strip():
            result.notes.append(
                _(
                    "Sheet “%(sheet)s”, row %(row)d: the month was not reported yet, so this is "
                    "its first report and 更正原因 was not kept."
                )
                % {"sheet": table.sheet, "row": number}
            )
            reason = ""
        context.reports.append(_Report(table, number, project, figures, report, reason))


def _figures(checker: CellChecker) -> MonthFigures | None:
    """The row's figures, or None when one of their cells could not be read (each
    problem noted)."""
    noted = len(checker.problems)
    amount = _money(checker, "amount")
    split = {name: _money(checker, name) for name, _label in SPLIT}
    funds = tuple((name, _money(checker, name) or Decimal(0)) for name, _label in FUND_SOURCES)
    progress = _text(checker, "progress_text")
    in_library = checker.cell("in_library", parse_bool)
    in_statistics = checker.cell("in_statistics", parse_bool)
    if amount is None or len(checker.problems) > noted:
        return None
    return MonthFigures(
        amount=amount,
        funds=funds,
        progress_text=progress,
        in_library=bool(in_library),
        in_statistics=bool(in_statistics),
        **split,
    )


def _returned(report: MonthlyReport) -> bool:
    """Whether the office returned *report* (it waits for its unit's correction)."""
    try:
        return report.review.decision == MonthlyReview.Decision.RETURNED
    except MonthlyReview.DoesNotExist:
        return False


def _same(report: MonthlyReport, figures: MonthFigures) -> bool:
    """Whether *figures* are what *report* says (the month as it was exported)."""
    return (
        report.amount == figures.amount
        and all(getattr(report, name) == getattr(figures, name) for name, _label in SPLIT)
        and all(getattr(report, name) == value for name, value in figures.funds)
        and report.progress_text == figures.progress_text
        and report.in_library == figures.in_library
        and report.in_statistics == figures.in_statistics
    )


def _check_plans(table: Table, context: _Context) -> None:
    """Check each row of a 年度计划 sheet; the plans it changes go to ``context.plans``.

    A row the same as the plan in force changes nothing, whoever sends it; a row that
    changes one is the office's to send.
    """
    result = context.result
    checker = CellChecker(table, result.problems, context.year)
    stored = {
        (plan.project_id, plan.year): plan
        for plan in AnnualPlan.objects.filter(project__city=context.city)
    }
    seen: dict = {}
    curve_keys = [f"curve_{month}" for month in range(1, 13)]
    for number, row in table.rows:
        checker.start(number, row)
        year = checker.cell("year", _parse_year) or table.year or context.year
        if not checker.ok:
            continue
        if not FIRST_YEAR <= year <= LAST_YEAR:
            checker.fail(
                "year" if checker.raw("year") is not None else None,
                _("Choose a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                str(year),
            )
            continue
        project = _project(checker, context)
        if project is None or not _once(checker, seen, (project.pk, year)):
            continue
        given = [checker.raw(key) is not None for key in curve_keys]
        if checker.raw("amount") is None:
            if any(given):
                checker.fail("amount", _("this column must be filled in."), "")
            continue
        amount = _money(checker, "amount")
        curve = _curve(checker, curve_keys, given)
        if amount is None or not checker.ok:
            continue
        if amount < 0:
            checker.fail("amount", _("A plan cannot be negative."))
            continue
        plan = stored.get((project.pk, year))
        if plan is not None and plan.amount == amount and _same_curve(plan.curve, curve):
            continue
        if not context.supervisor:
            checker.fail(
                "amount",
                _(
                    "only the supervision office sets annual plans, and this is not the plan "
                    "in force (%(amount)s)."
                )
                % {"amount": f"{plan.amount} 万元" if plan else _("none")},
            )
            continue
        context.plans.append(_Plan(table, number, project, year, amount, curve))


def _parse_year(value: Any) -> int:
    number = parse_number(value)
    if number != number.to_integral_value() or abs(number) > 10_000:
        raise CellError(gettext_noop("a year such as 2019"))
    return int(number)


def _curve(checker: CellChecker, keys: list[str], given: list[bool]) -> list[float] | None:
    """The row's own plan curve (twelve cumulative %), None when its cells are empty.

    Cells Excel shows as percentages hold fractions (25 % is 0.25): twelve values that
    end at 1 and never pass it are read as such.
    """
    if not any(given):
        return None
    if not all(given):
        missing = keys[given.index(False)]
        checker.fail(missing, _("give all twelve months of the curve, or none."), "")
        return None
    values = [checker.cell(key, parse_number) for key in keys]
    if not checker.ok or any(value is None for value in values):
        return None
    curve = [float(value) for value in values]
    if curve[-1] == 1 and max(curve) <= 1:
        curve = [round(value * 100, 4) for value in curve]
    if problem := curve_problem(curve):
        checker.fail(keys[-1], problem)
        return None
    return curve


def _same_curve(stored: list | None, curve: list[float] | None) -> bool:
    if not stored or curve is None:
        return not stored and curve is None
    return [round(float(v), 4) for v in stored] == [round(v, 4) for v in curve]


# -- Writing what was checked ----------------------------------------------------------------


def _write_all(context: _Context) -> None:
    """Write every checked plan and report in one transaction; a problem rolls it all back."""
    result = context.result
    try:
        with transaction.atomic():
            for plan in context.plans:
                try:
                    plan_set(
                        actor=context.actor,
                        project=plan.project,
                        year=plan.year,
                        amount=plan.amount,
                        curve=plan.curve,
                    )
                except (ValidationError, PermissionDenied) as error:
                    _problems_from(error, plan.table, plan.row, result)
                else:
                    result.plans.append(plan.project.code)
            for report in context.reports:
                _submit(report, context)
            if result.problems:
                raise _RolledBack
            if context.stored:  # one message for the whole table, not one a project
                publish(InvestmentReported(tuple(context.stored)))
            audit_record(
                user=context.actor,
                action="investment_workbook_import",
                target=context.city,
                detail={
                    "file": result.file,
                    "year": context.year,
                    "month": context.month,
                    "reported": result.reported,
                    "corrected": result.corrected,
                    "plans": result.plans,
                },
            )
    except BaseException:
        # The rows are gone with the transaction; the files written for them are not.
        for stored in context.stored:
            if stored.confirmation:
                stored.confirmation.delete(save=False)
        context.stored.clear()
        result.reported, result.corrected, result.plans = [], [], []
        if not isinstance(sys.exc_info()[1], _RolledBack):
            raise
        return
    result.written = True


def _submit(report: _Report, context: _Context) -> None:
    supersedes = report.supersedes
    confirmation = _confirmation_of(supersedes)
    try:
        stored = monthly_submit(
            actor=context.actor,
            project=report.project,
            year=context.year,
            month=context.month,
            figures=report.figures,
            confirmation=confirmation,
            supersedes=supersedes,
            correction_reason=report.reason,
            today=context.today,
            announce=False,
        )
    except (ValidationError, PermissionDenied) as error:
        _problems_from(error, report.table, report.row, context.result)
        return
    finally:
        if confirmation is not None:
            confirmation.close()
    context.stored.append(stored)
    (context.result.corrected if supersedes else context.result.reported).append(
        report.project.code
    )


def _confirmation_of(report: MonthlyReport | None) -> File | None:
    """The 形象进度确认单 of the report a row corrects: the correction keeps it (the table
    carries figures, not files). None when there is none or its file is gone."""
    if report is None or not report.confirmation:
        return None
    try:
        handle = report.confirmation.storage.open(report.confirmation.name, "rb")
    except OSError:
        return None
    return File(handle, name=Path(report.confirmation.name).name.split("-", 1)[-1])


def _problems_from(error: Exception, table: Table, row: int, result: WorkbookResult) -> None:
    """A service's refusal as problems at *row*, each at its column where it names one."""
    if isinstance(error, PermissionDenied):
        found: dict[str, list[str]] = {
            "": [_("you may not write this row (the roles of 投资调度 refuse it).")]
        }
    elif hasattr(error, "error_dict"):
        found = error.message_dict
    else:
        found = {"": error.messages}
    for name, messages in found.items():
        key = _FIELD_COLUMN.get(name)
        column = table.place(key) if key and key in table.columns else None
        for message in messages:
            result.problems.append(Problem(table.sheet, row, column, "", message))
