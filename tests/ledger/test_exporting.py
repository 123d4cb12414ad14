"""The template and the export: layout, lists, computed columns, and the round trip."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from guatu.ledger.exporting import ledger_workbook
from guatu.org.selectors import current_city

pytestmark = pytest.mark.django_db


def values(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_template_has_chinese_headers_lists_frozen_rows_and_widths(city, towns, departments):
    book = load_workbook(io.BytesIO(ledger_workbook(city=city, projects=[])))
    assert [sheet.title for sheet in book.worksheets] == ["项目", "工作事项", "进度", "选项"]
    assert book["选项"].sheet_state == "hidden"
    items = book["工作事项"]
    headers = [cell.value for cell in items[2]]
    assert headers[:5] == ["项目编码", "事项编码", "事项名称", "类型", "同期交付"]
    assert "前置事项" in headers and "最迟完成" in headers
    assert items.freeze_panes == "C3"
    assert "A1" in str(items.merged_cells) and "测试市" in items["A1"].value
    assert items.column_dimensions["C"].width >= 28
    town_column = "ABCDEFGHIJKLMNOPQRSTUVWXY"[headers.index("镇街")]
    validations = {str(v.sqref): v.formula1 for v in items.data_validations.dataValidation}
    formula = validations[f"{town_column}3:{town_column}20000"]
    assert formula.startswith("'选项'!$")
    listed = [row[0] for row in book["选项"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert listed == ["石柱镇", "前仓镇"]
    assert items.max_row == 2, "no data in the template"


def test_the_export_carries_lights_and_late_dates(demo):
    data = values(ledger_workbook(city=current_city()))
    items = data["工作事项"]
    header = items[1]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in items[2:]}
    main_line = rows["zx-jd"]
    assert main_line["状态"] and main_line["最迟完成"] is not None
    assert isinstance(main_line["最迟完成"].date(), date)
    assert main_line["关键事项"] in ("是", "否")
    assert any(row["前置事项"] for row in rows.values())
    # The story's 436 and the 21 on 龙山's 前期 nodes (docs/PREWORK.md).
    assert len(data["进度"]) - 2 == 436 + 21, "every effective report"
