"""Hostile .xlsx files built by hand with zipfile: small on disk, enormous in what they claim.

Each builder returns the file's bytes. ``BOMBS`` names every variant and says
where it is refused: at a sheet (the message names it) or at the file.
"""

import io
import struct
import zipfile
from collections.abc import Callable, Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
#: The progress sheet's headers, so that a workbook that is let through is read as a ledger.
HEADERS = ("项目编码", "事项编码", "填报日期", "累计完成")


def workbook_xml(sheet: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        f'xmlns:r="{RELATIONSHIPS}"><sheets>'
        f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(cells: Iterable[str] = (), *, dimension: str | None = None, after: str = "") -> str:
    """A worksheet whose rows are *cells*, each ``<row>…</row>`` or ``<c>`` markup."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{head}'
        f"<sheetData>{''.join(cells)}</sheetData>{after}</worksheet>"
    )


def cell(reference: str, text: str = "x") -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def xlsx(
    sheet: str | Callable[[io.BufferedWriter], None],
    *,
    name: str = "进度",
    parts: dict[str, str | Callable[[io.BufferedWriter], None]] | None = None,
    level: int = 9,
) -> bytes:
    """A workbook with one sheet, *name*; a part given as a function writes itself in
    pieces (so that a part of a hundred megabytes is never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for path, content in {"xl/worksheets/sheet1.xml": sheet, **(parts or {})}.items():
            if callable(content):
                with archive.open(path, "w", force_zip64=True) as stream:
                    content(stream)
            else:
                archive.writestr(path, content)
    return out.getvalue()


def repeated(head: str, unit: str, count: int, tail: str) -> Callable[[io.BufferedWriter], None]:
    """A part writer: *head*, *unit* *count* times, *tail*."""

    def write(stream) -> None:
        stream.write(head.encode())
        block = unit.encode() * 10_000
        for _ in range(count // 10_000):
            stream.write(block)
        stream.write(unit.encode() * (count % 10_000))
        stream.write(tail.encode())

    return write


def declared_size(data: bytes, part: str, size: int) -> bytes:
    """*data* with the zip directory saying that *part* unpacks to *size* bytes."""
    name = part.encode()
    at = data.index(b"PK\x01\x02")  # the first entry of the central directory
    while True:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at = data.index(b"PK\x01\x02", at + 4)


def fine() -> bytes:
    """A progress sheet that is let through: its headers and one row."""
    headers = [cell(f"{letter}1", text) for letter, text in zip("ABCD", HEADERS, strict=True)]
    values = [
        cell("A2", "P1"),
        cell("B2", "A01"),
        cell("C2", "2020-01-02"),
        '<c r="D2"><v>1</v></c>',
    ]
    return xlsx(sheet_xml([row(1, *headers), row(2, *values)], dimension="A1:D2"))


# -- The variants --------------------------------------------------------------------------


def far_cell() -> bytes:
    """The seen attack: 1.6 KB, cells A1 and XFD1048576, and a dimension that says so."""
    return xlsx(
        sheet_xml([row(1, cell("A1")), row(1048576, cell("XFD1048576"))], dimension="A1:XFD1048576")
    )


def dimension_lies_small() -> bytes:
    return xlsx(
        sheet_xml([row(1, cell("A1")), row(1048576, cell("XFD1048576"))], dimension="A1:B2")
    )


def dimension_lies_large() -> bytes:
    return xlsx(sheet_xml([row(1, cell("A1")), row(2, cell("B2"))], dimension="A1:XFD1048576"))


def no_dimension() -> bytes:
    return xlsx(sheet_xml([row(1, cell("A1")), row(1048576, cell("XFD1048576"))]))


def cells_without_references() -> bytes:
    """16,384 cells without ``r`` in row 1,048,576: calamine places each after the last."""
    return xlsx(
        sheet_xml([row(1, cell("A1")), '<row r="1048576">' + "<c><v>1</v></c>" * 16384 + "</row>"])
    )


def wide_and_long() -> bytes:
    """Within the rows and columns allowed, but 250,000 × 41 cells to allocate."""
    return xlsx(sheet_xml([row(1, cell("A1")), row(250000, cell("AO250000"))]))


def cells_repeated() -> bytes:
    """Twelve million cells all at A1: one cell's grid, but calamine keeps each until the end."""
    cells = repeated(
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">',
        '<c r="A1"><v>1</v></c>',
        12_000_000,
        "</row></sheetData></worksheet>",
    )
    return xlsx(cells, level=1)


def shared_strings_declared() -> bytes:
    """One string, ``uniqueCount`` four billion: calamine reserves 96 GB for them."""
    sst = f'<sst xmlns="{MAIN}" count="1" uniqueCount="4000000000"><si><t>a</t></si></sst>'
    return xlsx(
        sheet_xml([row(1, '<c r="A1" t="s"><v>0</v></c>')]), parts={"xl/sharedStrings.xml": sst}
    )


def shared_strings_ten_million() -> bytes:
    """Ten million empty strings: 130 MB unpacked, half a megabyte zipped."""
    sst = repeated(f'<sst xmlns="{MAIN}">', "<si><t/></si>", 10_000_000, "</sst>")
    return xlsx(sheet_xml([row(1, cell("A1"))]), parts={"xl/sharedStrings.xml": sst})


def shared_strings_many() -> bytes:
    """1.1 million one-letter strings: 19 MB, under the size limit, over the count."""
    sst = repeated(f'<sst xmlns="{MAIN}">', "<si><t>a</t></si>", 1_100_000, "</sst>")
    return xlsx(sheet_xml([row(1, cell("A1"))]), parts={"xl/sharedStrings.xml": sst})


def shared_text() -> bytes:
    """One 2 MB string used by 200 cells: 400 MB of copies."""
    sst = repeated(f'<sst xmlns="{MAIN}"><si><t>', "字", 700_000, "</t></si></sst>")
    cells = [row(n, f'<c r="A{n}" t="s"><v>0</v></c>') for n in range(1, 201)]
    return xlsx(sheet_xml(cells), parts={"xl/sharedStrings.xml": sst})


def styles() -> bytes:
    """A million cell formats: openpyxl (which reads the 完成率 column's format) makes an
    object of each."""
    styles = repeated(
        f'<styleSheet xmlns="{MAIN}"><cellXfs count="1000000">',
        '<xf numFmtId="10" applyNumberFormat="1"/>',
        1_000_000,
        "</cellXfs></styleSheet>",
    )
    return xlsx(sheet_xml([row(1, cell("A1"))]), parts={"xl/styles.xml": styles})


def merged_ranges() -> bytes:
    merges = '<mergeCells count="200000">' + '<mergeCell ref="A1:B2"/>' * 200_000 + "</mergeCells>"
    return xlsx(sheet_xml([row(1, cell("A1"))], after=merges))


def size_lie() -> bytes:
    """The sheet's zip entry declares the size of its first row; its deflate stream goes on
    to the far cell, which calamine reads (it reads a stream to its end)."""
    xml = sheet_xml([row(1, cell("A1")), row(1048576, cell("XFD1048576"))])
    return declared_size(xlsx(xml), "xl/worksheets/sheet1.xml", xml.index('<row r="1048576"'))


def entities() -> bytes:
    """A DTD with the billion laughs (calamine does not expand entities; expat is not asked to)."""
    dtd = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    return xlsx(dtd + sheet_xml([row(1, cell("A1", "&b;"))]).split("?>", 1)[1])


def spreadsheet_repeats() -> bytes:
    """An OpenDocument sheet (calamine reads those too) repeating a row of 200 cells
    100,000 times: 1.2 GB resident from 1.1 KB."""
    namespaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="进度">'
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="200" office:value-type="float" office:value="1"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
    return out.getvalue()


#: name → (builder, where it is refused: "sheet" or "file").
BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "far_cell": (far_cell, "sheet"),
    "dimension_lies_small": (dimension_lies_small, "sheet"),
    "dimension_lies_large": (dimension_lies_large, "sheet"),
    "no_dimension": (no_dimension, "sheet"),
    "cells_without_references": (cells_without_references, "sheet"),
    "wide_and_long": (wide_and_long, "sheet"),
    "cells_repeated": (cells_repeated, "sheet"),
    "shared_text": (shared_text, "sheet"),
    "merged_ranges": (merged_ranges, "sheet"),
    "shared_strings_declared": (shared_strings_declared, "file"),
    "shared_strings_ten_million": (shared_strings_ten_million, "file"),
    "shared_strings_many": (shared_strings_many, "file"),
    "styles": (styles, "file"),
    "size_lie": (size_lie, "file"),
    "entities": (entities, "file"),
    "spreadsheet_repeats": (spreadsheet_repeats, "file"),
}
