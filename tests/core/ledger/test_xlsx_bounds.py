"""What an .xlsx declares and holds, measured before calamine reads it (xlsx_bounds, sheet_scan).

The measure must never be less than what calamine allocates for, whatever
form the XML takes, and must let every real ledger through at the limits.
"""

import io
import itertools
import zipfile

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from guatu.core.ledger import sheet_scan
from guatu.core.ledger.sheet_scan import Part
from guatu.core.ledger.workbook import LedgerFileError, SheetLimitError, read_ledger
from guatu.core.ledger.xlsx_bounds import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_ROWS,
    MAX_SHEETS,
    check_xlsx,
)
from tests.security.xlsx_bombs import (
    CONTENT_TYPES,
    HEADERS,
    MAIN,
    ROOT_RELS,
    WORKBOOK_RELS,
    cell,
    fine,
    row,
    sheet_xml,
    workbook_xml,
    xlsx,
)

#: Sheets written otherwise than spreadsheet programs write them; calamine reads them all.
ODD_SHEETS = {
    "cells without r": "<row r='2'><c><v>1</v></c><c t='n'><v>2</v></c><c><v>3</v></c></row>",
    "rows without r": "<row><c><v>1</v></c></row><row><c><v>1</v></c></row>"
    "<row><c r='D3'><v>1</v></c></row>",
    "attributes reordered, single quotes, line breaks": "<row\n spans='1:5' r='4'><c\n t=\"n\"\n"
    " r = 'E4' s='0'><v>5</v></c></row>",
    "a prefix": '<x:row r="6" xmlns:x="urn:x"><x:c r="F6"><x:v>1</x:v></x:c></x:row>',
    "a cell after one with r": '<row r="3"><c r="B3"><v>1</v></c><c><v>1</v></c></row>',
    "comments and CDATA": '<row r="2"><!-- <c r="XFD9"/> --><c r="C2" t="str"><v><![CDATA[<c '
    'r="XFD9"/>]]></v></c></row>',
}


def measure(sheet: str) -> dict[str, int]:
    """Measure the worksheet whose ``<sheetData>`` holds *sheet*, in chunks of 7 bytes."""
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{sheet}</sheetData></worksheet>'.encode()
    part = Part(sheet_scan.SHEET)
    for at in range(0, len(xml), 7):
        part.feed(xml[at : at + 7])
    part.end()
    figures = part.figures
    return {
        "rows": int(figures[sheet_scan.ROWS]),
        "columns": int(figures[sheet_scan.COLUMNS]),
        "cells": int(figures[sheet_scan.CELLS]),
    }


def calamine_extent(sheet: str) -> tuple[int, int]:
    """The rows and columns calamine allocates for the sheet, counted from A1."""
    data = xlsx(f'<worksheet xmlns="{MAIN}"><sheetData>{sheet}</sheetData></worksheet>')
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("进度")
    return grid.end[0] + 1, grid.end[1] + 1


@pytest.mark.parametrize("sheet", ODD_SHEETS.values(), ids=ODD_SHEETS.keys())
def test_cells_land_where_calamine_puts_them(sheet):
    measured = measure(sheet)
    assert (measured["rows"], measured["columns"]) >= calamine_extent(sheet)
    assert measured["rows"] < 10 and measured["columns"] < 10, "nothing in a comment or CDATA"


def test_the_limits_are_inclusive():
    at_rows = sheet_xml([row(1, cell("A1")), row(MAX_ROWS, cell(f"A{MAX_ROWS}"))])
    at_columns = sheet_xml([row(1, cell("A1"), cell("GR1"))])
    check_xlsx(xlsx(at_rows), "x.xlsx")
    check_xlsx(xlsx(at_columns), "x.xlsx")
    assert MAX_COLUMNS == 200, "GR is the 200th column"
    for sheet in (
        sheet_xml([row(MAX_ROWS + 1, cell(f"A{MAX_ROWS + 1}"))]),
        sheet_xml([row(1, cell("GS1"))]),
        sheet_xml([], dimension=f"A1:A{MAX_ROWS + 1}"),
        sheet_xml([], dimension="A1:GS2"),
    ):
        with pytest.raises(SheetLimitError) as refused:
            check_xlsx(xlsx(sheet), "x.xlsx")
        assert refused.value.sheet == "进度"


