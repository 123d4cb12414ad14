"""A problem's 交办单 is a 公文 (issue 34): read back from the Word file and the PDF — its
文号, 主送, the unit, the 时限 and the required action — and served to the office, the
leaders and the problem's own unit only."""

import io
import re
from urllib.parse import unquote

import pdfplumber
import pytest
from django.test import Client
from django.utils import translation
from docx import Document

from guatu.accounts.models import Role, User
from guatu.core.periods import chinese_date
from guatu.org.models import City
from guatu.problems.rules import rules_on
from guatu.problems.selectors import number_text, problem_facts, problems_of
from guatu.progress.models import Blocker
from guatu.supervision.notices import addressee
from guatu.supervision.render_assignment import (
    assignment_docx,
    assignment_parts,
    assignment_pdf,
    colour_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(demo, settings, tmp_path):
    """The demo's 交办单 3: 金温铁路外迁 石柱镇段 3户未签约, raised to level 2, overdue."""
    settings.MEDIA_ROOT = tmp_path
    return Blocker.objects.select_related(
        "work_item__project__city", "town", "owner_department"
    ).get(year=2019, number=3)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_word_file_reads_back_as_a_gongwen(problem):
    city = City.objects.get()
    lines, cells = _read_docx(assignment_docx(problem))
    due = chinese_date(problem.due_on)
    assert number_text(problem) == "永重点办交〔2019〕3号"
    assert lines[0] == city.office_name  # 发文机关标志
    assert lines[1] == "永重点办交〔2019〕3号"  # 文号
    with translation.override("zh-hans"):
        title = assignment_parts(problem)["title"]
        red = colour_text("red")
    assert lines[2] == title
    unit = addressee(problem.town, problem.owner_department)
    assert unit == f"石柱镇人民政府、{problem.owner_department}"
    assert lines[3] == unit + "："  # 主送
    body = lines[4]
    assert problem.action_required in body and due in body
    assert problem.work_item.project.name in body and problem.work_item.name in body
    # The table: the unit, the person, the 时限, the action, the category, level and colour.
    for needed in (
        f"石柱镇、{problem.owner_department}",
        problem.responsible_person,
        due,
        problem.action_required,
        "政策处理（征迁）",
        rules_on(city, problem.due_on).level_name(2),
        red,  # due 11-10, read on 11-15: overdue
        problem.description,
    ):
        assert needed in cells, needed
    # 落款: the office and the 交办 date; 抄送: the project's 包联市领导 when it has one.
    leader = problem.work_item.project.leader
    tail = lines[-2:] if leader is None else lines[-3:-1]
    assert tail == [city.office_name, chinese_date(problem.assigned_on)]
    if leader is not None:
        assert str(leader) in lines[-1]


def test_the_colour_is_the_one_every_page_shows(problem):
    """Returned answers make a problem yellow: the 交办单 reads its last answer too."""
    city = City.objects.get()
    graves = Blocker.objects.get(year=2019, number=5)
    annotated = problems_of(city).get(pk=graves.pk)
    facts = problem_facts([annotated], city=city, today=city.status_date)[graves.pk]
    assert facts.colour == "yellow"
    _lines, cells = _read_docx(assignment_docx(graves))  # not annotated: read again
    with translation.override("zh-hans"):
        assert colour_text("yellow") in cells


def test_the_pdf_reads_back_with_number_unit_time_limit_and_action(problem):
    with pdfplumber.open(io.BytesIO(assignment_pdf(problem))) as pdf:
        text = _flat("\n".join(page.extract_text() or "" for page in pdf.pages))
    for needed in (
        "永重点办交〔2019〕3号",
        f"石柱镇人民政府、{problem.owner_department}",
        chinese_date(problem.due_on),
        problem.action_required,
        "—1—",
    ):
        assert _flat(needed) in text, needed


def test_who_may_read_a_problem_s_assignment(problem):
    """The office, the leaders, the problem's own town and owner department (and a
    superuser); not another unit (403), not a problem that was never 交办ed (404)."""
    own_town = User.objects.get(username="town_shizhu")
    assert own_town.town_id == problem.town_id
    own_department = User.objects.filter(
        role=Role.DEPARTMENT, department=problem.owner_department
    ).first()
    other_town = User.objects.filter(role=Role.TOWN).exclude(town=problem.town).first()
    other_department = User.objects.get(username="dept_jiaotong")
    assert other_department.department_id != problem.owner_department_id
    readers = [
        User.objects.get(username="supervisor"),
        User.objects.get(username="leader"),
        own_town,
        *([own_department] if own_department else []),
    ]
    for user in readers:
        client = _client(user)
        word = client.get(f"/supervision/problems/{problem.pk}/assignment.docx")
        assert word.status_code == 200, user.username
        disposition = unquote(word["Content-Disposition"])
        assert disposition.startswith("attachment")
        assert f"交办单-石柱镇-{problem.work_item.name}.docx" in disposition
        pdf = client.get(f"/supervision/problems/{problem.pk}/assignment.pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-", user.username
        assert unquote(pdf["Content-Disposition"]).startswith("inline")
    for user in (other_town, other_department):
        client = _client(user)
        for kind in ("docx", "pdf"):
            url = f"/supervision/problems/{problem.pk}/assignment.{kind}"
            assert client.get(url).status_code == 403, (user.username, kind)
    anonymous = _client(None).get(f"/supervision/problems/{problem.pk}/assignment.docx")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    reported = Blocker.objects.filter(number__isnull=True).first()  # 林地手续: not 交办ed
    assert reported is not None
    office = _client(User.objects.get(username="supervisor"))
    for kind in ("docx", "pdf"):
        assert (
            office.get(f"/supervision/problems/{reported.pk}/assignment.{kind}").status_code == 404
        )
    assert office.get("/supervision/problems/987654321/assignment.docx").status_code == 404


def _read_docx(data: bytes) -> tuple[list[str], str]:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs if p.text]
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    return lines, cells
