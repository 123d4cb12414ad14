"""Find the ledger sheets in an .xlsx or .csv file and read their rows.

A sheet is recognised by its headers, not by its name or column order: the
header row is the one among the first rows that names the most columns of
one of the three sheets (and all its required ones). Titles above it
(永康市2020年重点项目推进台账) are skipped, and the year they name is kept to
complete dates written without one (6月底). Merged cells count as if every
cell of the range held the top-left value, so a header merged over two rows,
a group header over 计划开始/计划完成, or a project code merged down the
rows of its items all read as people mean them. Hidden sheets (the
template's lists) and rows with nothing in them are left out.

CSV files are read as UTF-8 (with or without BOM) or, failing that, as GBK
(GB 18030, its superset), which is what Excel on a Chinese Windows writes.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from guatu.core.i18n import gettext_noop
from guatu.core.ledger.cells import plain_text
from guatu.core.ledger.columns import SHEETS, Column, SheetSpec, header_key
from guatu.core.ledger.xlsx_bounds import (
    MAX_COLUMNS,
    MAX_ROWS,
    LedgerFileError,
    SheetLimitError,
    check_xlsx,
)

__all__ = ["LedgerFileError", "SheetLimitError", "Table", "Workbook", "read_ledger"]

#: How many rows from the top may hold titles and headers.
HEADER_SEARCH_ROWS = 15
#: The largest file read at all. The largest real ledger we have seen is a
#: few MB; the import is measured at 200,000 rows. What an .xlsx may unpack
#: to and hold (rows, columns, cells, strings, styles) is bounded in
#: ``xlsx_bounds`` before calamine reads it; a CSV has the same rows and columns.
MAX_FILE_BYTES = 50 * 2**20
_YEAR = re.compile(r"(\d{4})\s*年")


@dataclass(slots=True)
class Table:
    """The rows of one recognised sheet, with where each column was found."""

    spec: SheetSpec
    sheet: str
    #: Column key → (0-based index, letter, header text as written in the file).
    columns: dict[str, tuple[int, str, str]]
    #: (row number as Excel shows it, the row's cell values).
    rows: list[tuple[int, tuple[Any, ...]]]
    #: Row numbers whose 完成率 cell Excel shows as a percentage (0.85 → 85 %).
    percent_rows: set[int] = field(default_factory=set)
    #: The year named in a title above the headers, for dates written without one.
    year: int | None = None

    def value(self, row: tuple[Any, ...], key: str) -> Any:
        place = self.columns.get(key)
        if place is None or place[0] >= len(row):
            return None
        return row[place[0]]

    def place(self, key: str) -> str:
        """Return how a column is named in messages: its letter and its header (D列“镇街”)."""
        _, letter, header = self.columns[key]
        return f"{letter}（{header}）"


@dataclass(slots=True)
class Workbook:
    tables: list[Table]
    #: Visible sheets that look like none of the ledger's sheets.
    unknown_sheets: list[str]
    hidden_sheets: list[str]


def read_ledger(
    source: str | Path | IO[bytes],
    *,
    name: str | None = None,
    specs: tuple[SheetSpec, ...] = SHEETS,
) -> Workbook:
    """Read the ledger in *source*, an .xlsx or .csv file (path or binary file object).

    *name* is the file's name when *source* is a file object (an upload);
    *specs* are the sheets to look for (the ledger's three by default).

    >>> csv_bytes = "项目编码,事项编码,事项名称\\nP1,A01,清表\\n".encode("gbk")
    >>> book = read_ledger(io.BytesIO(csv_bytes), name="x.csv")
    >>> book.tables[0].spec.key, book.tables[0].rows
    ('items', [(2, ('P1', 'A01', '清表'))])
    """
    if isinstance(source, str | Path):
        name = name or Path(source).name
        with open(source, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        data = source.read(MAX_FILE_BYTES + 1)
        name = name or "upload"
    if len(data) > MAX_FILE_BYTES:
        raise LedgerFileError(
            gettext_noop("%(file)s is larger than %(limit)d MB."),
            file=name,
            limit=MAX_FILE_BYTES // 2**20,
        )
    if data[:4] == b"PK\x03\x04":
        check_xlsx(data, name)
        return _read_xlsx(data, name, specs)
    if Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise LedgerFileError(
            gettext_noop("%(file)s is not an .xlsx workbook (save it as .xlsx or .csv)."), file=name
        )
    return _read_csv(data, name, specs)


def _read_csv(data: bytes, name: str, specs: tuple[SheetSpec, ...]) -> Workbook:
    if b"\x00" in data[:4096]:
        raise LedgerFileError(gettext_noop("%(file)s is not a text or .xlsx file."), file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise LedgerFileError(
                gettext_noop("%(file)s is neither UTF-8 nor GBK text."), file=name
            ) from None
    try:
        # Universal newlines: a file from old Mac software ends its lines with a bare \r.
        rows = [
            tuple(cell if cell != "" else None for cell in row)
            for row in csv.reader(io.StringIO(text, newline=None))
        ]
    except csv.Error as error:
        raise LedgerFileError(
            gettext_noop("%(file)s cannot be read as CSV: %(reason)s."),
            file=name,
            reason=str(error),
        ) from None
    if len(rows) > MAX_ROWS or any(len(row) > MAX_COLUMNS for row in rows):
        raise LedgerFileError(
            gettext_noop("%(file)s has more than %(max_rows)d rows or %(max_columns)d columns."),
            file=name,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
        )
    # Messages name the file (a CSV has no sheet); its stem may say which sheet it is (进度.csv).
    table = _table(Path(name).name, rows, title=Path(name).stem, specs=specs)
    if table is None:
        raise _no_sheet(name, specs)
    return Workbook([table], [], [])


def _read_xlsx(data: bytes, name: str, specs: tuple[SheetSpec, ...]) -> Workbook:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = book.sheets_metadata
    except (CalamineError, ValueError, OSError) as error:
        raise LedgerFileError(
            gettext_noop("%(file)s cannot be opened as a workbook: %(detail)s"),
            file=name,
            detail=str(error),
        ) from None
    tables, unknown, hidden = [], [], []
    for meta in sheets:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != SheetVisibleEnum.Visible:
            hidden.append(meta.name)
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merges = [
                (c0 + 1, r0 + 1, c1 + 1, r1 + 1)
                for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or ())
            ]
        except (CalamineError, ValueError) as error:
            raise LedgerFileError(
                gettext_noop("%(file)s cannot be opened as a workbook: %(detail)s"),
                file=name,
                detail=str(error),
            ) from None
        rows = [tuple(None if cell == "" else cell for cell in row) for row in rows]
        rows = _fill_merged(rows, merges, first_row=1, sheet=meta.name)
        found = _header(rows[:HEADER_SEARCH_ROWS], meta.name, specs)
        if found is None:
            if any(any(cell is not None for cell in row) for row in rows[:HEADER_SEARCH_ROWS]):
                unknown.append(meta.name)
            continue
        spec, header_index, columns, year = found
        body = [
            (number, row)
            for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2)
            if _has_input(row, columns, spec)
        ]
        percent_rows: set[int] = set()
        if spec.key == "progress" and "percent" in columns and body:
            percent_rows = _percent_rows(data, meta.name, columns["percent"][0])
        tables.append(Table(spec, meta.name, columns, body, percent_rows, year))
    if not tables:
        raise _no_sheet(name, specs)
    return Workbook(tables, unknown, hidden)


def _percent_rows(data: bytes, sheet_name: str, index: int) -> set[int]:
    """Return the rows whose cell in column *index* Excel shows as a percentage.

    calamine does not give number formats, so openpyxl reads this one column.
    """
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheet = book[sheet_name]
        return {
            cell.row
            for (cell,) in sheet.iter_rows(min_col=index + 1, max_col=index + 1)
            if getattr(cell, "row", None) and "%" in (getattr(cell, "number_format", "") or "")
        }
    finally:
        book.close()


def _no_sheet(name: str, specs: tuple[SheetSpec, ...]) -> LedgerFileError:
    wanted = "；".join(
        "、".join(column.header for column in spec.columns if column.required) for spec in specs
    )
    return LedgerFileError(
        gettext_noop(
            "%(file)s has no sheet with the expected headers; a sheet needs at least "
            "the required columns of one kind: %(headers)s."
        ),
        file=name,
        headers=wanted,
    )


def _fill_merged(rows: list[tuple], merges, *, first_row: int, sheet: str) -> list[tuple]:
    """Copy each merged range's top-left value into the range's other cells within *rows*.

    A range is cut at the sheet's last row and column (beyond them it would
    only repeat its value in cells that hold nothing), so ranges that do not
    overlap fill each cell of the sheet at most once; ranges that fill more
    overlap, and the sheet is refused rather than filled over and over.
    """
    if not merges:
        return rows
    last_row = first_row + len(rows) - 1
    width = max(map(len, rows), default=0)
    budget = len(rows) * width
    grid = None
    for min_col, min_row, max_col, original_max_row in merges:
        max_col = min(max_col, width)
        max_row = min(original_max_row, last_row)
        if max_row < first_row or min_row > last_row or min_row < first_row or max_col < min_col:
            continue
        budget -= (max_row - min_row + 1) * (max_col - min_col + 1)
        if budget < 0:
            raise SheetLimitError(
                gettext_noop("has merged ranges that overlap; it was not read."), sheet=sheet
            )
        if grid is None:
            grid = [list(row) for row in rows]
        top = grid[min_row - first_row]
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for r in range(min_row, max_row + 1):
            row = grid[r - first_row]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = value
    return rows if grid is None else [tuple(row) for row in grid]


def _header(
    top: list[tuple], sheet_title: str, specs: tuple[SheetSpec, ...]
) -> tuple[SheetSpec, int, dict[str, tuple[int, str, str]], int | None] | None:
    """Find the header row in *top*: the row naming most columns of one sheet kind.

    A header row may complete a group header above it (计划 over 开始 and 完成
    reads 计划开始 and 计划完成).
    """
    title_key = header_key(sheet_title)
    preferred = [
        spec
        for spec in specs
        if title_key in {header_key(n) for n in (spec.title, spec.label, *spec.aliases)}
    ]
    best = None
    for r, row in enumerate(top):
        above = top[r - 1] if r else ()
        texts = []
        for c, cell in enumerate(row):
            own = plain_text(cell)
            parent = plain_text(above[c]) if c < len(above) else ""
            texts.append((own, parent + own if parent and parent != own else ""))
        for spec in preferred or specs:
            columns = _match(spec, texts)
            if not all(column.key in columns for column in spec.columns if column.required):
                continue
            score = (len(columns), spec in preferred)
            if best is None or score > best[0]:
                best = (score, spec, r, columns)
    if best is None:
        return None
    _, spec, r, columns = best
    year = None
    for row in top[:r]:
        for cell in row:
            match = _YEAR.search(plain_text(cell))
            if match:
                year = int(match[1])
                break
        if year:
            break
    if year is None and (match := _YEAR.search(sheet_title)):
        year = int(match[1])
    return spec, r, columns, year


def _match(spec: SheetSpec, texts: list[tuple[str, str]]) -> dict[str, tuple[int, str, str]]:
    """The sheet's columns by key: each cell first to the column whose own header (or
    English name) it is, then the others by any name a column goes by.

    A required column left without a cell takes the one an optional column holds when
    that cell names it too: an office's sheet headed 项目代码 over its only key column
    (项目编码's old alias, since the national 项目代码's own header) or 计划开工 over its
    only start date still reads as it did.
    """
    columns: dict[str, tuple[int, str, str]] = {}
    names = {column.key: column.names() for column in spec.columns}
    own = {
        column.key: {header_key(column.header), header_key(column.label)} for column in spec.columns
    }
    taken: set[int] = set()
    for pool in (own, names):
        for c, (text_own, combined) in enumerate(texts):
            if c in taken:
                continue
            for text in (combined, text_own):
                if not text:
                    continue
                key = _column_for(header_key(text), spec.columns, pool)
                if key is not None and key not in columns:
                    columns[key] = (c, get_column_letter(c + 1), text)
                    taken.add(c)
                    break
    for column in spec.columns:
        if not column.required or column.key in columns:
            continue
        for key, place in list(columns.items()):
            if not spec.column(key).required and header_key(place[2]) in names[column.key]:
                columns[column.key] = columns.pop(key)
                break
    return columns


def _column_for(text: str, columns: tuple[Column, ...], names: dict[str, set[str]]) -> str | None:
    for column in columns:
        if text in names[column.key]:
            return column.key
    return None


def _table(
    sheet: str, rows: list[tuple], *, title: str, specs: tuple[SheetSpec, ...]
) -> Table | None:
    top = rows[:HEADER_SEARCH_ROWS]
    found = _header(top, title, specs)
    if found is None:
        return None
    spec, r, columns, year = found
    body = [
        (number, row)
        for number, row in enumerate(rows[r + 1 :], start=r + 2)
        if _has_input(row, columns, spec)
    ]
    return Table(spec, sheet, columns, body, set(), year)


def _has_input(row: tuple, columns: dict[str, tuple[int, str, str]], spec: SheetSpec) -> bool:
    for column in spec.input_columns:
        place = columns.get(column.key)
        if place is not None and place[0] < len(row):
            value = row[place[0]]
            if value is not None and (not isinstance(value, str) or value.strip()):
                return True
    return False
