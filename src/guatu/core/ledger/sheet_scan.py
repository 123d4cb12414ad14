"""Measure the XML parts of a workbook in one compiled pass, keeping nothing but counts.

:class:`Part` walks the tags of a part fed as a stream of chunks and
reads only what bounds calamine's allocations — for a worksheet, where its
cells land and how many there are; for the shared strings, where each one
starts and how many are declared; for the styles, how many records there
are; for the workbook, how many sheets. It reads any
well-formed XML: attributes in any order and with either quote, namespace
prefixes (calamine goes by the local name, and so does this), comments,
CDATA sections and processing instructions (skipped, so nothing in them is
taken for a tag). A document type declaration is refused (calamine expands
no entity; nothing here should). Markup it cannot read — a tag that does
not end, an attribute without a value — is refused too: calamine cannot
read it either.

Cells are placed as calamine places them: at their ``r`` reference, or,
without one, in the column after the previous cell of the row; a row at
its ``r``, or after the previous row. As a row might also be counted by
position, a cell's row is taken as the larger of the two. Like calamine's
grid, the farthest row and column are those of the cells that hold a value
(``<v>`` or ``<is>``): an empty cell that only carries a style takes no
room. What is measured is never less than what calamine allocates for.
"""

import numba
import numpy as np

__all__ = ["SHEET", "STRINGS", "STYLES", "WORKBOOK", "MalformedPart", "Part"]

#: What a part is read as: a worksheet, the shared strings, the styles, the workbook.
SHEET, STRINGS, STYLES, WORKBOOK = 0, 1, 2, 3

# The figures kept between chunks, in one int64 array (numba takes no objects).
_ROW = 0  # the current row (1-based), by its r or after the previous one
_COLUMN = 1  # the last cell's column in the current row
_ROWS_SEEN = 2  # rows counted by position
ROWS, COLUMNS, CELLS, VALUES, ODD_VALUES, MERGES = 3, 4, 5, 6, 7, 8
DECLARED_ROWS, DECLARED_COLUMNS, UNIQUE_COUNT, RECORDS, _OFFSET = 9, 10, 11, 12, 13
_CELL_ROW, _CELL_COLUMN = 14, 15  # where the open cell lands, until a value says it holds one
SIZE = 16

# What a scan of a chunk says.
_DONE, _NEED_MORE, _DTD, _MALFORMED = 0, 1, 2, 3

# Local names looked for.
_OTHER, _C, _ROW_TAG, _V, _DIMENSION, _MERGE_CELL, _SI, _SST, _STYLE_RECORD, _SHEET, _IS = range(11)
_NAMES = [
    (b"c", _C),
    (b"row", _ROW_TAG),
    (b"v", _V),
    (b"dimension", _DIMENSION),
    (b"mergeCell", _MERGE_CELL),
    (b"si", _SI),
    (b"sst", _SST),
    (b"xf", _STYLE_RECORD),
    (b"numFmt", _STYLE_RECORD),
    (b"font", _STYLE_RECORD),
    (b"fill", _STYLE_RECORD),
    (b"border", _STYLE_RECORD),
    (b"dxf", _STYLE_RECORD),
    (b"cellStyle", _STYLE_RECORD),
    (b"sheet", _SHEET),
    (b"is", _IS),
]
_NAME_BYTES = np.frombuffer(b"".join(name for name, _ in _NAMES), dtype=np.uint8)
_NAME_ENDS = np.cumsum([len(name) for name, _ in _NAMES]).astype(np.int64)
_NAME_KINDS = np.array([kind for _, kind in _NAMES], dtype=np.int64)
_UNIQUE_COUNT_NAME = np.frombuffer(b"uniqueCount", dtype=np.uint8)
_REF_NAME = np.frombuffer(b"ref", dtype=np.uint8)
_COMMENT, _COMMENT_END = np.frombuffer(b"<!--", np.uint8), np.frombuffer(b"-->", np.uint8)
_CDATA, _CDATA_END = np.frombuffer(b"<![CDATA[", np.uint8), np.frombuffer(b"]]>", np.uint8)
_PI_END = np.frombuffer(b"?>", np.uint8)
#: A number past any limit, for a reference with too many letters or digits to add up.
_HUGE = 1 << 40


class MalformedPart(Exception):
    """The part is not XML that calamine could read; ``dtd`` when it declares a DTD."""

    def __init__(self, dtd: bool = False) -> None:
        self.dtd = dtd
        super().__init__("a document type declaration" if dtd else "markup that does not end")


