"""Finding the ledger sheets and their headers, whatever the office's layout."""

import io

import pytest
from openpyxl import Workbook

from guatu.core.ledger.workbook import LedgerFileError, read_ledger


def xlsx_bytes(build) -> io.BytesIO:
    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_table_that_starts_below_and_right_of_a1_keeps_excels_row_numbers_and_letters():
    def build(book):
        sheet = book.active
        sheet["C4"], sheet["D4"], sheet["E4"] = "项目编码", "事项编码", "事项名称"
        sheet["C5"], sheet["D5"], sheet["E5"] = "P1", "A01", "清表"

    table = read_ledger(xlsx_bytes(build), name="x.xlsx").tables[0]
    assert table.columns["code"][:2] == (3, "D")
    assert table.rows == [(5, (None, None, "P1", "A01", "清表"))]


def test_group_headers_title_year_merges_and_trailing_rows():
    def build(book):
        sheet = book.active
        sheet.title = "事项台账"
        sheet.append(["永康市2020年重点项目台账"])
        sheet.append(["项目编码", "事项编码", "事项名称", "计划", None])
        sheet.append([None, None, None, "开始", "完成"])
        sheet.append(["P1", "A01", "清表", "3月1日", "6月底"])
        sheet.append([None, "A02", "征迁", None, "年底"])
        sheet.append([None, None, None])
        sheet.append(["   "])
        for ref in ("A1:E1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "A4:A5"):
            sheet.merge_cells(ref)

    table = read_ledger(xlsx_bytes(build), name="x.xlsx").tables[0]
    assert table.spec.key == "items" and table.year == 2020
    assert table.columns["planned_start"][2] == "计划开始"
    assert table.columns["deadline"][2] == "计划完成"
    assert [number for number, _ in table.rows] == [4, 5]
    assert table.rows[1][1][0] == "P1", "the merged project code fills the rows it spans"


def test_english_headers_full_width_brackets_and_required_marks():
    csv = "*Project code,Item code,Item name,工期(天)\nP1,A01,清表,5\n".encode("utf-8-sig")
    table = read_ledger(io.BytesIO(csv), name="items.csv").tables[0]
    assert set(table.columns) == {"project", "code", "name", "duration"}
    assert table.sheet == "items.csv"


def test_gbk_and_utf8_csv():
    text = "项目编码,事项编码,填报日期,累计完成\nP1,A01,2020年3月1日,5\n"
    for encoding in ("gbk", "utf-8", "utf-8-sig"):
        table = read_ledger(io.BytesIO(text.encode(encoding)), name="进度.csv").tables[0]
        assert table.spec.key == "progress" and table.rows[0][1][2] == "2020年3月1日"


def test_hidden_and_unknown_sheets_are_set_aside():
    def build(book):
        book.active.title = "说明"
        book.active.append(["填表说明：请按模板填写"])
        items = book.create_sheet("工作事项")
        items.append(["项目编码", "事项编码", "事项名称"])
        items.append(["P1", "A01", "清表"])
        lists = book.create_sheet("选项")
        lists.append(["项目编码", "事项编码", "事项名称"])
        lists.sheet_state = "hidden"

    book = read_ledger(xlsx_bytes(build), name="x.xlsx")
    assert [t.sheet for t in book.tables] == ["工作事项"]
    assert book.unknown_sheets == ["说明"] and book.hidden_sheets == ["选项"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04garbage", "x.xlsx"),
        (b"\xd0\xcf\x11\xe0old excel", "x.xls"),
        (b"\x00\x01\x02", "x.csv"),
        ("姓名,电话\n张三,1\n".encode(), "x.csv"),
    ],
)
def test_files_that_are_no_ledger(data, name):
    with pytest.raises(LedgerFileError):
        read_ledger(io.BytesIO(data), name=name)
