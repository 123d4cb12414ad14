"""The 项目 sheet's master-data columns (项目信息): written by the export, read back by the
import, each problem at its sheet, row and column with nothing written, and a city's older
workbook without them imported as before."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from guatu.ledger.exporting import ledger_workbook
from guatu.ledger.importing import ledger_import
from guatu.projects.models import Project
from tests.ledger.files import TITLE, xlsx
from tests.office import office

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)
GOOD = "2019-330784-48-01-01234X"
MASTER = (
    "project_code",
    "builder",
    "total_investment",
    "level",
    "category",
    "stage",
    "planned_groundbreaking",
    "planned_completion",
    "groundbreaking",
    "main_content",
    "responsible_leader",
    "responsible_town_id",
    "preparation",
)
OLD_HEADER = ["项目编码", "项目名称", "专项", "牵头单位", "开工日期", "目标日期", "工期日历"]


@pytest.fixture
def jinhua(city, departments, towns):
    """The fixture city as 金华 (330700), its today in 2019, with its towns and departments."""
    city.code = "330700"
    city.status_date = TODAY
    city.save()
    return city


def master(project: Project) -> tuple:
    project.refresh_from_db()
    return tuple(getattr(project, name) for name in MASTER)


def test_an_export_imported_back_restores_every_master_data_column(jinhua, project, towns):
    Project.objects.filter(pk=project.pk).update(
        project_code=GOOD,
        builder="永康市交通投资集团",
        total_investment=Decimal("356000.50"),
        level="provincial",
        category="continuing",
        stage="building",
        planned_groundbreaking=date(2016, 7, 1),
        planned_completion=date(2020, 6, 30),
        groundbreaking=date(2016, 12, 26),
        main_content="正线 32 公里",
        responsible_leader="李副市长",
        responsible_town=towns["前仓镇"],
        preparation="已完成",
    )
    kept = master(project)
    data = ledger_workbook(city=jinhua)
    sheet = load_workbook(io.BytesIO(data))["项目"]
    headers = [cell.value for cell in sheet[2]]
    for header in ("项目代码", "建设单位", "总投资（万元）", "计划开工", "实际开工", "责任镇街"):
        assert header in headers
    row = dict(zip(headers, (cell.value for cell in sheet[3]), strict=True))
    assert row["项目代码"] == GOOD and row["项目级别"] == "省重点" and row["项目类型"] == "续建"
    Project.objects.filter(pk=project.pk).update(
        **{name: None for name in ("total_investment", "responsible_town", "groundbreaking")},
        project_code="",
        builder="",
        level="",
    )
    result = ledger_import(
        source=io.BytesIO(data), name="台账.xlsx", actor=office(), city=jinhua, today=TODAY
    )
    assert result.written, [str(problem) for problem in result.problems]
    assert master(project) == kept
    again = ledger_import(
        source=io.BytesIO(data), name="台账.xlsx", actor=office(), city=jinhua, today=TODAY
    )
    assert again.projects.unchanged == [project.code]


def _sheet(*rows, header=None) -> dict:
    header = header or [
        *OLD_HEADER,
        "项目代码",
        "项目级别",
        "总投资（万元）",
        "责任镇街",
        "计划开工",
        "计划竣工",
    ]
    return {"项目": [[TITLE], header, *rows]}


def _row(code="park", **cells) -> list:
    base = [code, "石柱镇小微企业园", "", "交通局", "2019-03-01", "2020-12-31", "日历天"]
    master = [
        cells.get("project_code", GOOD),
        cells.get("level", "县重点"),
        cells.get("total_investment", "1.2亿"),
        cells.get("town", "石柱"),
        cells.get("planned_groundbreaking", "2019-04-01"),
        cells.get("planned_completion", "2020-12-31"),
    ]
    return [*base, *master]


def test_the_columns_are_read_fullwidth_codes_and_office_words_included(jinhua, towns, tmp_path):
    path = xlsx(
        tmp_path / "台账.xlsx",
        _sheet(_row(project_code="２０１９－３３０７８４－４８－０１－０１２３４Ｘ", level="县级")),
    )
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert result.written, [str(problem) for problem in result.problems]
    park = Project.objects.get(code="park")
    assert park.project_code == GOOD and park.level == "county"
    assert park.total_investment == Decimal("12000.00")
    assert park.responsible_town == towns["石柱镇"]
    assert park.planned_groundbreaking == date(2019, 4, 1)


@pytest.mark.parametrize(
    ("cells", "letter", "named"),
    [
        ({"project_code": "2019-440100-48-01-01234X"}, "H", "440100"),
        ({"project_code": "2020-330784-48-01-01234X"}, "H", "2020"),
        ({"project_code": "330784-48"}, "H", "330784-48"),
        ({"level": "国家重点"}, "I", "省重点"),
        ({"total_investment": "-5"}, "J", ""),
        ({"total_investment": "1e30"}, "J", ""),
        ({"town": "杭州"}, "K", "石柱镇"),
        ({"planned_groundbreaking": "9999-01-01"}, "L", ""),
        ({"planned_completion": "2019-01-01"}, "M", "2019-01-01"),
    ],
)
def test_a_bad_cell_is_named_at_sheet_row_and_column_and_nothing_is_written(
    jinhua, towns, project, tmp_path, cells, letter, named
):
    before = list(Project.objects.order_by("pk").values())
    path = xlsx(tmp_path / "台账.xlsx", _sheet(_row("good"), _row("park", **cells)))
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert not result.written
    places = [
        (problem.sheet, problem.row, (problem.column or "")[:1]) for problem in result.problems
    ]
    assert ("项目", 4, letter) in places, [str(problem) for problem in result.problems]
    assert any(named in problem.message for problem in result.problems)
    assert list(Project.objects.order_by("pk").values()) == before


def test_a_code_twice_in_the_sheet_or_held_by_another_project_is_refused(jinhua, project, tmp_path):
    path = xlsx(tmp_path / "twice.xlsx", _sheet(_row("a"), _row("b")))
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert [(p.row, p.column[:1]) for p in result.problems] == [(4, "H")]
    Project.objects.filter(pk=project.pk).update(project_code=GOOD)
    path = xlsx(tmp_path / "held.xlsx", _sheet(_row("a")))
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert [(p.row, p.column[:1]) for p in result.problems] == [(3, "H")]
    assert project.code in result.problems[0].message
    assert not Project.objects.filter(code="a").exists()


def test_an_older_workbook_without_the_columns_imports_and_keeps_the_master_data(
    jinhua, project, tmp_path
):
    Project.objects.filter(pk=project.pk).update(project_code=GOOD, builder="甲公司")
    path = xlsx(
        tmp_path / "old.xlsx",
        {
            "项目": [
                [TITLE],
                OLD_HEADER,
                [
                    "railway",
                    "金台铁路永康段（改）",
                    "",
                    "交通局",
                    "2016-07-01",
                    "2020-06-30",
                    "日历天",
                ],
                ["park", "石柱镇小微企业园", "", "交通局", "2019-03-01", "2020-12-31", "日历天"],
            ]
        },
    )
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert result.written, [str(problem) for problem in result.problems]
    project.refresh_from_db()
    assert project.name == "金台铁路永康段（改）"
    assert (project.project_code, project.builder) == (GOOD, "甲公司")
    assert Project.objects.get(code="park").project_code == ""


def test_an_office_sheet_keyed_by_a_column_headed_xiangmu_daima_still_reads_it_as_the_key(
    jinhua, tmp_path
):
    """Before the national code, 项目代码 was one of 项目编码's names: a sheet whose only key
    column is headed so keeps its meaning, and 计划开工 over the only start date too."""
    header = ["项目代码", "项目名称", "牵头单位", "计划开工"]
    path = xlsx(
        tmp_path / "office.xlsx",
        {"项目": [[TITLE], header, ["ring-road", "环城北路", "交通局", "2019-02-01"]]},
    )
    result = ledger_import(source=path, actor=office(), city=jinhua, today=TODAY)
    assert result.written, [str(problem) for problem in result.problems]
    road = Project.objects.get(code="ring-road")
    assert road.start_date == date(2019, 2, 1)
    assert (road.project_code, road.planned_groundbreaking) == ("", None)
