"""A leader's monthly 会办 agenda (issue 34), read back from its Word file (python-docx)
and its PDF (pdfplumber) for the demo's two leaders: their own projects with lights and
investment against 序时, the red items, the problems at level 3 or 4 waiting for them and
the node adjustments sent up — and nothing of the other leader's."""

import io
import re

import pdfplumber
import pytest
from django.test import Client
from docx import Document

from guatu.accounts.models import User
from guatu.baselines.models import Adjustment
from guatu.baselines.services import adjustment_review
from guatu.org.models import City
from guatu.progress.models import Blocker
from guatu.projects.models import Project
from guatu.supervision.agenda import agenda, agendas
from guatu.supervision.render_agenda import agenda_docx, agenda_filename, agenda_pdf

pytestmark = pytest.mark.django_db

RAILWAY_RED = ("金温铁路外迁", "石柱镇")  # an item's words and its unit, on the railway


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(data))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return text, tables


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_rows(data: bytes) -> list[list[str]]:
    """Every row of every table of the PDF, each cell's text without its line breaks."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            [flat(cell or "") for cell in row]
            for page in pdf.pages
            for table in page.extract_tables()
            for row in table
        ]


def rows_with(rows: list[list[str]], words: str) -> list[list[str]]:
    return [row for row in rows if any(words in cell for cell in row)]


def flat(text: str) -> str:
    """The PDF's text with its line breaks and spaces taken out (a cell wraps anywhere)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def leaders(demo):
    return User.objects.get(username="leader"), User.objects.get(username="leader_hu")


def test_wang_lixins_agenda_in_word(leaders):
    wang, _hu = leaders
    city = City.objects.get()
    content = agenda(city, wang, 2019, 11)
    text, tables = docx_text(agenda_docx(content))
    assert "王立新副市长（演示）" in text and "2019年11月" in text and "永康市" in text
    assert content.title in text
    projects = tables[0]
    names = [row[0] for row in projects[1:]]
    assert sorted(names) == sorted(["金台铁路永康段", "石柱镇小微企业园", "经济开发区小微企业园"])
    railway = next(row for row in projects if row[0] == "金台铁路永康段")
    assert railway[4] == "3"  # its red items, as its 待办 counts them
    assert "54000.00" in railway[3] and "60000.00" in railway[3]  # 1–10月 against the plan
    assert (
        int(railway[5])
        == Blocker.objects.filter(work_item__project__code="jintai-railway")
        .exclude(status="resolved")
        .count()
    )
    red = tables[1]
    assert len(red) == 1 + 3
    assert all(row[0] == "金台铁路永康段" for row in red[1:])
    assert any(RAILWAY_RED[0] in row[1] and row[2] == RAILWAY_RED[1] for row in red[1:])
    # The railway's level-4 problem has the leader's 批示 already: nothing waits for him.
    assert not content.problems
    assert "古山镇小微企业园地块5户违建" not in text + str(tables)


def test_hu_zhiqiangs_agenda_carries_the_level_3_problem_in_word_and_pdf(leaders):
    _wang, hu = leaders
    city = City.objects.get()
    content = agenda(city, hu, 2019, 11)
    text, tables = docx_text(agenda_docx(content))
    assert "胡志强副市长（演示）" in text
    assert "金台铁路永康段" not in text + str(tables)
    problems = next(table for table in tables if any("交〔2019〕2号" in c for c in table[1]))
    row = problems[1]
    assert row[1] == "古山镇小微企业园"
    assert "5户违建" in row[2]
    assert row[3].startswith("3")
    assert "2019年11月8日" in row[6]
    data = agenda_pdf(content)
    pdf = flat(pdf_text(data))
    for words in ("胡志强副市长（演示）", "2019年11月", "永康市重点项目建设管理办公室"):
        assert flat(words) in pdf, words
    rows = pdf_rows(data)
    assert ["永重点办交〔2019〕2号", "古山镇小微企业园"] == rows_with(rows, "交〔2019〕2号")[0][:2]
    assert rows_with(rows, "西溪镇小微企业园")  # a project of his, in the projects' table
    assert "金台铁路永康段" not in pdf


def test_an_adjustment_sent_up_waits_on_its_projects_leader(leaders):
    wang, _hu = leaders
    waiting = Adjustment.objects.get(status=Adjustment.Status.PENDING)
    assert waiting.project.leader == wang
    adjustment_review(
        actor=User.objects.get(username="supervisor"), adjustment=waiting, note="经核实，建议同意。"
    )
    city = City.objects.get()
    mine, theirs = agendas(city, 2019, 11)
    assert [row["id"] for row in mine.adjustments] == [waiting.pk]
    assert theirs.adjustments == []
    _text, tables = docx_text(agenda_docx(mine))
    adjustments = tables[-1]
    assert adjustments[1][0] == "金台铁路永康段"
    assert "2019-10-31" in adjustments[1][2]
    assert "经核实，建议同意。" in adjustments[1][4]
    assert rows_with(pdf_rows(agenda_pdf(mine)), "安置房源未落实")


def test_a_past_month_is_judged_at_its_end_and_the_file_is_named_for_it(leaders):
    wang, _hu = leaders
    city = City.objects.get()
    october = agenda(city, wang, 2019, 10)
    assert october.as_of.isoformat() == "2019-10-31"
    assert agenda_filename(october, "docx").endswith("王立新副市长（演示）-2019-10.docx")
    november = agenda(city, wang, 2019, 11)
    assert november.as_of.isoformat() == "2019-11-15"  # the month runs: today


def test_a_project_without_a_leader_is_on_no_agenda(leaders):
    Project.objects.filter(code="park-xixi").update(leader=None)
    everyone = agendas(City.objects.get(), 2019, 11)
    listed = {line.code for one in everyone for line in one.projects}
    assert "park-xixi" not in listed and len(listed) == 6


def test_every_agenda_of_the_demo_in_word_and_pdf(leaders):
    # How long they take is bench/agenda.py's to say (docs/PERFORMANCE.md), not a test's.
    city = City.objects.get()
    files = [(agenda_docx(one), agenda_pdf(one)) for one in agendas(city, 2019, 11)]
    assert len(files) == 2 and all(docx[:2] == b"PK" and pdf[:5] == b"%PDF-" for docx, pdf in files)


def test_the_files_over_the_page(leaders):
    wang, _hu = leaders
    client = Client()
    client.force_login(wang)
    word = client.get(f"/supervision/agenda/{wang.pk}/agenda.docx?month=2019-11")
    assert word.status_code == 200
    assert "attachment" in word["Content-Disposition"]
    text, _tables = docx_text(word.content)
    assert "王立新副市长（演示）" in text
    pdf = client.get(f"/supervision/agenda/{wang.pk}/agenda.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "inline" in pdf["Content-Disposition"]