class Part:
    """The running measure of one part, fed a chunk at a time.

    ``figures`` holds the counts (``ROWS``, ``CELLS`` … index it; ``RECORDS``
    counts the style records, or the workbook's sheets); for the shared
    strings, :meth:`feed` returns where each string began in the part.

    >>> part = Part(SHEET)
    >>> part.feed(b"<row><c r='B3'><v>0</v></c><x:c t=\\"s\\"/></row><!-- <c r=\\"Z9\\"/> -->")
    >>> part.end()
    >>> [int(part.figures[k]) for k in (ROWS, COLUMNS, CELLS, VALUES)]
    [3, 2, 2, 1]
    """

    def __init__(self, kind: int) -> None:
        self.kind = kind
        self.figures = np.zeros(SIZE, dtype=np.int64)
        self.carry = b""

    def feed(self, chunk: bytes) -> np.ndarray | None:
        buffer = self.carry + chunk if self.carry else chunk
        starts = np.empty(len(buffer) // 4 + 1 if self.kind == STRINGS else 0, dtype=np.int64)
        status, consumed, found = _scan(
            np.frombuffer(buffer, dtype=np.uint8), self.figures, self.kind, starts
        )
        if status in (_DTD, _MALFORMED):
            raise MalformedPart(dtd=status == _DTD)
        self.carry = buffer[consumed:]
        self.figures[_OFFSET] += consumed
        return starts[:found] if self.kind == STRINGS else None

    def end(self) -> None:
        if self.carry.strip():
            raise MalformedPart()


@numba.njit(cache=True, nogil=True)
def _scan(buf, figures, kind, starts):  # pragma: no cover - compiled
    """Read the complete markup in *buf*: (status, bytes consumed, strings found).

    One compiled pass over the bytes, a state machine over tags: split into
    functions it would pay a call per tag, which is what makes it fast enough
    to measure a 300 MB workbook before reading it.
    """
    n = buf.size
    found = 0
    i = 0
    while i < n:
        if buf[i] != 60:  # <
            i += 1
            continue
        start = i
        if i + 1 >= n:
            return _NEED_MORE, start, found
        second = buf[i + 1]
        if second == 33:  # <!
            if _at(buf, i, _COMMENT):
                end = _find(buf, i + 4, _COMMENT_END)
                if end < 0:
                    return _NEED_MORE, start, found
                i = end + 3
                continue
            if _at(buf, i, _CDATA):
                end = _find(buf, i + 9, _CDATA_END)
                if end < 0:
                    return _NEED_MORE, start, found
                i = end + 3
                continue
            if i + 9 > n:
                return _NEED_MORE, start, found
            return _DTD, start, found
        if second == 63:  # <?
            end = _find(buf, i + 2, _PI_END)
            if end < 0:
                return _NEED_MORE, start, found
            i = end + 2
            continue
        if second == 47:  # an end tag: nothing in it is read
            end = i + 2
            while end < n and buf[end] != 62:
                end += 1
            if end >= n:
                return _NEED_MORE, start, found
            i = end + 1
            continue
        name = i + 1
        j = local = name
        while j < n and not _space(buf[j]) and buf[j] != 47 and buf[j] != 62:
            if buf[j] == 58:  # :
                local = j + 1
            j += 1
        if j >= n:
            return _NEED_MORE, start, found
        tag = _kind(buf, local, j)
        # The attributes, up to the tag's end; the values of r, ref and uniqueCount are kept.
        value_start = value_end = -1
        prefixed = local != name
        plain = True  # no attribute at all
        empty = False
        k = j
        while True:
            while k < n and _space(buf[k]):
                k += 1
            if k >= n:
                return _NEED_MORE, start, found
            if buf[k] == 62:  # >
                k += 1
                break
            if buf[k] == 47:  # />
                if k + 1 >= n:
                    return _NEED_MORE, start, found
                if buf[k + 1] != 62:
                    return _MALFORMED, start, found
                empty = True
                k += 2
                break
            attribute = k
            while k < n and not _space(buf[k]) and buf[k] != 61 and buf[k] != 62 and buf[k] != 47:
                k += 1
            attribute_end = k
            while k < n and _space(buf[k]):
                k += 1
            if k >= n:
                return _NEED_MORE, start, found
            if buf[k] != 61:  # =
                return _MALFORMED, start, found
            k += 1
            while k < n and _space(buf[k]):
                k += 1
            if k >= n:
                return _NEED_MORE, start, found
            quote = buf[k]
            if quote != 34 and quote != 39:
                return _MALFORMED, start, found
            k += 1
            opened = k
            while k < n and buf[k] != quote:
                k += 1
            if k >= n:
                return _NEED_MORE, start, found
            plain = False
            if value_start < 0 and _wanted(buf, attribute, attribute_end, tag):
                value_start, value_end = opened, k
            k += 1
        if tag in (_V, _IS):
            # The open cell holds something: calamine keeps it, and its grid reaches it.
            figures[ROWS] = max(figures[ROWS], figures[_CELL_ROW])
            figures[COLUMNS] = max(figures[COLUMNS], figures[_CELL_COLUMN])
            figures[_CELL_ROW] = figures[_CELL_COLUMN] = 0
        if tag == _V:
            if empty:
                i = k
                continue
            # A shared string's index as the second pass reads it: <v>12</v>, nothing else.
            d = k
            while d < n and 48 <= buf[d] <= 57:
                d += 1
            if d + 4 > n:
                return _NEED_MORE, start, found
            if (
                not prefixed
                and plain
                and 0 < d - k <= 7
                and buf[d] == 60
                and buf[d + 1] == 47
                and buf[d + 2] == 118
                and buf[d + 3] == 62
            ):
                figures[VALUES] += 1
                i = d + 4
                continue
            figures[ODD_VALUES] += 1
        elif tag == _C:
            figures[CELLS] += 1
            row = figures[_ROW]
            column = figures[_COLUMN] + 1
            if value_start >= 0:
                letters, digits = _reference(buf, value_start, value_end)
                if letters > 0:
                    column = letters
                if digits > 0:
                    row = digits
            figures[_COLUMN] = column
            figures[_CELL_ROW] = 0 if empty else max(row, figures[_ROWS_SEEN])
            figures[_CELL_COLUMN] = 0 if empty else column
        elif tag == _ROW_TAG:
            figures[_ROWS_SEEN] += 1
            row = figures[_ROW] + 1
            if value_start >= 0:
                letters, digits = _reference(buf, value_start, value_end)
                if digits > 0:
                    row = digits
            figures[_ROW] = row
            figures[_COLUMN] = 0
            figures[_CELL_ROW] = figures[_CELL_COLUMN] = 0
        elif tag == _DIMENSION and value_start >= 0:
            last = value_start
            for p in range(value_start, value_end):
                if buf[p] == 58:  # the range's last cell, after its colon
                    last = p + 1
            letters, digits = _reference(buf, last, value_end)
            figures[DECLARED_ROWS] = max(figures[DECLARED_ROWS], digits)
            figures[DECLARED_COLUMNS] = max(figures[DECLARED_COLUMNS], letters)
        elif tag == _MERGE_CELL:
            figures[MERGES] += 1
        elif tag == _SI and kind == STRINGS:
            starts[found] = figures[_OFFSET] + start
            found += 1
        elif tag == _SST and value_start >= 0:
            number = 0
            for p in range(value_start, value_end):
                if 48 <= buf[p] <= 57:
                    number = min(number * 10 + buf[p] - 48, _HUGE)
            figures[UNIQUE_COUNT] = max(figures[UNIQUE_COUNT], number)
        elif (tag == _STYLE_RECORD and kind == STYLES) or (tag == _SHEET and kind == WORKBOOK):
            figures[RECORDS] += 1
        i = k
    return _DONE, n, found


@numba.njit(cache=True, nogil=True, inline="always")
def _space(byte):  # pragma: no cover - compiled
    return byte == 32 or byte == 9 or byte == 10 or byte == 13


@numba.njit(cache=True, nogil=True)
def _at(buf, i, word):  # pragma: no cover - compiled
    if i + len(word) > buf.size:
        return False
    for k in range(len(word)):  # noqa: SIM110 - a generator does not compile
        if buf[i + k] != word[k]:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _find(buf, i, word):  # pragma: no cover - compiled
    while i + len(word) <= buf.size:
        if _at(buf, i, word):
            return i
        i += 1
    return -1


@numba.njit(cache=True, nogil=True)
def _kind(buf, start, end):  # pragma: no cover - compiled
    length = end - start
    if length == 1:  # most tags of a sheet: c and v
        first = buf[start]
        return _C if first == 99 else _V if first == 118 else _OTHER
    if length > 9:
        return _OTHER
    begin = 0
    for k in range(_NAME_KINDS.size):
        stop = _NAME_ENDS[k]
        if stop - begin == end - start:
            same = True
            for p in range(end - start):
                if buf[start + p] != _NAME_BYTES[begin + p]:
                    same = False
                    break
            if same:
                return _NAME_KINDS[k]
        begin = stop
    return _OTHER


@numba.njit(cache=True, nogil=True)
def _wanted(buf, start, end, tag):  # pragma: no cover - compiled
    """Whether the attribute at *start*–*end* is the one read on a *tag* (unprefixed, as
    calamine asks for it): r on a cell or row, ref on the dimension, uniqueCount on sst."""
    length = end - start
    if tag in (_C, _ROW_TAG):
        return length == 1 and buf[start] == 114
    if tag == _DIMENSION:
        return length == 3 and _at(buf, start, _REF_NAME)
    if tag == _SST:
        return length == 11 and _at(buf, start, _UNIQUE_COUNT_NAME)
    return False


@numba.njit(cache=True, nogil=True)
def _reference(buf, start, end):  # pragma: no cover - compiled
    """A cell reference's column (letters, either case) and row (digits): 0 for a part
    it lacks, a huge number for one too long to be a cell's."""
    letters = digits = 0
    at = start
    while at < end and (65 <= buf[at] <= 90 or 97 <= buf[at] <= 122):
        letters = min(letters * 26 + (buf[at] & 0xDF) - 64, _HUGE)
        at += 1
    while at < end and buf[at] == 36:  # $
        at += 1
    while at < end and 48 <= buf[at] <= 57:
        digits = min(digits * 10 + buf[at] - 48, _HUGE)
        at += 1
    return letters, digits
