"""投资调度 said once (issue 33): on the demo, the investment page, the dashboard, the
project panel, the W46 bulletin (PDF, Word, Excel), the 大屏 and the API say the same
figures, and the demo's story shows every case an office meets."""

import io
import re
from html import unescape

import pdfplumber
import pytest
from django.test import Client
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from guatu.accounts.models import User
from guatu.investment import lines
from guatu.investment.selectors import city_standing
from guatu.org.models import City
from guatu.supervision import render
from guatu.supervision.services import bulletin_draft

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def flat(text: str) -> str:
    """Text without its line breaks and spaces (a PDF wraps a long sentence)."""
    return re.sub(r"\s+", "", unescape(text))


@pytest.fixture
def standing(demo):
    with translation.override("zh-hans"):
        return city_standing(City.objects.get(), 2019, 10)


def test_the_demo_shows_every_case(standing):
    rows = {row.project.code: row for row in standing.rows}
    assert rows["jintai-railway"].standing.gap > 0 and rows["jintai-railway"].light == "green"
    assert rows["park-gushan"].reason == "开工滞后" and rows["park-gushan"].light == "red"
    # The parks are still in 前期, as their wall charts say (开工 is a node of 2019-12-31).
    assert rows["park-shizhu"].reason == "开工滞后" and rows["park-shizhu"].light == "yellow"
    assert all(not row.started for code, row in rows.items() if code != "jintai-railway")
    assert not rows["park-kaifaqu"].reported  # October not reported
    assert not rows["park-xixi"].reported  # October returned, not yet corrected
    assert standing.waiting_review == 1 and standing.open_checks == 1  # 龙山's October
    assert (standing.start.started, standing.start.total) == (0, 6)
    with translation.override("zh-hans"):
        assert lines.headline(standing) == (
            "1–10月，全市重点项目完成投资 7.53 亿元，完成年度计划的 82.3%，"
            "欠序时进度 1.0 个百分点。"
        )


def test_page_dashboard_panel_and_api_say_the_same(standing):
    with translation.override("zh-hans"):
        headline = lines.headline(standing)
        start = lines.start_line(standing)
    office = signed_in("supervisor")
    for url in ("/investment/", "/"):
        page = flat(office.get(url).content.decode())
        assert flat(headline) in page and flat(start) in page, url
    # The project panel reads the same row as the table.
    railway = next(row for row in standing.rows if row.project.code == "jintai-railway")
    panel = flat(office.get(f"/projects/{railway.project.code}/").content.decode())
    assert "54000.00" in panel and f"{railway.standing.rate:.1f}%" in panel
    answer = office.get("/api/v1/investment/city").json()
    assert answer["headline"] == headline
    assert answer["total"]["done"] == pytest.approx(standing.total.done)


def test_the_w46_bulletin_carries_the_lines_in_every_file(standing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = User.objects.get(username="supervisor")
    with translation.override("zh-hans"):
        headline = lines.headline(standing)
        draft = bulletin_draft(actor=office, city=City.objects.get(), period_text="2019-W46")
        assert draft.content["investment"]["headline"] == headline
        pdf = render.to_pdf(draft.content)
        docx = render.to_docx(draft.content)
        xlsx = render.to_xlsx(draft.content)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert flat(headline) in flat(text)
    words = "".join(paragraph.text for paragraph in Document(io.BytesIO(docx)).paragraphs)
    assert flat(headline) in flat(words)
    sheet = load_workbook(io.BytesIO(xlsx))["投资月报"]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {row.project.name for row in standing.rows} <= names


def test_a_projects_own_row_is_its_row_in_the_city(standing):
    from guatu.investment.selectors import project_standing

    for row in standing.rows:
        with translation.override("zh-hans"):
            alone = project_standing(row.project, 2019, 10)
        assert alone is not None
        for field in ("plan", "done", "month_done", "share", "light", "reported", "reason"):
            assert getattr(alone, field) == getattr(row, field), (row.project.code, field)
        assert alone.standing == row.standing
