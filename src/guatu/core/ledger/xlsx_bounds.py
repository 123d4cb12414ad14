"""Bound an .xlsx workbook by what it declares and what it holds, before any sheet is read.

calamine, which reads the ledger's sheets, takes a workbook at its word and
allocates what it asks for: a sheet's grid from A1 to its farthest cell (two
cells, A1 and XFD1048576, in a 1.6 KB file ask for 512 GiB and abort the
process), a shared-strings table as long as ``<sst uniqueCount>`` says, a
copy of a shared string in every cell that uses it, every merged range. So
:func:`check_xlsx` unpacks every part of the zip once, as a stream of 1 MB
chunks, and measures it in one compiled pass (``sheet_scan``) that keeps
nothing but counts:

- each sheet's declared ``<dimension ref>`` and the farthest row and column
  its cells reach, placed as calamine places them: at most ``MAX_ROWS``
  rows and ``MAX_COLUMNS`` columns;
- the cells the sheets span from A1 (the grid calamine and the reader
  allocate) and the cells they hold: at most ``MAX_CELLS`` in the workbook;
- merged ranges per sheet; shared strings (their number, the number
  declared, the size of their part); the shared text the cells would copy,
  each string counted at every cell that uses it; style records; sheets;
  parts;
- every part must unpack to exactly the size the zip directory declares
  (calamine reads a deflate stream to its end, whatever the directory says),
  and no part name may appear twice;
- it must be an .xlsx: calamine would read an .xlsb or .ods zip as well.

A refused workbook costs a few MB of memory and, at worst (300 MB of
markup to walk), seconds of one core.
"""

import io
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np

from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop
from guatu.core.ledger import sheet_scan
from guatu.core.ledger.shared_text import sheet_over
from guatu.core.ledger.sheet_scan import MalformedPart, Part

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_MERGED_RANGES",
    "MAX_PARTS",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_SHARED_TEXT_BYTES",
    "MAX_SHEETS",
    "MAX_STYLES",
    "MAX_UNPACKED_BYTES",
    "LedgerFileError",
    "SheetLimitError",
    "check_xlsx",
]

#: The sum of the sizes the zip declares for its parts (a crafted 3.7 MB
#: .xlsx can unpack to 1.5 GB).
MAX_UNPACKED_BYTES = 300 * 2**20
#: Parts in the zip (a real workbook has a few dozen).
MAX_PARTS = 10_000
#: Sheets the workbook lists (a ledger has four or five).
MAX_SHEETS = 1_000
#: Rows of one sheet, declared or reached by a cell: a ledger's largest sheet
#: is measured at 200,000 rows (docs/PERFORMANCE.md).
MAX_ROWS = 250_000
#: Columns of one sheet, declared or reached by a cell (the work-item sheet has 25).
MAX_COLUMNS = 200
#: Cells the workbook's sheets span, rows × columns from A1, added up; also
#: the cells they hold. 250,000 rows of the 25-column work-item sheet fit
#: with room to spare; calamine allocates 32 bytes a spanned cell.
MAX_CELLS = 10_000_000
#: Merged ranges in one sheet (calamine hands each to Python as a tuple).
MAX_MERGED_RANGES = 100_000
#: Shared strings, counted or declared (calamine reserves ``uniqueCount`` up front).
MAX_SHARED_STRINGS = 1_000_000
#: Size of the shared-strings part, unpacked.
MAX_SHARED_STRINGS_BYTES = 100 * 2**20
#: The shared strings' XML counted at every cell that uses one: what the
#: sheets would unpack to with their text written in each cell. calamine and
#: the reader make one copy a cell, so this bounds them as the unpacked size does.
MAX_SHARED_TEXT_BYTES = MAX_UNPACKED_BYTES
#: Style records (cell formats, number formats, fonts, fills, borders, named
#: and differential styles) together; Excel itself allows 64,000 cell formats.
MAX_STYLES = 200_000

#: Unpacked bytes read from a part at a time.
CHUNK_BYTES = 2**20
#: The longest single piece of markup (a tag, a comment, a value) read whole.
MAX_MARKUP_BYTES = 8 * 2**20
#: How much of the workbook part is read for the sheets' names (they come
#: first; the defined names after them can be long, and name no sheet).
NAMES_BYTES = 4 * 2**20


class LedgerFileError(CoreError):
    """The file cannot be read as a ledger (not xlsx/csv, damaged, too large, no known sheet)."""


