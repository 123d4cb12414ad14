"""The 月报 workbook: exported, filled in, imported back all or nothing; each cell error at
its sheet, row and column with nothing written; the pages for those who report."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from guatu.core.investment import Check
from guatu.investment import workbook as workbook_module
from guatu.investment.models import AnnualPlan, CheckFlag, MonthlyReport
from guatu.investment.services import monthly_submit, plan_set
from guatu.investment.workbook import workbook_export, workbook_import
from guatu.projects.models import Project
from tests.investment.conftest import TODAY, figures
from tests.office import office

HEADER_ROW = 3


@pytest.fixture
def second(city, towns, departments) -> Project:
    """A 新开工 project of 前仓镇 and 自然资源局, with no plan: listed for 开工率's sake."""
    return Project.objects.create(
        city=city,
        code="park",
        name="前仓小微园",
        start_date=date(2019, 3, 1),
        owner_department=departments["自然资源局"],
        responsible_town=towns["前仓镇"],
        category=Project.Category.NEW,
        project_code="2019-330000-48-01-00001X",
    )


@pytest.fixture
def idle(city, departments) -> Project:
    """A 续建 project without a plan for 2019: not in the 月报."""
    return Project.objects.create(
        city=city,
        code="zzz-old",
        name="旧项目",
        start_date=date(2015, 1, 1),
        owner_department=departments["交通局"],
        category=Project.Category.CONTINUING,
    )


def export(city, actor, month=10) -> bytes:
    return workbook_export(city=city, year=2019, month=month, actor=actor)


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[HEADER_ROW] if cell.value}


def row_of(sheet, code: str) -> int:
    where = columns(sheet)["项目编码"]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row, where).value == code:
            return row
    raise AssertionError(f"{code} not in {sheet.title}")


