"""投资调度 in the 定期通报: the headline read back from the PDF and the Word file is
``investment.lines``' sentence of ``city_standing``, the tables are the standing's, the
workbook's 投资月报 sheet has every project's month, and a city without plans has no
section at all."""

import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook

from guatu.investment import lines
from guatu.investment.models import AnnualPlan
from guatu.investment.selectors import city_standing
from guatu.investment.services import MonthFigures, monthly_submit, plan_set
from guatu.projects.models import Project
from guatu.supervision import render
from guatu.supervision.render_docx import investment_columns
from guatu.supervision.services import bulletin_draft
from tests.office import office

pytestmark = pytest.mark.django_db

DATA_DATE = date(2019, 11, 15)  # W46: the bulletin reports January to October


def _report(project: Project, month: int, amount: int) -> None:
    monthly_submit(
        actor=office(),
        project=project,
        year=2019,
        month=month,
        figures=MonthFigures(amount=Decimal(amount), in_library=True),
        today=DATA_DATE,
    )


@pytest.fixture
def invested_city(city, towns, departments, users, project):
    """Two projects with 2019 plans and ten months reported each:

    - the railway (续建, 市重点, 石柱镇, 交通局): plan 12,000 万元, 1,100 a month → ahead;
    - a park (新开工 not yet started, 县重点, 前仓镇, 自然资源局): plan 6,000 万元, 200 a
      month → 33.3 % against 83.3 % due, behind by 50 points: 开工滞后.
    """
    city.status_date = DATA_DATE
    city.save()
    project.project_code = "2019-330784-48-01-000001"
    project.builder = "金台铁路有限责任公司"
    project.responsible_town = towns["石柱镇"]
    project.category = Project.Category.CONTINUING
    project.level = Project.Level.CITY
    project.stage = Project.Stage.BUILDING
    project.total_investment = Decimal(50000)
    project.save()
    park = Project.objects.create(
        city=city,
        code="park",
        name="前仓镇小微企业园",
        start_date=date(2019, 1, 1),
        owner_department=departments["自然资源局"],
        responsible_town=towns["前仓镇"],
        project_code="2019-330784-70-01-000002",
        builder="前仓镇人民政府",
        category=Project.Category.NEW,
        level=Project.Level.COUNTY,
        stage=Project.Stage.PLANNING,
        total_investment=Decimal(20000),
    )
    plan_set(actor=office(), project=project, year=2019, amount=Decimal(12000))
    plan_set(actor=office(), project=park, year=2019, amount=Decimal(6000))
    for month in range(1, 11):
        _report(project, month, 1100)
        _report(park, month, 200)
    return city


def _draft(city):
    return bulletin_draft(actor=office(), city=city, period_text="2019-W46")


def _unspaced(text: str) -> str:
    """*text* without white space: where a printed line wraps, a space may go or come."""
    return "".join(text.split())


def _pdf_text(content: dict) -> str:
    """The PDF's text as printed, its lines run together (a sentence may wrap)."""
    with pdfplumber.open(io.BytesIO(render.to_pdf(content))) as pdf:
        return _unspaced("".join(page.extract_text() or "" for page in pdf.pages))


def test_the_headline_read_back_from_the_pdf_and_the_word_file_is_the_standing_s(
    invested_city, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = _draft(invested_city).content
    standing = city_standing(invested_city, 2019, 10)
    headline = lines.headline(standing)
    # By hand: 13,000 of 18,000 万元 (1.30 亿元) is 72.2 %, against 83.3 % due: 11.1 points
    # behind (the words are the lines' in the active language; the figures are these).
    assert all(figure in headline for figure in ("10", "1.30", "72.2", "11.1"))
    assert headline == lines.headline(city_standing(invested_city, 2019, 10))
    assert content["investment"]["headline"] == headline
    start = lines.start_line(standing)
    assert content["investment"]["start"] == start and "0.0" in start  # 0 of 1 started
    assert _unspaced(headline) in _pdf_text(content)
    document = Document(io.BytesIO(render.to_docx(content)))
    paragraphs = [p.text for p in document.paragraphs]
    assert headline in paragraphs and start in paragraphs
    words = render.labels()
    # The lines open the bulletin: in 总体情况, after its counts, in 仿宋 like its text.
    heading = next(p for p in paragraphs if p.endswith(words["overview"]))
    assert paragraphs.index(headline) == paragraphs.index(heading) + 2
    assert paragraphs.index(start) == paragraphs.index(heading) + 3
    line = next(p for p in document.paragraphs if p.text == headline)
    fonts = line.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "仿宋_GB2312"
    )