class SheetLimitError(LedgerFileError):
    """A sheet declares or holds more than a ledger sheet may; ``sheet`` names it.

    The message leaves the sheet out (it is said where the problem is placed);
    ``str()`` puts it in front.
    """

    def __init__(self, template: str | None = None, *, sheet: str, **params) -> None:
        self.sheet = sheet
        super().__init__(template, **params)
        self.args = (f"Sheet “{sheet}”: {self.args[0]}",)


@dataclass(slots=True)
class _Workbook:
    """The running totals over the parts measured so far."""

    file: str
    #: The sheets' names by their parts' lower-case paths.
    names: dict[str, str] = field(default_factory=dict)
    #: Unpacked size of each shared string's XML, by index.
    strings: array = field(default_factory=lambda: array("q"))
    spanned: int = 0
    held: int = 0
    #: ``<v>`` elements that may hold a shared string's index: as ``<v>12</v>``, and otherwise.
    values: int = 0
    odd_values: int = 0
    #: Each sheet's part, name and values other than ``<v>12</v>``.
    sheets: list[tuple[zipfile.ZipInfo, str, int]] = field(default_factory=list)


def check_xlsx(data: bytes, name: str) -> None:
    """Refuse the workbook in *data* (its file named *name*) if it exceeds a limit.

    Raise ``SheetLimitError`` for a sheet over a limit, ``LedgerFileError``
    for the workbook as a whole (too many parts, sheets, strings or styles, a
    part that lies about its size, markup calamine cannot read). Return None
    when calamine may read it.
    """
    if data.count(b"PK\x01\x02") > MAX_PARTS:  # the central directory's entries, at most
        raise _too_many_parts(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as error:
        raise _unreadable(name, str(error)) from None
    except (NotImplementedError, RuntimeError) as error:  # compression, encryption
        raise _unreadable(name, str(error)) from None


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LedgerFileError(
            gettext_noop(
                "%(file)s would unpack to %(size)d MB, more than the %(limit)d MB a ledger "
                "may hold; it was not read."
            ),
            file=name,
            size=unpacked // 2**20,
            limit=MAX_UNPACKED_BYTES // 2**20,
        )
    parts: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        if key in parts:
            # calamine finds a part by its name in any case; two of them leave
            # it unsaid which one it reads.
            raise LedgerFileError(
                gettext_noop("%(file)s has two parts named %(part)s; it was not read."),
                file=name,
                part=info.filename,
            )
        parts[key] = info
    if "xl/workbook.xml" not in parts or {"xl/workbook.bin", "content.xml"} & parts.keys():
        # calamine would read an .xlsb or .ods zip too, by formats measured here by none.
        raise LedgerFileError(
            gettext_noop("%(file)s is not an .xlsx workbook (save it as .xlsx or .csv)."),
            file=name,
        )

    def chunks(info: zipfile.ZipInfo) -> Iterator[bytes]:
        return _chunks(archive, info, name)

    book = _Workbook(name)
    _measure_workbook(parts, chunks, book)
    if "xl/sharedstrings.xml" in parts:
        _measure_strings(parts["xl/sharedstrings.xml"], chunks, book)
    for key, info in parts.items():
        measured = key in ("xl/sharedstrings.xml", "xl/workbook.xml")
        if key == "xl/styles.xml":
            _measure_styles(info, chunks, name)
            measured = True
        if key in book.names or (key.startswith("xl/worksheets/") and "/_rels/" not in key):
            _measure_sheet(info, chunks, book)
            measured = True
        if not measured:
            for _chunk in chunks(info):  # unpacked only to check its size
                pass
    _check_shared_text(book, chunks)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """Yield the part *info* unpacked, a chunk at a time; refuse it if it unpacks to
    more or less than it declares."""
    probe = zipfile.ZipInfo(info.filename, info.date_time)
    for slot in zipfile.ZipInfo.__slots__:
        if hasattr(info, slot):
            setattr(probe, slot, getattr(info, slot))
    probe.file_size = info.file_size + 1  # read on past the declared size, to see a lie
    seen = 0
    with archive.open(probe) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            seen += len(chunk)
            if seen > info.file_size:
                break
            yield chunk
    if seen != info.file_size:
        raise LedgerFileError(
            gettext_noop(
                "%(file)s is damaged: its part %(part)s does not unpack to the size it "
                "declares; it was not read."
            ),
            file=name,
            part=info.filename,
        )


def _too_many_parts(name: str) -> LedgerFileError:
    return LedgerFileError(
        gettext_noop("%(file)s has more than %(limit)d parts; it was not read."),
        file=name,
        limit=MAX_PARTS,
    )


def _unreadable(name: str, detail: str) -> LedgerFileError:
    return LedgerFileError(
        gettext_noop("%(file)s cannot be opened as a workbook: %(detail)s"),
        file=name,
        detail=detail,
    )


def _measured(
    kind: int, info: zipfile.ZipInfo, chunks: Callable, name: str
) -> Iterator[tuple[Part, np.ndarray | None]]:
    """Feed the part *info* to a new ``Part`` of *kind* and yield it after each chunk."""
    part = Part(kind)
    try:
        for chunk in chunks(info):
            starts = part.feed(chunk)
            if len(part.carry) > MAX_MARKUP_BYTES:
                raise MalformedPart()
            yield part, starts
        part.end()
    except MalformedPart as error:
        detail = (
            gettext_noop("a document type declaration is not allowed")
            if error.dtd
            else f"{info.filename}: not well-formed XML"
        )
        raise _unreadable(name, detail) from None


# -- The workbook: its sheets -------------------------------------------------------------


def _measure_workbook(parts: dict[str, zipfile.ZipInfo], chunks: Callable, book: _Workbook) -> None:
    """Count the sheets the workbook lists and learn which part is which sheet."""
    if "xl/workbook.xml" not in parts:
        return
    workbook = parts["xl/workbook.xml"]
    for part, _starts in _measured(sheet_scan.WORKBOOK, workbook, chunks, book.file):
        if part.figures[sheet_scan.RECORDS] > MAX_SHEETS:
            raise LedgerFileError(
                gettext_noop("%(file)s has more than %(limit)d sheets; it was not read."),
                file=book.file,
                limit=MAX_SHEETS,
            )
    targets = {
        relationship.get("Id"): relationship.get("Target", "")
        for relationship in _read_names(
            parts, "xl/_rels/workbook.xml.rels", "Relationship", chunks, MAX_PARTS
        )
    }
    for attributes in _read_names(parts, "xl/workbook.xml", "sheet", chunks, MAX_SHEETS):
        rid = next((v for k, v in attributes.items() if k.endswith(":id")), "")
        target = targets.get(rid, "")
        # As calamine resolves it: from the root if it starts so, else under xl/.
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        book.names.setdefault(target.lower(), attributes.get("name", ""))


def _read_names(
    parts: dict[str, zipfile.ZipInfo], key: str, element: str, chunks: Callable, most: int
) -> list[dict[str, str]]:
    """Return the attributes of the first *most* *element* in the first ``NAMES_BYTES`` of a
    part.

    Only messages use them (a sheet is named after its part where they miss);
    the part was measured already, so what expat stops at needs no message.
    """
    found: list[dict[str, str]] = []
    if key not in parts:
        return found
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _stop

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag.rpartition(":")[2] == element and len(found) < most:
            found.append(attributes)

    def end(tag: str) -> None:
        if tag.rpartition(":")[2] == "sheets":
            raise _Enough

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    read = 0
    try:
        for chunk in chunks(parts[key]):
            if read > NAMES_BYTES:
                break
            read += len(chunk)
            parser.Parse(chunk, False)
    except (_Enough, expat.ExpatError):
        pass
    return found


class _Enough(Exception):
    """Raised by a handler that has read all it needs of a part."""


def _stop(*_args) -> None:
    raise _Enough


# -- Shared strings and styles -------------------------------------------------------------


def _measure_strings(info: zipfile.ZipInfo, chunks: Callable, book: _Workbook) -> None:
    """Note each shared string's unpacked size in ``book.strings``; refuse too many, too much."""
    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise LedgerFileError(
            gettext_noop(
                "%(file)s has %(size)d MB of shared strings, more than the %(limit)d MB a "
                "ledger may hold; it was not read."
            ),
            file=book.file,
            size=info.file_size // 2**20,
            limit=MAX_SHARED_STRINGS_BYTES // 2**20,
        )
    began: int | None = None  # where the last string began, if one has
    for part, starts in _measured(sheet_scan.STRINGS, info, chunks, book.file):
        if part.figures[sheet_scan.UNIQUE_COUNT] > MAX_SHARED_STRINGS:
            raise _too_many_strings(book)
        if len(starts):
            if began is not None:
                book.strings.append(int(starts[0]) - began)
            book.strings.frombytes(np.diff(starts).tobytes())
            began = int(starts[-1])
        if len(book.strings) >= MAX_SHARED_STRINGS:
            raise _too_many_strings(book)
    if began is not None:
        book.strings.append(info.file_size - began)


def _too_many_strings(book: _Workbook) -> LedgerFileError:
    return LedgerFileError(
        gettext_noop("%(file)s holds more than %(limit)d shared strings; it was not read."),
        file=book.file,
        limit=MAX_SHARED_STRINGS,
    )


def _measure_styles(info: zipfile.ZipInfo, chunks: Callable, name: str) -> None:
    for part, _starts in _measured(sheet_scan.STYLES, info, chunks, name):
        if part.figures[sheet_scan.RECORDS] > MAX_STYLES:
            raise LedgerFileError(
                gettext_noop("%(file)s holds more than %(limit)d cell styles; it was not read."),
                file=name,
                limit=MAX_STYLES,
            )


# -- Sheets --------------------------------------------------------------------------------


def _measure_sheet(info: zipfile.ZipInfo, chunks: Callable, book: _Workbook) -> None:
    sheet = book.names.get(info.filename.lower(), info.filename)
    figures = np.zeros(sheet_scan.SIZE, dtype=np.int64)
    for part, _starts in _measured(sheet_scan.SHEET, info, chunks, book.file):
        figures = part.figures
        _check_sheet(figures, sheet, book)
    book.spanned += int(figures[sheet_scan.ROWS] * figures[sheet_scan.COLUMNS])
    book.held += int(figures[sheet_scan.CELLS])
    book.values += int(figures[sheet_scan.VALUES])
    book.odd_values += int(figures[sheet_scan.ODD_VALUES])
    book.sheets.append((info, sheet, int(figures[sheet_scan.ODD_VALUES])))


def _check_sheet(figures: np.ndarray, sheet: str, book: _Workbook) -> None:
    """Refuse *sheet* if what it declares or holds so far passes a limit."""
    declared_rows = int(figures[sheet_scan.DECLARED_ROWS])
    declared_columns = int(figures[sheet_scan.DECLARED_COLUMNS])
    rows, columns = int(figures[sheet_scan.ROWS]), int(figures[sheet_scan.COLUMNS])
    cells = int(figures[sheet_scan.CELLS])
    if declared_rows > MAX_ROWS or declared_columns > MAX_COLUMNS:
        raise SheetLimitError(
            gettext_noop(
                "declares %(rows)d rows and %(columns)d columns, more than the "
                "%(max_rows)d rows and %(max_columns)d columns a sheet may have; it was "
                "not read."
            ),
            sheet=sheet,
            rows=declared_rows,
            columns=declared_columns,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
        )
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SheetLimitError(
            gettext_noop(
                "has cells reaching row %(rows)d, column %(columns)d, beyond the "
                "%(max_rows)d rows and %(max_columns)d columns a sheet may have; it was "
                "not read."
            ),
            sheet=sheet,
            rows=rows,
            columns=columns,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
        )
    if book.spanned + rows * columns > MAX_CELLS:
        raise SheetLimitError(
            gettext_noop(
                "spans %(rows)d rows by %(columns)d columns (%(cells)d cells), and the "
                "sheets of a workbook may span at most %(limit)d cells together; it was "
                "not read."
            ),
            sheet=sheet,
            rows=rows,
            columns=columns,
            cells=rows * columns,
            limit=MAX_CELLS,
        )
    if book.held + cells > MAX_CELLS:
        raise SheetLimitError(
            gettext_noop(
                "holds more than %(limit)d cells with the sheets before it; it was not read."
            ),
            sheet=sheet,
            limit=MAX_CELLS,
        )
    if figures[sheet_scan.MERGES] > MAX_MERGED_RANGES:
        raise SheetLimitError(
            gettext_noop("has more than %(limit)d merged ranges; it was not read."),
            sheet=sheet,
            limit=MAX_MERGED_RANGES,
        )


def _check_shared_text(book: _Workbook, chunks: Callable) -> None:
    """Refuse the sheet whose cells take the shared text copied past the limit
    (``shared_text.sheet_over``)."""
    sheet = sheet_over(
        book.strings, book.sheets, book.values + book.odd_values, chunks, MAX_SHARED_TEXT_BYTES
    )
    if sheet is not None:
        raise _too_much_text(sheet)


def _too_much_text(sheet: str) -> SheetLimitError:
    return SheetLimitError(
        gettext_noop(
            "its cells would copy more than %(limit)d MB of shared text (each shared "
            "string counted in every cell that uses it); it was not read."
        ),
        sheet=sheet,
        limit=MAX_SHARED_TEXT_BYTES // 2**20,
    )