def filled(data: bytes, rows: dict[str, dict[str, object]], sheet_name: str = "月报") -> bytes:
    """*data* with the cells of each project's row set, by header."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[sheet_name]
    heads = columns(sheet)
    for code, values in rows.items():
        try:
            row = row_of(sheet, code)
        except AssertionError:  # a row the table does not list: added at the bottom
            row = sheet.max_row + 1
            sheet.cell(row, heads["项目编码"], code)
        for header, value in values.items():
            sheet.cell(row, heads[header], value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(actor, city, data: bytes, month=10, name="月报.xlsx"):
    return workbook_import(
        actor=actor,
        city=city,
        source=io.BytesIO(data),
        name=name,
        year=2019,
        month=month,
        today=TODAY,
    )


def where(result) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


def snapshot() -> tuple:
    return (
        list(MonthlyReport.objects.values_list("pk", "amount")),
        list(AnnualPlan.objects.values_list("pk", "amount", "curve")),
        CheckFlag.objects.count(),
    )


GOOD = {
    "本月完成投资(万元)": 1200,
    "建安工程(万元)": 800,
    "设备购置(万元)": 300,
    "其他费用(万元)": 100,
    "中央资金到位(万元)": 200,
    "企业自筹到位(万元)": 1000,
    "形象进度": "桥梁主体完成80%",
    "入库(是/否)": "是",
    "纳统(是/否)": "否",
}


# -- Export -----------------------------------------------------------------------------------


def test_the_export_lists_planned_and_new_projects_with_the_months_before(
    invested, second, idle, users
):
    for month, amount in ((1, 800), (2, 900), (9, 300)):
        monthly_submit(
            actor=users["town"],
            project=invested,
            year=2019,
            month=month,
            figures=figures(amount),
            today=TODAY,
        )
    book = load_workbook(io.BytesIO(export(invested.city, office())))
    assert book.sheetnames == ["月报", "年度计划"]
    sheet = book["月报"]
    assert "2019年10月" in sheet["A1"].value and invested.city.name in sheet["A1"].value
    heads = columns(sheet)
    for header in ("项目代码", "项目编码", "项目名称", "建设单位", "牵头单位", "责任镇街"):
        assert header in heads
    assert "1–9月累计(万元)" in heads and "更正原因" in heads
    assert [sheet.cell(r, heads["项目编码"]).value for r in range(4, sheet.max_row + 1)] == [
        "park",
        "railway",
    ]
    railway = row_of(sheet, "railway")
    assert sheet.cell(railway, heads["年度计划(万元)"]).value == 12000
    assert sheet.cell(railway, heads["1–9月累计(万元)"]).value == 2000
    assert sheet.cell(railway, heads["责任镇街"]).value == "石柱镇"
    assert sheet.cell(railway, heads["本月完成投资(万元)"]).value is None
    park = row_of(sheet, "park")
    assert sheet.cell(park, heads["项目代码"]).value == "2019-330000-48-01-00001X"
    # 是/否 are offered as lists on both flags.
    lists = [v for v in sheet.data_validations.dataValidation if v.formula1 == '"是,否"']
    assert len(lists) == 2
    plans = book["年度计划"]
    assert plans.cell(row_of(plans, "railway"), columns(plans)["年度计划(万元)"]).value == 12000
    assert {plans.cell(r, 2).value for r in range(4, plans.max_row + 1)} == {
        "park",
        "railway",
        "zzz-old",
    }


def test_a_towns_table_lists_its_own_projects_and_no_plans(invested, second, users):
    book = load_workbook(io.BytesIO(export(invested.city, users["town"])))
    assert book.sheetnames == ["月报"]
    sheet = book["月报"]
    assert "石柱镇" in sheet["A1"].value
    assert [sheet.cell(r, 2).value for r in range(4, sheet.max_row + 1)] == ["railway"]


# -- Round trip ---------------------------------------------------------------------------------


def test_export_fill_import_round_trip(invested, second, users):
    data = filled(export(invested.city, users["town"]), {"railway": GOOD})
    result = upload(users["town"], invested.city, data)
    assert result.ok, where(result)
    assert result.written and result.reported == ["railway"]
    report = MonthlyReport.objects.get(project=invested, year=2019, month=10)
    assert report.amount == Decimal("1200")
    assert (report.construction, report.equipment, report.other) == (800, 300, 100)
    assert (report.fund_central, report.fund_self, report.fund_loan) == (200, 1000, 0)
    assert report.progress_text == "桥梁主体完成80%"
    assert report.in_library and not report.in_statistics
    assert report.reported_by == users["town"]
    # The checks ran as on the form: above 1,000 万 this year, no 形象进度确认单.
    assert set(report.flags.values_list("check_code", flat=True)) == {Check.NO_CONFIRMATION}
    # Exported again, the month shows its figures; uploaded as it is, nothing changes.
    again = export(invested.city, users["town"])
    sheet = load_workbook(io.BytesIO(again))["月报"]
    assert sheet.cell(row_of(sheet, "railway"), columns(sheet)["本月状态"]).value == _(
        "waiting for review"
    )
    second_time = upload(users["town"], invested.city, again)
    assert second_time.ok and second_time.unchanged == ["railway"] and not second_time.reported
    assert MonthlyReport.objects.count() == 1


def test_amounts_as_offices_write_them(invested, users):
    data = filled(
        export(invested.city, office()),
        {"railway": {"本月完成投资(万元)": "0.12亿", "企业自筹到位(万元)": "3,000,000元"}},
    )
    result = upload(office(), invested.city, data)
    assert result.ok, where(result)
    report = MonthlyReport.objects.get()
    assert (report.amount, report.fund_self) == (1200, 300)


def test_a_row_without_this_months_figure_is_not_reported(invested, second, users):
    data = filled(export(invested.city, office()), {"railway": {"形象进度": "停工待料"}})
    result = upload(office(), invested.city, data)
    assert result.ok and result.written
    assert result.skipped == 2 and not result.reported
    assert any("本月完成投资" in note and "5" in note for note in result.notes)
    assert not MonthlyReport.objects.exists()


# -- Cell errors: each at its place, nothing written -------------------------------------------


def test_each_cell_error_is_named_and_nothing_is_written(invested, second, users):
    plan_set(actor=office(), project=second, year=2019, amount=Decimal(500))
    before = snapshot()
    data = filled(
        export(invested.city, office()),
        {
            "railway": {
                "本月完成投资(万元)": "很多",
                "入库(是/否)": "也许",
                "中央资金到位(万元)": -5,
                "设备购置(万元)": 1e30,
                "其他资金到位(万元)": 1.234,
            },
            "park": {
                "本月完成投资(万元)": 100,
                "建安工程(万元)": 30,
                "设备购置(万元)": 30,
                "其他费用(万元)": 30,
            },
            "nowhere": {"本月完成投资(万元)": 5},
        },
    )
    result = upload(office(), invested.city, data)
    assert not result.written
    problems = where(result)
    railway, park = 5, 4
    assert ("月报", railway, "J（本月完成投资(万元)）") in [p[:3] for p in problems]
    assert ("月报", railway, "V（入库(是/否)）") in [p[:3] for p in problems]
    assert ("月报", railway, "L（设备购置(万元)）") in [p[:3] for p in problems]
    by_place = {p[:3]: p[3] for p in problems}
    assert "是" in by_place[("月报", railway, "V（入库(是/否)）")]
    assert "万元" in by_place[("月报", railway, "L（设备购置(万元)）")]
    # The split that does not add up, and a figure finer than 0.01 万元.
    assert "100" in by_place[("月报", park, "J（本月完成投资(万元)）")]
    assert ("月报", railway, "T（其他资金到位(万元)）") in by_place
    # A code the city does not know.
    assert ("月报", 6, "B（项目编码）") in by_place
    assert snapshot() == before


def test_a_negative_fund_and_a_known_code_in_the_wrong_place(invested, users):
    before = snapshot()
    data = filled(
        export(invested.city, office()),
        {
            "railway": {
                **GOOD,
                "中央资金到位(万元)": -5,
                "项目代码": "2018-330000-48-01-00009X",
            }
        },
    )
    result = upload(office(), invested.city, data)
    places = {(p.row, p.column): p.message for p in result.problems}
    assert (
        "negative" in places[(4, "N（中央资金到位(万元)）")]
        or "负" in places[(4, "N（中央资金到位(万元)）")]
    )
    assert (4, "A（项目代码）") in places
    assert snapshot() == before


def test_the_same_project_twice(invested, users):
    data = filled(export(invested.city, office()), {"railway": GOOD})
    book = load_workbook(io.BytesIO(data))
    sheet = book["月报"]
    for column in range(1, sheet.max_column + 1):
        sheet.cell(5, column, sheet.cell(4, column).value)
    out = io.BytesIO()
    book.save(out)
    result = upload(office(), invested.city, out.getvalue())
    assert [(p.row, p.column) for p in result.problems] == [(5, "B（项目编码）")]
    assert not MonthlyReport.objects.exists()


def test_a_row_the_actor_may_not_report_is_refused_at_its_row(invested, second, users):
    before = snapshot()
    # The town's own table, with 前仓镇's project added at the bottom.
    data = filled(
        export(invested.city, users["town"]),
        {"railway": GOOD, "park": {"本月完成投资(万元)": 50, "入库(是/否)": "是"}},
    )
    result = upload(users["town"], invested.city, data)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("月报", 5, "B（项目编码）")]
    assert "牵头单位" in result.problems[0].message
    assert snapshot() == before  # the railway's good row is not written either
    # The lead department of the park reports it.
    department = users["department"]
    department.department = second.owner_department
    department.save()
    data = filled(export(invested.city, department), {"park": {"本月完成投资(万元)": 50}})
    assert upload(department, invested.city, data).reported == ["park"]


def test_a_leader_imports_nothing(invested, users):
    with pytest.raises(PermissionDenied):
        upload(users["leader"], invested.city, export(invested.city, office()))


# -- Corrections and the month's rules ----------------------------------------------------------


def test_a_correction_needs_its_reason(invested, users):
    first = upload(
        users["town"], invested.city, filled(export(invested.city, office()), {"railway": GOOD})
    )
    assert first.reported == ["railway"]
    changed = filled(
        export(invested.city, users["town"]),
        {"railway": {"本月完成投资(万元)": 1300, "其他费用(万元)": 200}},
    )
    refused = upload(users["town"], invested.city, changed)
    assert [(p.row, p.column) for p in refused.problems] == [(4, "X（更正原因）")]
    assert "更正原因" in refused.problems[0].message
    assert MonthlyReport.objects.count() == 1
    reasoned = filled(changed, {"railway": {"更正原因": "漏报设备款"}})
    corrected = upload(users["town"], invested.city, reasoned)
    assert corrected.ok and corrected.corrected == ["railway"]
    old, new = MonthlyReport.objects.order_by("pk")
    assert new.supersedes_id == old.pk and new.correction_reason == "漏报设备款"
    assert new.amount == 1300


def test_last_months_file_and_a_month_not_over(invested, users):
    september = export(invested.city, office(), month=9)
    result = upload(office(), invested.city, filled(september, {"railway": GOOD}), month=10)
    assert [(p.sheet, p.row) for p in result.problems] == [("月报", None)]
    assert "2019年9月" in result.problems[0].message
    november = filled(export(invested.city, office(), month=11), {"railway": GOOD})
    result = upload(office(), invested.city, november, month=11)
    assert [(p.sheet, p.row) for p in result.problems] == [("月报", None)]
    assert not MonthlyReport.objects.exists()


def test_a_problem_found_while_writing_rolls_everything_back(invested, second, users, monkeypatch):
    calls = []
    real = workbook_module.monthly_submit

    def second_refused(**kwargs):
        calls.append(kwargs["project"].code)
        if len(calls) == 2:
            raise ValidationError({"month": "已被他人报送"})
        return real(**kwargs)

    monkeypatch.setattr(workbook_module, "monthly_submit", second_refused)
    before = snapshot()
    data = filled(
        export(invested.city, office()),
        {"park": {"本月完成投资(万元)": 50, "入库(是/否)": "是"}, "railway": GOOD},
    )
    result = upload(office(), invested.city, data)
    assert calls == ["park", "railway"]
    assert where(result) == [("月报", 5, None, "已被他人报送")]
    assert not result.written and not result.reported
    assert snapshot() == before


# -- Plans -------------------------------------------------------------------------------------


def test_the_office_sets_plans_in_the_sheet_and_a_town_cannot(invested, second, users):
    curve = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]
    heads = {f"{m}月累计(%)": value for m, value in enumerate(curve, 1)}
    data = filled(
        export(invested.city, office()),
        {"park": {"年度计划(万元)": 800, **heads}},
        sheet_name="年度计划",
    )
    result = upload(office(), invested.city, data)
    assert result.ok and result.plans == ["park"], where(result)
    plan = AnnualPlan.objects.get(project=second, year=2019)
    assert plan.amount == 800 and plan.curve == curve
    # The same sheet again: nothing to set. A changed figure from a town: refused.
    assert upload(users["town"], invested.city, data).ok
    changed = filled(data, {"railway": {"年度计划(万元)": 1}}, sheet_name="年度计划")
    refused = upload(users["town"], invested.city, changed)
    assert [(p.sheet, p.column) for p in refused.problems] == [("年度计划", "E（年度计划(万元)）")]
    assert AnnualPlan.objects.get(project=invested).amount == 12000


def test_a_plan_curve_must_be_whole_and_rising(invested, users):
    data = filled(
        export(invested.city, office()),
        {"railway": {"3月累计(%)": 50}},
        sheet_name="年度计划",
    )
    result = upload(office(), invested.city, data)
    assert [(p.sheet, p.column) for p in result.problems] == [("年度计划", "F（1月累计(%)）")]
    falling = {f"{m}月累计(%)": 100 - m for m in range(1, 13)}
    data = filled(export(invested.city, office()), {"railway": falling}, sheet_name="年度计划")
    result = upload(office(), invested.city, data)
    assert [p.column for p in result.problems] == ["Q（12月累计(%)）"]


# -- Files that are not a 月报 -----------------------------------------------------------------


def _claiming_a_million_rows() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "月报"
    sheet.append(["项目编码", "本月完成投资(万元)"])
    sheet.append(["railway", 1])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:Z1000000"/>')
                assert b"A1:Z1000000" in part
            target.writestr(info.filename, part)
    return crafted.getvalue()


def test_a_tiny_workbook_claiming_a_million_rows_is_refused(invested, users):
    data = _claiming_a_million_rows()
    assert len(data) < 10_000
    result = upload(office(), invested.city, data)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("月报", None, None)]
    assert "1000000" in result.problems[0].message
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf\xe9\xa1\xb9\xe7\x9b\xae\xe7\xbc\x96\xe7\xa0\x81\n",
        b"PK\x03\x04not a zip",
        b"",
    ],
)
def test_a_file_that_is_not_an_xlsx(invested, data):
    result = upload(office(), invested.city, data, name="月报.xlsx")
    assert len(result.problems) == 1 and result.problems[0].sheet == "月报.xlsx"
    assert not result.written


# -- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def dated(invested):
    invested.city.status_date = TODAY
    invested.city.save()
    return invested


def test_the_office_downloads_and_uploads(client, dated, users):
    client.force_login(users["supervisor"])
    page = client.get(reverse("investment:workbook-upload"))
    assert page.status_code == 200
    assert reverse("investment:workbook-download", args=[2019, 10]).encode() in page.content
    download = client.get(reverse("investment:workbook-download", args=[2019, 10]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = filled(download.content, {"railway": GOOD})
    posted = client.post(
        reverse("investment:workbook-upload"),
        {"year": 2019, "month": 10, "file": _file(data)},
    )
    assert posted.status_code == 200, posted.content.decode()[:2000]
    assert "railway" in posted.content.decode()
    assert MonthlyReport.objects.get().reported_by == users["supervisor"]


def test_a_town_sees_its_problems_in_a_table(client, dated, users):
    client.force_login(users["town"])
    data = filled(export(dated.city, users["town"]), {"railway": {"本月完成投资(万元)": "abc"}})
    posted = client.post(
        reverse("investment:workbook-upload"),
        {"year": 2019, "month": 10, "file": _file(data)},
    )
    assert posted.status_code == 422
    html = posted.content.decode()
    assert "<td>月报</td>" in html and "J（本月完成投资(万元)）" in html
    assert not MonthlyReport.objects.exists()
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("investment:workbook-download", args=[2019, 10])).content)
    )["月报"]
    assert "石柱镇" in sheet["A1"].value


def test_bad_months_and_files_are_refused_not_crashed(client, dated, users):
    client.force_login(users["supervisor"])
    for year, month in ((9999, 1), (2019, 13), (2019, 0), (1999, 5)):
        assert client.get(f"/investment/workbook/{year}/{month}/").status_code == 404
    assert client.get(reverse("investment:workbook-upload"), {"year": "abc"}).status_code == 400
    assert (
        client.get(
            reverse("investment:workbook-upload"), {"year": "9" * 400, "month": 1}
        ).status_code
        == 400
    )
    posted = client.post(
        reverse("investment:workbook-upload"),
        {"year": 9999, "month": 13, "file": _file(b"x", name="notes.txt")},
    )
    assert posted.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_a_leader_is_refused(client, dated, users):
    client.force_login(users["leader"])
    assert client.get(reverse("investment:workbook-upload")).status_code == 403
    assert client.get(reverse("investment:workbook-download", args=[2019, 10])).status_code == 403
    posted = client.post(reverse("investment:workbook-upload"), {"year": 2019, "month": 10})
    assert posted.status_code == 403


def _file(data: bytes, name: str = "月报.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_january_has_no_months_before_and_february_one(invested, users):
    january = columns(load_workbook(io.BytesIO(export(invested.city, office(), 1)))["月报"])
    assert not any("累计" in header for header in january)
    monthly_submit(
        actor=users["town"], project=invested, year=2019, month=1, figures=figures(70), today=TODAY
    )
    sheet = load_workbook(io.BytesIO(export(invested.city, office(), 2)))["月报"]
    assert sheet.cell(row_of(sheet, "railway"), columns(sheet)["1月累计(万元)"]).value == 70


def test_the_office_hears_of_a_table_once_and_a_rollback_leaves_no_file(
    invested, second, users, monkeypatch, settings, tmp_path
):
    """Each row once sent its own message (300 rows: 300 notices, 300 robot posts); and a
    correction's copied 确认单 stayed on disk when a later row rolled the table back."""
    from django.core.files.base import ContentFile

    from guatu.demo.investment import confirmation_pdf
    from guatu.notify.models import Notice

    settings.MEDIA_ROOT = tmp_path
    data = filled(
        export(invested.city, office()),
        {"park": {"本月完成投资(万元)": 50, "入库(是/否)": "是"}, "railway": GOOD},
    )
    result = upload(office(), invested.city, data)
    assert result.written and len(result.reported) == 2
    told = Notice.objects.filter(recipient=users["supervisor"], kind="investment")
    assert told.count() == 1 and "2" in told.get().title
    # A correction carrying the report's 确认单, then a refusal on the next row.
    report = MonthlyReport.objects.get(project=invested, month=10)
    monthly_submit_real = workbook_module.monthly_submit
    fixed = monthly_submit_real(
        actor=office(), project=invested, year=2019, month=10, figures=figures(1300),
        supersedes=report, correction_reason="补附确认单", today=TODAY,
        confirmation=ContentFile(confirmation_pdf(), name="确认单.pdf"),
    )  # fmt: skip
    files_before = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    calls = []

    def refuse_second(**kwargs):
        calls.append(kwargs["project"].code)
        if len(calls) == 2:
            raise ValidationError({"month": "已被他人报送"})
        return monthly_submit_real(**kwargs)

    monkeypatch.setattr(workbook_module, "monthly_submit", refuse_second)
    data = filled(
        export(invested.city, office()),
        {
            "railway": {
                **GOOD,
                "本月完成投资(万元)": 1400,
                "建安工程(万元)": 1000,
                "更正原因": "核增",
            },
            "park": {"本月完成投资(万元)": 60, "入库(是/否)": "是", "更正原因": "核增"},
        },
    )
    result = upload(office(), invested.city, data)
    assert not result.written and len(calls) == 2
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files_before
    assert (
        MonthlyReport.objects.get(project=invested, month=10, superseded_by__isnull=True) == fixed
    )


def test_a_returned_month_sent_again_with_its_reason_is_resubmitted(invested, users):
    """It was reported "unchanged": the unit thought it had resubmitted; it stayed 退回."""
    from guatu.investment.services import monthly_review

    first = upload(
        users["town"],
        invested.city,
        filled(export(invested.city, users["town"]), {"railway": GOOD}),
    )
    assert first.written
    report = MonthlyReport.objects.get(project=invested, month=10)
    monthly_review(actor=office(), report=report, approve=False, note="请核实后重报")
    again = filled(
        export(invested.city, users["town"]), {"railway": {**GOOD, "更正原因": "经核实无误"}}
    )
    result = upload(users["town"], invested.city, again)
    assert result.written and result.corrected == ["railway"], where(result)
    fixed = MonthlyReport.objects.get(project=invested, month=10, superseded_by__isnull=True)
    assert fixed.supersedes == report and fixed.correction_reason == "经核实无误"
    # Without a reason, as it was: left as it was.
    monthly_review(actor=office(), report=fixed, approve=False, note="仍需核实")
    same = upload(users["town"], invested.city, filled(export(invested.city, users["town"]), {}))
    assert same.unchanged == ["railway"]