def test_the_tables_are_the_standing_s_by_category_level_town_and_department(
    invested_city, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = _draft(invested_city).content["investment"]
    standing = city_standing(invested_city, 2019, 10)
    assert [g["key"] for g in content["groups"]] == ["category", "level", "town", "department"]
    for group in content["groups"]:
        rows = standing.groups[group["key"]]
        assert [(r["label"], r["count"], r["plan"], r["done"]) for r in group["rows"]] == [
            (r.label, r.count, r.plan, r.done) for r in rows
        ]
        assert [round(r["gap"], 6) for r in group["rows"]] == [round(r.gap, 6) for r in rows]
    by_town = next(g for g in content["groups"] if g["key"] == "town")["rows"]
    towns = {r["label"]: r for r in by_town}
    assert towns["石柱镇"]["light"] == "green" and towns["前仓镇"]["light"] == "red"
    # 未达序时: the park, why (开工滞后: a 新开工 not started) and by how much.
    assert [(r["project"], r["reason"]) for r in content["behind"]] == [
        ("前仓镇小微企业园", "开工滞后")
    ]
    assert round(content["behind"][0]["gap"], 2) == -50.0
    # Printed: the sums table under the lines, the behind table with its gap and reason.
    document = Document(io.BytesIO(render.to_docx(_draft(invested_city).content)))
    words = render.labels()
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    sums = next(t for t in tables if t[0] == investment_columns(words))
    assert sums[1][0] == words["investment_total"]
    assert sums[1][2:5] == ["2", "18,000.00", "13,000.00"]
    assert ["续建", "1", "12,000.00", "11,000.00", "91.7", "83.3", "+8.3"] in [
        row[1:] for row in sums
    ]
    behind = next(t for t in tables if t[0][0] == words["project"] and words["reason"] in t[0])
    assert behind[1] == ["前仓镇小微企业园", "前仓镇", "33.3", "83.3", "-50.0", "开工滞后"]


def test_the_workbook_lists_every_project_s_month(invested_city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = _draft(invested_city).content
    words = render.labels()
    book = load_workbook(io.BytesIO(render.to_xlsx(content)))
    assert words["investment_sheet"] in book.sheetnames
    sheet = list(book[words["investment_sheet"]].iter_rows(values_only=True))
    assert list(sheet[0]) == [
        words[key]
        for key in (
            "project_code",
            "project",
            "builder",
            "lead_department",
            "investment_plan",
            "investment_month",
            "investment_done",
            "investment_rate",
            "investment_schedule",
            "investment_gap",
            "light",
            "reason",
        )
    ]
    standing = city_standing(invested_city, 2019, 10)
    assert [tuple(row) for row in sheet[1:]] == [
        (
            row.project.project_code,
            row.project.name,
            row.project.builder,
            row.project.owner_department.name,
            round(row.plan, 2),
            round(row.month_done, 2),
            round(row.done, 2),
            round(row.standing.rate, 2),
            round(row.standing.schedule, 2),
            round(row.standing.gap, 2),
            words[row.light],
            row.reason or None,  # an empty cell reads back as None
        )
        for row in standing.rows
    ]
    assert sorted(r[5] for r in sheet[1:]) == [200, 1100]  # the month alone: October


def test_a_city_without_plans_has_no_investment_section(
    city, towns, departments, users, project, settings, tmp_path
):
    """Nor does one whose plans are for another year: the bulletin reports October 2019."""
    settings.MEDIA_ROOT = tmp_path
    city.status_date = DATA_DATE
    city.save()
    plan_set(actor=office(), project=project, year=2018, amount=Decimal(5000))
    assert AnnualPlan.objects.filter(year=2019).count() == 0
    content = _draft(city).content
    assert content["investment"] is None
    words = render.labels()
    headings = [h for h, _p, _t in render.sections_of(content, words)]
    assert not any(words["investment"] in h or words["investment_behind"] in h for h in headings)
    assert words["investment_sheet"] not in load_workbook(io.BytesIO(render.to_xlsx(content)))
    assert "全市重点项目完成投资" not in _pdf_text(content)
    # With a 2019 plan the same city's bulletin has the section.
    plan_set(actor=office(), project=project, year=2019, amount=Decimal(5000))
    content = _draft(city).content
    assert "0.00" in content["investment"]["headline"]  # nothing reported: 0.00 亿元
    sections = list(render.sections_of(content, words))
    assert content["investment"]["headline"] in sections[0][1]
    # The tables come after the bulletin's own sections, which keep their numbers.
    assert sections[-2][0].endswith(words["investment"])
    assert sections[-1][0].endswith(words["investment_behind"])
    assert sections[1][0].endswith(words["towns"])
