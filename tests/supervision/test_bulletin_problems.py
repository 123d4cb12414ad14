"""The weekly 问题清单 in the bulletin (issue 34): the demo's W46 lists 新增 / 推进中 / 已销号
with the same counts in the page, the PDF, the Word file and the workbook; a bulletin
stored before the list prints without it."""

import io
import re
from html import unescape

import pdfplumber
import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.problems.services import problem_close
from guatu.progress.models import Blocker
from guatu.supervision import render
from guatu.supervision.render_docx import problem_sentence
from guatu.supervision.services import bulletin_draft

pytestmark = pytest.mark.django_db
NUMBER = "永重点办交〔2019〕{}号"


@pytest.fixture
def office(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return User.objects.get(username="supervisor")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", unescape(text))


@pytest.fixture
def w46(office):
    """W46 (2019-11-11..17, read on Friday 11-15) after the office verified and closed the
    electricity problem (交办单 6) that day."""
    power = Blocker.objects.get(year=2019, number=6)
    problem_close(actor=office, blocker=power, text="现场核实，供电公司已批复接入方案")
    return bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")


def test_the_w46_lists_are_the_week_s(w46):
    problems = w46.content["problems"]
    assert (problems["first"], problems["last"]) == ("2019-11-11", "2019-11-17")
    # 新增: the 林地 problem reported on 11-14, not yet 交办ed (no 文号).
    assert [(r["number"], r["description"][:5]) for r in problems["new"]] == [("", "龙山镇小微")]
    # 推进中: opened before the week and open at its end, by 时限; the closed 6 is not.
    assert [r["number"] for r in problems["ongoing"]] == [NUMBER.format(n) for n in (2, 3, 4, 5)]
    # 已销号: 6, closed on 11-15; 1 was closed in October and is in no list.
    assert [r["number"] for r in problems["closed"]] == [NUMBER.format(6)]
    rows = {r["number"]: r for key in ("new", "ongoing", "closed") for r in problems[key]}
    # 2 (due 11-08) and 3 (due 11-10) are overdue on 11-15: red; 5's answer was returned.
    assert rows[NUMBER.format(2)]["colour"] == rows[NUMBER.format(3)]["colour"] == "red"
    assert rows[NUMBER.format(5)]["colour"] == "yellow"
    assert rows[NUMBER.format(6)]["colour"] == "" and rows[NUMBER.format(3)]["level"] == 2
    assert rows[NUMBER.format(2)]["level"] == 3 and rows[NUMBER.format(4)]["level"] == 4
    counts = problems["counts"]
    assert (counts["new"], counts["ongoing"], counts["closed"], counts["red"]) == (1, 4, 1, 2)
    for colour in ("yellow", "blue"):
        assert counts[colour] == sum(r["colour"] == colour for r in rows.values())


def test_a_past_week_lists_a_problem_as_it_stood_then(w46, office):
    """W45 (11-04..11-10), drafted after 6 was closed on 11-15: 6 was opened on 11-04 and
    answered on 11-14, so in W45 it is new and open, in no 已销号."""
    w45 = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W45")
    problems = w45.content["problems"]
    new = {r["number"]: r for r in problems["new"]}
    assert str(Blocker.Status.OPEN.label) == new[NUMBER.format(6)]["state"]
    assert problems["closed"] == [] and problems["counts"]["closed"] == 0
    assert NUMBER.format(6) not in [r["number"] for r in problems["ongoing"]]


def test_every_format_carries_the_same_counts(w46, office):
    content = w46.content
    problems = content["problems"]
    words = render.labels()
    sentence = flat(problem_sentence(problems, words))
    assert "{" not in sentence
    numbers = [NUMBER.format(n) for n in (2, 3, 4, 5, 6)]

    client = Client()
    client.force_login(office)
    page = flat(client.get(f"/bulletins/{w46.pk}/").content.decode())
    assert sentence in page and flat(words["problems"]) in page
    assert all(number in page for number in numbers)

    with pdfplumber.open(io.BytesIO(render.to_pdf(content))) as pdf:
        text = flat("".join(page.extract_text() or "" for page in pdf.pages))
    assert sentence in text and flat(words["problems"]) in text

    document = Document(io.BytesIO(render.to_docx(content)))
    paragraphs = flat("".join(p.text for p in document.paragraphs))
    assert sentence in paragraphs and flat(words["problems"]) in paragraphs
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert set(numbers) <= cells

    book = load_workbook(io.BytesIO(render.to_xlsx(content)))
    rows = list(book[words["problems_sheet"]].iter_rows(values_only=True))
    assert rows[0][:2] == (words["problem_list"], words["problem_number"])
    listed = [row[0] for row in rows[1:]]
    for key in ("new", "ongoing", "closed"):
        assert listed.count(words[f"problem_{key}"]) == problems["counts"][key], key
    assert sorted(row[1] for row in rows[1:] if row[1]) == numbers


def test_a_bulletin_stored_before_the_list_prints_without_it(w46):
    content = {key: value for key, value in w46.content.items() if key != "problems"}
    words = render.labels()
    html = flat(render.to_html(content))
    assert flat(words["problems"]) not in html and "{" not in html
    document = Document(io.BytesIO(render.to_docx(content)))
    assert not any(words["problems"] in p.text for p in document.paragraphs)
    book = load_workbook(io.BytesIO(render.to_xlsx(content)))
    assert words["problems_sheet"] not in book.sheetnames
