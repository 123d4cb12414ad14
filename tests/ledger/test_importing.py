"""Importing ledgers: real files, every problem at its cell, all or nothing, idempotent."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from guatu.audit.models import AuditEntry
from guatu.ledger.importing import ledger_import
from guatu.progress.models import ProgressReport
from guatu.projects.models import Dependency, Project, WorkItem
from tests.ledger.files import TITLE, csv_file, libreoffice_xlsx, xlsx

pytestmark = pytest.mark.django_db
TODAY = date(2020, 4, 1)

ITEM_HEADER_1 = [
    "项目编码",
    "事项编码",
    "事项名称",
    "镇街",
    "行政村",
    "目标数量",
    "单位",
    "计划",
    None,
    "工期（天）",
    "前置事项",
    "类型",
    "环节",
]
ITEM_HEADER_2 = [None, None, None, None, None, None, None, "开始", "完成", None, None, None, None]
ITEM_MERGES = ["A1:M1", *(f"{c}2:{c}3" for c in "ABCDEFGJKLM"), "H2:I2"]


def good_ledger(path):
    """A ledger as an office sends it: titles, two header rows, merged cells, a hidden sheet."""
    return xlsx(
        path,
        {
            "项目": [
                [TITLE],
                ["项目编码", "项目名称", "专项", "牵头单位", "开工日期", "目标日期", "工期日历"],
                [
                    "railway-b",
                    "金台铁路连接线",
                    "",
                    "交通局",
                    "2020年1月2日",
                    "2020年6月底",
                    "日历天",
                ],
            ],
            "工作事项": [
                [TITLE],
                ITEM_HEADER_1,
                ITEM_HEADER_2,
                [
                    "railway-b",
                    "A01",
                    "清表",
                    "石柱",
                    "石柱一村",
                    "1,200",
                    "亩",
                    "2020.1.2",
                    None,
                    30,
                    None,
                    "工作事项",
                    "征地",
                ],
                [
                    None,
                    "A02",
                    "征迁（前仓段）",
                    "前仓镇",
                    "前仓一村",
                    "3万平方米",
                    None,
                    None,
                    "6月底",
                    20,
                    "A01（SS+5）",
                    None,
                    "政策处理",
                ],
                [
                    "railway-b",
                    "M1",
                    "交地",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "2020年6月30日",
                    0,
                    "A01、A02",
                    "时间节点",
                    "交地",
                ],
                [None] * 13,
                ["  ", None, ""],
            ],
            "进度": [
                ["项目编码", "事项编码", "填报日期", "累计完成", "单位", "完成率（%）", "说明"],
                ["railway-b", "A01", datetime(2020, 3, 1), 300, "亩", None, None],
                ["railway-b", "A02", "2020年3月1日", "1.5万", "平方米", None, "过半"],
                ["railway-b", "A01", "2020/3/15", None, None, 0.5, None],
            ],
        },
        merges={"项目": ["A1:G1"], "工作事项": [*ITEM_MERGES, "A4:A5"]},
        hidden={"选项": [["项目编码", "事项编码", "事项名称"], ["不是", "项目", "数据"]]},
        percent_cells={"进度": ["F4"]},
    )


def state():
    """Everything an import can touch, to compare before and after."""
    return (
        sorted(Project.objects.values_list("code", "name", "start_date", "deadline")),
        sorted(
            WorkItem.objects.values_list(
                "project__code",
                "code",
                "name",
                "town_id",
                "quantity_target",
                "unit",
                "duration_days",
                "planned_start",
                "deadline",
                "kind",
            )
        ),
        sorted(
            Dependency.objects.values_list(
                "predecessor__code", "successor__code", "type", "lag_days"
            )
        ),
        sorted(
            ProgressReport.objects.values_list("work_item__code", "reported_on", "percent_complete")
        ),
    )


def test_an_office_ledger_is_read_as_meant(tmp_path, users, towns, departments):
    path = good_ledger(tmp_path / "台账.xlsx")
    dry = ledger_import(source=path, actor=users["supervisor"], dry_run=True, today=TODAY)
    assert dry.ok, [str(p) for p in dry.problems]
    assert dry.projects.counts == {"created": 1, "updated": 0, "unchanged": 0}
    assert dry.items.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert dry.progress.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert "选项" in " ".join(dry.notes)
    assert not Project.objects.exists(), "a dry run writes nothing"

    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert result.ok and result.written
    project = Project.objects.get(code="railway-b")
    assert (project.start_date, project.deadline) == (date(2020, 1, 2), date(2020, 6, 30))
    assert project.owner_department == departments["交通局"]
    a01 = WorkItem.objects.get(project=project, code="A01")
    assert (a01.town, a01.quantity_target, a01.unit) == (towns["石柱镇"], Decimal(1200), "mu")
    assert [v.name for v in a01.villages.all()] == ["石柱一村"]
    assert (a01.planned_start, a01.duration_days, a01.phase.name) == (date(2020, 1, 2), 30, "征地")
    a02 = WorkItem.objects.get(project=project, code="A02")
    assert a02.name == "征迁（前仓段）", "names keep their full-width brackets"
    assert (a02.quantity_target, a02.unit, a02.deadline) == (
        Decimal(30000),
        "m2",
        date(2020, 6, 30),
    )
    assert (a02.town, a02.phase.name) == (towns["前仓镇"], "政策处理"), "merged project code read"
    link = Dependency.objects.get(successor=a02)
    assert (link.predecessor, link.type, link.lag_days) == (a01, "SS", 5)
    m1 = WorkItem.objects.get(project=project, code="M1")
    assert m1.kind == WorkItem.Kind.MILESTONE
    assert set(
        Dependency.objects.filter(successor=m1).values_list("predecessor__code", flat=True)
    ) == {"A01", "A02"}
    assert a01.early_start == date(2020, 1, 2) and a01.late_finish is not None, "scheduled"
    reports = {
        (r.work_item.code, r.reported_on): r
        for r in ProgressReport.objects.select_related("work_item")
    }
    assert reports[("A01", date(2020, 3, 1))].percent_complete == Decimal("25.00")
    assert reports[("A02", date(2020, 3, 1))].percent_complete == Decimal("50.00")
    assert reports[("A02", date(2020, 3, 1))].quantity_done == Decimal(15000)
    half = reports[("A01", date(2020, 3, 15))]
    assert (half.percent_complete, half.quantity_done) == (Decimal("50.00"), Decimal(600)), (
        "0.5 shown as 50 %"
    )
    assert all(r.reported_by == users["supervisor"] for r in reports.values())
    assert AuditEntry.objects.filter(action="ledger_import", allowed=True).count() == 1

    before = state()
    again = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert again.ok
    assert again.items.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert again.progress.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert again.projects.counts["unchanged"] == 1
    assert state() == before, "importing the same file twice changes nothing"


def test_a_dozen_kinds_of_errors_are_all_reported_at_their_cells_and_nothing_changes(
    tmp_path, users, towns, departments
):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    before = state()
    header = [
        "项目编码",
        "事项编码",
        "事项名称",
        "镇街",
        "行政村",
        "目标数量",
        "单位",
        "计划开始",
        "时间节点",
        "工期（天）",
        "前置事项",
        "类型",
    ]
    path = xlsx(
        tmp_path / "bad.xlsx",
        {
            "工作事项": [
                header,
                [
                    "railway-b",
                    "A01",
                    "清表（改）",
                    "石柱镇",
                    None,
                    1200,
                    "亩",
                    "2020年2月30日",
                    None,
                    30,
                    None,
                    None,
                ],
                [
                    "railway-b",
                    "A02",
                    "征迁",
                    "月亮镇",
                    None,
                    30000,
                    "平方米",
                    None,
                    None,
                    20,
                    "A01",
                    None,
                ],
                ["railway-b", "A03", "拆迁", "石柱镇", None, 5, "斤", None, None, 5, None, None],
                ["railway-b", "A04", "清表", "石柱镇", None, -5, "亩", None, None, 5, None, None],
                [
                    "railway-b",
                    "A05",
                    "清表",
                    "石柱镇",
                    None,
                    5,
                    "亩",
                    None,
                    None,
                    "十二",
                    None,
                    None,
                ],
                [
                    "railway-b",
                    "A06",
                    "清表",
                    "石柱镇",
                    None,
                    None,
                    None,
                    None,
                    None,
                    5,
                    "Z99",
                    None,
                ],
                ["railway-b", "A06", "重复", "石柱镇", None, None, None, None, None, 5, None, None],
                ["railway-b", "A07", None, "石柱镇", None, None, None, None, None, 5, None, None],
                [
                    "railway-b",
                    "M2",
                    "节点",
                    None,
                    None,
                    None,
                    None,
                    None,
                    "2020年6月底",
                    5,
                    None,
                    "时间节点",
                ],
                ["no-such", "B01", "别的项目", None, None, None, None, None, None, 5, None, None],
                [
                    "railway-b",
                    "A08",
                    "清表",
                    "石柱镇",
                    "前仓一村",
                    None,
                    None,
                    None,
                    None,
                    5,
                    None,
                    None,
                ],
            ],
            "进度": [
                ["项目编码", "事项编码", "填报日期", "累计完成", "单位", "完成率（%）"],
                ["railway-b", "A01", "2020年5月1日", 400, "亩", None],
                ["railway-b", "X99", "2020年3月20日", 400, "亩", None],
                ["railway-b", "A01", "2020年3月20日", 5, "户", None],
                ["railway-b", "A01", "2020年3月25日", 120, "亩", None],
            ],
        },
    )
    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert not result.ok and not result.written
    places = {(p.sheet, p.row, (p.column or "")[:1]): p for p in result.problems}
    expected = {
        ("工作事项", 2, "H"),  # 2020年2月30日
        ("工作事项", 3, "D"),  # 月亮镇
        ("工作事项", 4, "G"),  # 斤
        ("工作事项", 5, "F"),  # -5
        ("工作事项", 6, "J"),  # 十二
        ("工作事项", 7, "前"),  # Z99 (links are checked once all rows are read)
        ("工作事项", 8, "B"),  # A06 twice
        ("工作事项", 9, "C"),  # no name
        ("工作事项", 10, "J"),  # a milestone with a duration
        ("工作事项", 11, "A"),  # no such project
        ("工作事项", 12, "E"),  # 前仓一村 is not in 石柱镇
        ("进度", 2, "C"),  # after today
        ("进度", 3, "B"),  # no item X99
        ("进度", 4, "E"),  # 户 for an item in 亩
        ("进度", 5, "D"),  # 10 % after 50 %: going down
    }
    assert set(places) == expected, [str(p) for p in result.problems]
    assert len(result.problems) == len(expected)
    assert places[("工作事项", 2, "H")].value == "2020年2月30日"
    assert (
        places[("工作事项", 3, "D")].value == "月亮镇"
        and "石柱镇" in places[("工作事项", 3, "D")].message
    )
    assert "Z99" in places[("工作事项", 7, "前")].message
    assert str(places[("工作事项", 3, "D")]) == (
        "工作表“工作事项”第 3 行 D（镇街） 列：“月亮镇”——应为测试市的镇街之一：石柱镇、前仓镇。"
    )
    with translation.override("en"):
        english = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
        town = str(english.problems[1])
    assert town.startswith("Sheet “工作事项”, row 3, column D（镇街）: “月亮镇” — expected one of")
    duplicate = places[("工作事项", 8, "B")]
    assert duplicate.value == "A06" and "7" in duplicate.message, "names the first row"
    assert state() == before, "nothing was written"


def test_a_cycle_is_refused_naming_its_items(tmp_path, users, towns, departments):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    before = state()
    path = csv_file(
        tmp_path / "cycle.csv",
        [["项目编码", "事项编码", "事项名称", "前置事项"], ["railway-b", "A01", "清表", "M1"]],
    )
    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert len(result.problems) == 1
    assert "A01" in result.problems[0].message and "M1" in result.problems[0].message
    assert state() == before


def test_gbk_csv_from_excel_on_chinese_windows(tmp_path, users, towns, departments):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    path = csv_file(
        tmp_path / "石柱镇进度.csv",
        [
            ["项目编码", "事项编码", "填报日期", "累计完成", "单位", "备注"],
            ["railway-b", "A01", "2020年3月31日", "1,000", "亩", "石柱镇报送"],
        ],
        encoding="gbk",
    )
    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert result.ok, [str(p) for p in result.problems]
    report = ProgressReport.objects.get(reported_on=date(2020, 3, 31))
    assert (report.quantity_done, report.note) == (Decimal(1000), "石柱镇报送")


def test_a_libreoffice_workbook_converted_from_csv(tmp_path, users, towns, departments):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    source = csv_file(
        tmp_path / "progress.csv",
        [
            ["项目编码", "事项编码", "填报日期", "累计完成", "完成率（%）", "说明"],
            ["railway-b", "M1", "2020-03-31", None, None, "节点"],
            ["railway-b", "A02", "2020-03-31", None, "75%", "按比例"],
        ],
    )
    converted = libreoffice_xlsx(source, tmp_path)
    result = ledger_import(source=converted, actor=users["supervisor"], today=TODAY)
    # M1 is a time node without a target quantity: reported as a percentage, which is missing.
    assert [(p.sheet, p.row, p.column[:1]) for p in result.problems] == [("progress", 2, "E")]
    fixed = csv_file(
        tmp_path / "progress.csv",
        [
            ["项目编码", "事项编码", "填报日期", "累计完成", "完成率（%）", "说明"],
            ["railway-b", "A02", "2020-03-31", None, "75%", "按比例"],
        ],
    )
    result = ledger_import(
        source=libreoffice_xlsx(fixed, tmp_path), actor=users["supervisor"], today=TODAY
    )
    assert result.ok, [str(p) for p in result.problems]
    report = ProgressReport.objects.get(work_item__code="A02", reported_on=date(2020, 3, 31))
    assert (report.percent_complete, report.quantity_done) == (Decimal("75.00"), Decimal(22500))


def test_a_different_figure_for_a_reported_day_is_a_correction(tmp_path, users, towns, departments):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    rows = [
        ["项目编码", "事项编码", "填报日期", "累计完成", "单位", "更正原因"],
        ["railway-b", "A01", "2020-03-01", 360, "亩", None],
    ]
    refused = ledger_import(
        source=csv_file(tmp_path / "c.csv", rows), actor=users["supervisor"], today=TODAY
    )
    assert len(refused.problems) == 1 and refused.problems[0].column.startswith("F")
    rows[1][5] = "漏报一个村"
    result = ledger_import(
        source=csv_file(tmp_path / "c.csv", rows), actor=users["supervisor"], today=TODAY
    )
    assert result.ok and result.progress.counts["updated"] == 1
    history = ProgressReport.objects.filter(
        work_item__code="A01", reported_on=date(2020, 3, 1)
    ).order_by("id")
    original, correction = list(history)
    assert correction.supersedes == original and correction.correction_reason == "漏报一个村"
    assert correction.percent_complete == Decimal("30.00")


def test_a_column_left_out_keeps_its_field_and_listed_links_replace_the_old(
    tmp_path, users, towns, departments
):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    path = csv_file(
        tmp_path / "edit.csv",
        [
            ["项目编码", "事项编码", "事项名称", "工期（天）", "前置事项"],
            ["railway-b", "A02", "征迁（前仓段）", 25, "A01(FS+2)"],
        ],
    )
    result = ledger_import(source=path, actor=users["supervisor"], today=TODAY)
    assert result.ok and result.items.counts["updated"] == 1
    a02 = WorkItem.objects.get(code="A02")
    assert a02.duration_days == 25 and a02.town.name == "前仓镇", "no town column: town kept"
    link = Dependency.objects.get(successor=a02)
    assert (link.type, link.lag_days) == ("FS", 2)


def test_only_the_supervision_office_imports_whole_ledgers(tmp_path, users, towns, departments):
    path = good_ledger(tmp_path / "good.xlsx")
    for role in ("leader",):
        with pytest.raises(PermissionDenied):
            ledger_import(source=path, actor=users[role], today=TODAY)
    for role in ("town", "department"):
        result = ledger_import(source=path, actor=users[role], today=TODAY)
        assert {p.sheet for p in result.problems} == {"项目", "工作事项"} and not result.written
    assert not Project.objects.exists()
    assert AuditEntry.objects.filter(action="ledger_import", allowed=False).count() == 1


def test_a_town_imports_progress_for_its_own_items_only(tmp_path, users, towns, departments):
    ledger_import(
        source=good_ledger(tmp_path / "good.xlsx"), actor=users["supervisor"], today=TODAY
    )
    rows = [
        ["项目编码", "事项编码", "填报日期", "累计完成", "单位"],
        ["railway-b", "A01", "2020-03-31", 900, "亩"],  # 石柱镇: the town user's own
    ]
    result = ledger_import(
        source=csv_file(tmp_path / "shizhu.csv", rows), actor=users["town"], today=TODAY
    )
    assert result.ok and result.written
    report = ProgressReport.objects.get(work_item__code="A01", reported_on=date(2020, 3, 31))
    assert report.reported_by == users["town"]
    rows.append(["railway-b", "A02", "2020-03-31", 20000, "平方米"])  # 前仓镇's item
    before = ProgressReport.objects.count()
    refused = ledger_import(
        source=csv_file(tmp_path / "both.csv", rows), actor=users["town"], today=TODAY
    )
    assert [(p.row, p.column[:1]) for p in refused.problems] == [(3, "B")]
    assert ProgressReport.objects.count() == before, "nothing written"


def test_a_file_that_is_no_ledger(tmp_path, users, towns, departments):
    junk = tmp_path / "notes.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    result = ledger_import(source=junk, actor=users["supervisor"], today=TODAY)
    assert len(result.problems) == 1 and "notes.xlsx" in str(result.problems[0])
    other = xlsx(tmp_path / "other.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "123"]]})
    result = ledger_import(source=other, actor=users["supervisor"], today=TODAY)
    assert len(result.problems) == 1 and "项目编码" in str(result.problems[0])
