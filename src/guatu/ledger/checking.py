"""Checking a sheet cell by cell, each problem noted at its place, all of them in one pass.

Used by the ledger import and by the park applicants' screening: both read
every row, collect every problem, and write nothing if there is one.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from guatu.core.errors import CoreError
from guatu.core.ledger.cells import CellError, parse_date, plain_text
from guatu.core.ledger.columns import SheetSpec
from guatu.core.ledger.workbook import SheetLimitError, Table, Workbook, read_ledger
from guatu.core.limits import CONTROL
from guatu.errors import translate
from guatu.ledger.problems import Problem, expected, quote

#: Problems listed at most; beyond this the file is too wrong to list it all usefully.
MAX_PROBLEMS = 1000


class TooManyProblems(Exception):
    """Stop checking: enough problems have been found to send the file back."""


class CellChecker:
    """Reads one row's cells with the column's parser, noting each problem at its cell."""

    def __init__(self, table: Table, problems: list[Problem], year: int | None) -> None:
        self.table = table
        self.problems = problems
        self.year = table.year or year
        self.number = 0
        self.row: tuple = ()
        self.ok = True

    def start(self, number: int, row: tuple) -> None:
        self.number, self.row, self.ok = number, row, True

    def has(self, key: str) -> bool:
        return key in self.table.columns

    def raw(self, key: str) -> Any:
        value = self.table.value(self.row, key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def fail(self, key: str | None, message: str, value: Any = None) -> None:
        self.ok = False
        column = self.table.place(key) if key is not None and self.has(key) else None
        if key is not None and value is None:
            value = self.raw(key)
        self.problems.append(Problem(self.table.sheet, self.number, column, quote(value), message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems

    def cell(self, key: str, parse: Callable[[Any], Any], *, required: bool = False) -> Any:
        """Return the parsed value of column *key*, or None (empty, or wrong and noted).

        A ``CellError`` says what was expected (“应为…”); any other core error
        (a credit code's check character, say) is its own sentence.
        """
        value = self.raw(key)
        if value is None:
            if required:
                self.fail(key, _("this column must be filled in."), "")
            return None
        try:
            return parse(value)
        except CellError as error:
            self.fail(key, expected(translate(error)))
        except CoreError as error:
            self.fail(key, translate(error))
        return None

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = self.raw(key)
        text = plain_text(value)
        if not text:
            if required:
                self.fail(key, _("this column must be filled in."), "")
            return ""
        if len(text) > max_length:
            self.fail(key, _("at most %(count)d characters.") % {"count": max_length})
        if CONTROL.search(text):  # no document guatu writes could carry it
            self.fail(key, _("a control character; remove it."), repr(text)[1:-1])
        return text

    def date(self, key: str, *, required: bool = False) -> date | None:
        return self.cell(key, lambda v: parse_date(v, year=self.year), required=required)


def source_name(source, name: str | None) -> str:
    """How messages name an uploaded or local file: its given name, a path's file name."""
    return name or (Path(source).name if isinstance(source, str | Path) else "upload")


def sheets_read(
    source,
    *,
    name: str,
    specs: tuple[SheetSpec, ...],
    problems: list[Problem],
    notes: list[str],
    quiet: tuple[str, ...] = (),
) -> Workbook | None:
    """The workbook in *source* read for *specs*; None when the file can't be read at all.

    A file that is no workbook is a problem named after the file, a sheet
    over the limits (``core.ledger.xlsx_bounds``, checked before any sheet is
    read) one named after the sheet; a hidden sheet, or one that looks like
    none of *specs*, is noted — never skipped without a word, except the
    sheets named in *quiet* (the export's own 说明, written to be read by people).
    """
    try:
        book = read_ledger(source, name=name, specs=specs)
    except CoreError as error:
        where = error.sheet if isinstance(error, SheetLimitError) else name
        problems.append(Problem(where, None, None, "", translate(error)))
        return None
    for sheet in book.hidden_sheets:
        notes.append(_("Hidden sheet “%(sheet)s” was not read.") % {"sheet": sheet})
    for sheet in book.unknown_sheets:
        if sheet in quiet:
            continue
        notes.append(
            _("Sheet “%(sheet)s” has no ledger headers and was not read.") % {"sheet": sheet}
        )
    return book
