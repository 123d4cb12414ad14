"""The 定期通报 as an office signs it without retouching (issue 30, bulletin): the 期次 as
the office writes it, the PDF's page numbers, Chinese dates, section numbers through any
count, its stylesheet reaching WeasyPrint, and 较上期 against the previous published bulletin."""

import copy
import io
import logging
import re
from collections import defaultdict

import pdfplumber
import pytest
from django.test import Client
from django.utils import timezone, translation
from docx import Document

from guatu.accounts.models import User
from guatu.core.periods import parse_period
from guatu.org.models import City
from guatu.projects.models import Project
from guatu.supervision import render
from guatu.supervision.bulletins import bulletin_content
from guatu.supervision.models import Bulletin
from guatu.supervision.services import bulletin_draft, bulletin_publish

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def supervisor(demo):
    return User.objects.get(username="supervisor")


@pytest.fixture
def office(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


@pytest.fixture
def draft(supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return bulletin_draft(actor=supervisor, city=City.objects.get(), period_text="2019-W46")


# -- 期次 -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2019年第46周", "2019-11-13", "2019年11月13日", "2019-W46"])
def test_the_draft_form_reads_the_period_as_the_app_names_it_or_by_a_date(
    office, settings, tmp_path, text
):
    settings.MEDIA_ROOT = tmp_path
    answer = office.post("/bulletins/", {"period": text, "project": ""})
    assert answer.status_code == 302
    bulletin = Bulletin.objects.get(pk=int(answer.headers["Location"].strip("/").split("/")[-1]))
    assert bulletin.period == "2019-W46" and bulletin.content["period_label"] == "2019年第46周"


def _field(page: str) -> str:
    """The 期次 field of the draft form: its label to the end of its block."""
    start = page.index('<label for="period">')
    return page[start : page.index("</div>", page.index('id="period-help"'))]


@pytest.mark.parametrize("text", ["", "   ", "46周", "last week"])
def test_an_empty_or_unknown_period_is_an_error_at_the_field(office, settings, tmp_path, text):
    """The seen bug: an empty 期次 did nothing; now the form comes back saying why, at
    the field, and keeps what was written."""
    settings.MEDIA_ROOT = tmp_path
    before = Bulletin.objects.count()
    answer = office.post("/bulletins/", {"period": text, "project": ""})
    assert answer.status_code == 400 and Bulletin.objects.count() == before
    page = answer.text
    field = _field(page)
    assert 'aria-invalid="true"' in field and 'role="alert"' in field
    error = re.search(r'<div class="errors" id="period-errors" role="alert">(.*?)</div>', field)
    assert error and "2019-W46" in error[1]
    if text.strip():
        assert f"“{text}”" in error[1] and f'value="{text}"' in field
    else:
        assert "“" not in error[1]
    assert 'class="message error"' not in page  # said at the field, not only at the top
    assert "novalidate" in page  # the browser lets the office send it, the server says why


def test_a_period_not_yet_begun_is_said_at_the_field_too(office):
    answer = office.post("/bulletins/", {"period": "2019-12-02", "project": ""})
    assert answer.status_code == 400
    assert "2019年第49周" in _field(answer.text)  # as people write it


# -- section numbers ---------------------------------------------------------------------


def _with_every_section(content: dict) -> dict:
    content = copy.deepcopy(content)
    content["risk"] = content.get("risk") or [
        {"project": "P", "target": "2020-06-30", "probability": 40, "p80": "2020-09-01"}
    ]
    content["adjustments"] = [{"unit": "石柱镇", "count": 1, "days": 5, "items": ["拆除"]}]
    return content


def test_sections_are_numbered_through_any_count(draft):
    """The seen bug: the numbers stopped after 七; the risk and adjustments had none."""
    content = _with_every_section(draft.content)
    with translation.override("zh-hans"):
        headings = [h for h, _p, _t in render.sections_of(content, render.labels())]
    # The demo's investment tables come last; the 问题清单 (issue 34) after the blockers.
    numerals = [*"一二三四五六七八九", "十", "十一", "十二"]
    assert len(headings) == 12
    assert [h.split("、", 1)[0] for h in headings] == numerals
    with translation.override("en"):
        headings = [h for h, _p, _t in render.sections_of(content, render.labels())]
    assert [h.split(". ", 1)[0] for h in headings] == [str(n) for n in range(1, 13)]
    assert headings[0] == "1. Overall situation"


def test_section_numbers_go_past_ten():
    from guatu.supervision.render_docx import numbered

    with translation.override("zh-hans"):
        assert [numbered(n, "x") for n in (10, 11, 12, 20, 23)] == [
            "十、x",
            "十一、x",
            "十二、x",
            "二十、x",
            "二十三、x",
        ]


# -- the PDF -------------------------------------------------------------------------------


def _lines(pdf_bytes: bytes) -> list[tuple[int, float, float, str, set[str]]]:
    """Every printed line: page number, top, left, text and the fonts it is set in."""
    lines = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows = defaultdict(list)
            for char in page.chars:
                rows[round(char["top"])].append(char)
            for top, chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                lines.append(
                    (
                        number,
                        top,
                        chars[0]["x0"],
                        "".join(c["text"] for c in chars),
                        {c["fontname"].split("+", 1)[-1] for c in chars},
                    )
                )
    return lines


def _families(selector: str) -> list[str]:
    """The font families bulletin.css asks for in *selector*'s rule, as embedded names go."""
    css = render.BULLETIN_CSS.read_text(encoding="utf-8")
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)[1]
    families = re.search(r"font-family:\s*([^;]+);", rule)[1]
    return [_plain(f.strip().strip('"')) for f in families.split(",")]


def _plain(name: str) -> str:
    return re.sub(r"[-_ ]", "", name).lower()


def test_the_pdf_sets_its_headings_in_the_heading_face_and_logs_no_warning(draft, caplog):
    """The seen bug: bulletin.css reached WeasyPrint HTML-escaped (&quot;), so it dropped
    the rules — headings not in 黑体 — and logged some forty warnings."""
    html = render.to_html(draft.content, standalone=True)
    style = html[html.index("<style>") : html.index("</style>")]
    assert "&quot;" not in style and '"SimHei"' in style
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render.to_pdf(draft.content)
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    lines = _lines(pdf)
    headings = [h for h, _p, _t in render.sections_of(draft.content, render.labels())]
    heading_fonts = {
        font for _n, _top, _x, text, fonts in lines if text in headings for font in fonts
    }
    assert len([1 for _n, _top, _x, text, _f in lines if text in headings]) == len(headings)
    # 黑体 (SimHei) where installed, else the sans-serif CJK face the stylesheet names next.
    heiti = _families(".bulletin h2")
    assert heading_fonts and all(
        any(_plain(font).startswith(family) for family in heiti if family != "sansserif")
        for font in heading_fonts
    ), (heading_fonts, heiti)
    assert all("sans" in _plain(font) for font in heading_fonts)
    # The title: 方正小标宋 or the bold serif CJK face named after it; the body in 仿宋's.
    title = next(fonts for _n, _top, _x, text, fonts in lines if text.startswith("关于"))
    xiaobiaosong = _families(".bulletin h1")
    assert all(any(_plain(f).startswith(x) for x in xiaobiaosong) for f in title), title
    body = next(fonts for _n, _top, _x, text, fonts in lines if text.startswith("纳入督查"))
    assert not any("sans" in _plain(font) for font in body)


def test_the_pdf_numbers_its_pages_as_gbt_9704_does(draft):
    """ "— 1 —" under the text, at the outer edge: right on odd pages, left on even ones."""
    lines = _lines(render.to_pdf(draft.content))
    pages = max(n for n, *_rest in lines)
    assert pages >= 2
    width = 595  # A4 in points
    for page in range(1, pages + 1):
        last = max((line for line in lines if line[0] == page), key=lambda line: line[1])
        assert last[3] == f"— {page} —", last
        assert last[1] > 842 - 35 * 72 / 25.4  # in the bottom margin, under the text
        assert (last[2] > width / 2) == (page % 2 == 1), last


def test_the_bulletin_prints_its_dates_in_chinese(draft):
    """The seen bug: the PDF printed ISO dates (2019-11-15) where a 公文 writes 2019年11月15日."""
    content = _with_every_section(draft.content)
    assert any(ISO_DATE.search(str(r)) for r in content["blockers"])  # there are dates to print
    text = "".join(line[3] for line in _lines(render.to_pdf(content)))
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)
    assert "2019年11月15日" in text
    html = render.to_html(content)
    assert not ISO_DATE.search(re.sub(r"<[^>]+>", "", html))
    assert '<p class="signature tight">2019年11月15日</p>' in html
    assert '<td><span class="date">2019年' in html  # kept on one line in a narrow column
    document = Document(io.BytesIO(render.to_docx(content)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [p.text for p in document.paragraphs]
    assert not [t for t in cells + paragraphs if ISO_DATE.search(t)]


# -- 较上期 --------------------------------------------------------------------------------


def _published(city, period: str, content: dict, number: int, project=None) -> Bulletin:
    """A bulletin as it was published: numbered, dated, its content frozen."""
    return Bulletin.objects.create(
        city=city,
        project=project,
        period=period,
        year=parse_period(period).end.year,
        number=number,
        status=Bulletin.Status.PUBLISHED,
        published_at=timezone.now(),
        content={**content, "number_text": f"永重点办〔2019〕{number}号"},
    )


def test_without_a_published_bulletin_before_it_there_is_no_change_to_print(draft):
    content = draft.content
    assert content["previous"] is None and content["previous_counts"] == {}
    assert all(s["change"] is None for s in content["towns"] + content["departments"])
    words = render.labels()
    sections = list(render.sections_of(content, words))
    assert words["no_previous"] in sections[1][1] and words["no_previous"] in sections[2][1]
    assert all(row[3] == "—" for row in sections[1][2][1])


def test_the_change_is_against_the_previous_published_bulletin_not_seven_days_ago(supervisor):
    """The seen bug: a bulletin showed "+52.9" against seven days ago right after the
    previous bulletin had printed the same 90 %."""
    city = City.objects.get()
    w46 = parse_period("2019-W46")
    now = bulletin_content(city=city, period=w46).as_dict()
    # What the W45 bulletin printed: every town and department 10 points lower than now.
    printed = copy.deepcopy(now)
    for standing in printed["towns"] + printed["departments"]:
        if standing["share"] is not None:
            standing["share"] = round(standing["share"] - 0.1, 4)
    printed["counts"] = {**now["counts"], "red": now["counts"]["red"] + 3}
    w45 = _published(city, "2019-W45", {**printed, "period_label": "2019年第45周"}, 45)
    # Neither another city's scope, a month, nor a draft is "the previous bulletin".
    _published(city, "2019-10", printed, 40)
    _published(city, "2019-W44", printed, 44, project=Project.objects.order_by("code").first())
    bulletin_draft(actor=supervisor, city=city, period_text="2019-W45")

    content = bulletin_content(city=city, period=w46).as_dict()
    assert content["previous"]["pk"] == w45.pk
    assert content["previous"]["number_text"] == "永重点办〔2019〕45号"
    assert content["previous_counts"] == printed["counts"]
    for standing in content["towns"] + content["departments"]:
        assert standing["change"] == (None if standing["share"] is None else 10.0), standing
    words = render.labels()
    note = words["compared_with"].format(number="永重点办〔2019〕45号", period="2019年第45周")
    sections = list(render.sections_of(content, words))
    assert note in sections[1][1]
    assert any(row[3] == "+10.0" for row in sections[1][2][1])
    assert note in render.to_html(content)


def test_a_re_issue_and_later_periods_are_not_what_a_bulletin_compares_with(supervisor):
    city = City.objects.get()
    base = bulletin_content(city=city, period=parse_period("2019-W44")).as_dict()
    first = _published(city, "2019-W45", base, 45)
    reissue = _published(city, "2019-W45", base, 46)
    _published(city, "2019-W46", base, 47)  # the period itself: not "the previous"
    content = bulletin_content(city=city, period=parse_period("2019-W46")).as_dict()
    assert content["previous"]["pk"] == reissue.pk != first.pk
    project = Project.objects.order_by("code").first()
    alone = bulletin_content(city=city, period=parse_period("2019-W46"), project=project)
    assert alone.previous is None  # a project's bulletin compares with that project's


def test_publishing_logs_no_weasyprint_warning(draft, supervisor, caplog):
    with caplog.at_level(logging.WARNING):
        published = bulletin_publish(actor=supervisor, bulletin=draft)
    assert published.pdf
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
