"""The ledger's layout, one sheet at a time, shared by the ledger and the organisation.

A title row naming the city and the year, the header row, frozen, then the
rows; widths fitted to the first rows; drop-downs (data validation) reading
the hidden sheet of lists 选项; computed columns grey.
"""

import itertools
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from guatu.common.spreadsheet import safe_row
from guatu.core.ledger.columns import SheetSpec

#: Rows measured to fit the column widths, and the widest column.
WIDTH_SAMPLE = 500
MAX_WIDTH = 60
#: Rows of the template that get drop-down lists (Excel stores the range, not the rows).
VALIDATED_ROWS = 20000
OPTIONS_SHEET = "选项"
#: A whole city's export says here what it carries and what it does not; imports skip it.
NOTES_SHEET = "说明"
DATE_FORMAT = "yyyy-mm-dd"
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
YES, NO = "是", "否"


#: Which list each column's drop-down offers.
_LISTS = {
    ("projects", "owner_department"): "department",
    ("projects", "calendar"): "calendar",
    ("projects", "level"): "level",
    ("projects", "category"): "category",
    ("projects", "stage"): "stage",
    ("projects", "responsible_town"): "town",
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


def write_sheet(book: Workbook, spec: SheetSpec, title: str, rows, options) -> None:
    """Append *spec*'s sheet to *book*: title, frozen headers, fitted widths, drop-downs, *rows*."""
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
            "planned_groundbreaking",
            "planned_completion",
            "groundbreaking",
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


def write_notes_sheet(book: Workbook, title: str, lines: list[str]) -> None:
    """Append the sheet 说明: the title, then one line of text a row, wrapped."""
    sheet = book.create_sheet(NOTES_SHEET)
    sheet.column_dimensions["A"].width = 110
    label = _("Notes")
    title_cell = WriteOnlyCell(sheet, value=f"{title} — {label}")
    title_cell.font = _TITLE_FONT
    sheet.append(safe_row(sheet, [title_cell]))
    for line in lines:
        cell = WriteOnlyCell(sheet, value=line)
        cell.alignment = _WRAP
        sheet.append(safe_row(sheet, [cell]))


def write_options_sheet(book: Workbook, options: dict[str, list[str]]) -> None:
    """Append the hidden sheet of lists (选项) the drop-downs offer."""
    sheet = book.create_sheet(OPTIONS_SHEET)
    sheet.sheet_state = "hidden"
    columns = list(options.values())
    sheet.append(safe_row(sheet, options))
    for i in range(max(len(values) for values in columns)):
        sheet.append(
            safe_row(sheet, [values[i] if i < len(values) else None for values in columns])
        )


def plain_number(value: Decimal | None) -> int | float | None:
    """A stored decimal as the plain number a spreadsheet shows (47, not 47.0000)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def yes_no(value: bool) -> str:
    """是 or 否."""
    return YES if value else NO


__all__ = [
    "NO",
    "NOTES_SHEET",
    "OPTIONS_SHEET",
    "YES",
    "plain_number",
    "write_notes_sheet",
    "write_options_sheet",
    "write_sheet",
    "yes_no",
]
