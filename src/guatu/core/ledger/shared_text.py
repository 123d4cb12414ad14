"""How much shared text a workbook's cells would copy: calamine copies a shared string
into every cell that uses it, so ten short strings used a million times are ten million
copies. Measured without reading the cells into memory (``xlsx_bounds``)."""

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

#: A ``<v>`` holding a whole number: a shared string's index, if its cell is a string's.
_VALUE = re.compile(rb"<v>([0-9]{1,7})</v>")


def sheet_over(
    strings: Sequence[int], sheets: Sequence[tuple], values: int, chunks: Callable, limit: int
) -> str | None:
    """The first sheet whose cells take the copied shared text past *limit* bytes, or None.

    *strings* are the shared strings' sizes by index; *sheets* each sheet's
    (part, name, values other than ``<v>12</v>``); *values* all ``<v>`` seen.
    Every ``<v>12</v>`` counts string 12 (a number that is not a string's
    index is counted as if it were), every other value the longest string:
    never less than calamine copies. Only if the longest string at every
    value could pass the limit are the values read again, one by one.
    """
    if not strings:
        return None
    longest = max(strings)
    if values * longest <= limit:
        return None
    text = 0
    for info, sheet, odd_values in sheets:
        text += odd_values * longest
        if text > limit:
            return sheet
        for found in _values(chunks(info)):
            for index, count in Counter(found).items():
                number = int(index)
                if number < len(strings):
                    text += count * strings[number]
            if text > limit:
                return sheet
    return None


def _values(chunks: Iterator[bytes]) -> Iterator[list[bytes]]:
    """Yield the whole numbers of each chunk's ``<v>…</v>``, none cut between chunks."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk if carry else chunk
        cut = buffer.rfind(b"<")
        if cut > 0 and buffer.startswith(b"</v", cut):
            cut = buffer.rfind(b"<", 0, cut)
        if cut < 0 or len(buffer) - cut > 16:  # no <v>1234567</v> goes on past here
            cut = len(buffer)
        yield _VALUE.findall(buffer, 0, cut)
        carry = buffer[cut:]
    yield _VALUE.findall(carry)