def test_the_cells_of_all_sheets_add_up():
    """Two sheets each under the cell limit, over it together."""
    rows = MAX_CELLS // 40 // 2 + 1
    sheet = sheet_xml([row(1, cell("A1")), row(rows, cell(f"AN{rows}"))])
    second = "<Relationship Id='rId2' Type='x/worksheet' Target='worksheets/sheet2.xml'/>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            workbook_xml("一").replace(
                "</sheets>", '<sheet name="二" sheetId="2" r:id="rId2"/></sheets>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.replace("</Relationships>", second + "</Relationships>"),
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/worksheets/sheet2.xml", sheet)
    with pytest.raises(SheetLimitError) as refused:
        check_xlsx(out.getvalue(), "x.xlsx")
    assert refused.value.sheet == "二"


def test_shared_strings_are_measured_from_start_to_start():
    sst = (
        f'<sst xmlns="{MAIN}" uniqueCount="3"><si><t>短</t></si>'
        "<!-- <si><t>no</t></si> --><si><r><t>富</t></r><r><t>文本</t></r></si>"
        "<x:si xmlns:x='urn:x'><x:t><![CDATA[<si>]]></x:t></x:si></sst>"
    ).encode()
    part = Part(sheet_scan.STRINGS)
    starts = part.feed(sst)
    part.end()
    assert len(starts) == 3, "the one in the comment is none"
    lengths = [*(b - a for a, b in itertools.pairwise(starts)), len(sst) - starts[-1]]
    texts = ["短", "富文本", "<si>"]
    assert all(length >= len(text.encode()) for length, text in zip(lengths, texts, strict=True))


def test_real_workbooks_pass_and_are_read_as_before():
    book = Workbook()
    sheet = book.active
    sheet.title = "进度"
    sheet.append(["2020年重点项目推进台账"])
    sheet.merge_cells("A1:Z1")  # a title merged past the table's last column
    sheet.append(list(HEADERS))
    for n in range(3000):
        sheet.append([f"P{n % 7}", f"A{n:04d}", "2020-03-01", n])
    sheet.merge_cells("A3:A5")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_ledger(io.BytesIO(buffer.getvalue()), name="x.xlsx").tables[0]
    assert table.sheet == "进度" and table.year == 2020 and len(table.rows) == 3000
    assert table.rows[0][1][:2] == ("P0", "A0000") and table.rows[2][1][0] == "P0", "merged down"
    assert read_ledger(io.BytesIO(fine()), name="x.xlsx").tables[0].rows[0][0] == 2


def test_merged_ranges_that_overlap_are_refused():
    merges = '<mergeCells count="3">' + '<mergeCell ref="A1:D2"/>' * 3 + "</mergeCells>"
    headers = [cell(f"{letter}1", text) for letter, text in zip("ABCD", HEADERS, strict=True)]
    sheet = sheet_xml([row(1, *headers), row(2, cell("A2", "P1"))], after=merges)
    with pytest.raises(SheetLimitError):
        read_ledger(io.BytesIO(xlsx(sheet)), name="x.xlsx")


def test_the_zip_and_the_workbook_are_bounded_too():
    many_parts = io.BytesIO()
    with zipfile.ZipFile(many_parts, "w") as archive:
        for n in range(MAX_PARTS + 1):
            archive.writestr(f"p{n}", b"")
    listed = io.BytesIO()
    sheets = "".join(
        f'<sheet name="s{n}" sheetId="{n}" r:id="rId1"/>' for n in range(MAX_SHEETS + 1)
    )
    with zipfile.ZipFile(listed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            workbook_xml("x").replace('<sheet name="x" sheetId="1" r:id="rId1"/>', sheets),
        )
    twice = io.BytesIO()
    with zipfile.ZipFile(twice, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml([]))
        archive.writestr("xl/worksheets/Sheet1.xml", sheet_xml([]))
    for data, says in (
        (many_parts.getvalue(), "parts"),
        (listed.getvalue(), "sheets"),
        (twice.getvalue(), "two parts named"),
        (xlsx("<worksheet><sheetData><row r='1'><c r='A1'"), "not well-formed"),
    ):
        with pytest.raises(LedgerFileError) as refused:
            check_xlsx(data, "x.xlsx")
        assert says in str(refused.value)
