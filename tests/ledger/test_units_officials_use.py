"""A ledger in the units officials write: 万平方米, 平方公里, 公顷, 千米, 万立方米 (issue 29)."""

from datetime import date
from decimal import Decimal

import pytest

from guatu.ledger.importing import ledger_import
from guatu.progress.models import ProgressReport
from guatu.projects.models import WorkItem
from tests.ledger.files import xlsx

pytestmark = pytest.mark.django_db
TODAY = date(2020, 4, 1)
ITEMS = ["项目编码", "事项编码", "事项名称", "镇街", "目标数量", "单位", "计划开始", "工期（天）"]


def item(code, name, quantity, unit):
    return ["new-town", code, name, "石柱镇", quantity, unit, "2020年1月2日", 60]


def test_a_ledger_in_the_units_officials_use_is_read_and_converted(
    tmp_path, users, towns, departments
):
    path = xlsx(
        tmp_path / "兰溪.xlsx",
        {
            "项目": [
                ["项目编码", "项目名称", "牵头单位", "开工日期", "目标日期"],
                ["new-town", "新城拆迁", "交通局", "2020年1月2日", "2020年12月底"],
            ],
            "工作事项": [
                ITEMS,
                item("A01", "旧村拆除", 12, "万平方米"),
                item("A02", "片区收储", "3万平方米", "万平方米"),  # 万 read twice: still 3
                item("A03", "土地整理", "1.2", "平方公里"),
                item("A04", "征用林地", 40, "公顷"),
                item("A05", "河道整治", "3.5", "千米"),
                item("A06", "土方开挖", "2.4", "万立方米"),
                item("A07", "垃圾清运", "800", "方"),
                item("A08", "高标准农田", 1, "万亩"),
                item("A09", "政策资金", "1.5", "亿元"),
            ],
            "进度": [
                ["项目编码", "事项编码", "填报日期", "累计完成", "单位"],
                ["new-town", "A01", "2020年3月1日", "6", "万平方米"],
                ["new-town", "A02", "2020年3月1日", "7500", "平方米"],
                ["new-town", "A03", "2020年3月1日", "30", "公顷"],
                ["new-town", "A06", "2020年3月1日", "6000", "立方米"],
                ["new-town", "A09", "2020年3月1日", "3000", "万元"],
            ],
        },
    )
    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert result.ok, [str(p) for p in result.problems]

    stored = dict(WorkItem.objects.filter(project__code="new-town").values_list("code", "unit"))
    targets = dict(
        WorkItem.objects.filter(project__code="new-town").values_list("code", "quantity_target")
    )
    assert stored == {
        "A01": "wan_m2", "A02": "wan_m2", "A03": "km2", "A04": "ha", "A05": "km",
        "A06": "wan_m3", "A07": "m3", "A08": "wan_mu", "A09": "yi_yuan",
    }  # fmt: skip
    assert targets["A02"] == Decimal(3) and targets["A03"] == Decimal("1.2")
    percent = dict(
        ProgressReport.objects.filter(work_item__project__code="new-town").values_list(
            "work_item__code", "percent_complete"
        )
    )
    assert percent == {
        "A01": Decimal(50),  # 6 of 12 万平方米
        "A02": Decimal(25),  # 7500 平方米 of 3 万平方米
        "A03": Decimal(25),  # 30 公顷 of 1.2 平方公里 (120 公顷)
        "A06": Decimal(25),  # 6000 立方米 of 2.4 万立方米
        "A09": Decimal(20),  # 3000 万元 of 1.5 亿元
    }


def test_a_quantity_in_another_dimension_than_its_unit_column_is_refused(
    tmp_path, users, towns, departments
):
    path = xlsx(
        tmp_path / "bad.xlsx",
        {
            "项目": [
                ["项目编码", "项目名称", "牵头单位", "开工日期", "目标日期"],
                ["new-town", "新城拆迁", "交通局", "2020年1月2日", "2020年12月底"],
            ],
            "工作事项": [ITEMS, item("A01", "旧村拆除", "3万立方米", "万平方米")],
        },
    )
    result = ledger_import(source=path, actor=users["supervisor"], dry_run=True, today=TODAY)
    (problem,) = result.problems
    assert "万平方米" in str(problem) and problem.column.endswith("（目标数量）")
