"""The dashboard, the lists behind its numbers, the blocker board and the wall chart."""

import re

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.progress.labels import change_label
from guatu.progress.overview import progress_overview
from guatu.projects.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(demo) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    return client


def test_every_number_links_to_the_list_behind_it(leader):
    page = leader.get("/").text
    assert "驾驶舱" in page and "数据日期 2019-11-15" in page
    counts = dict(re.findall(r'href="/items/\?light=(\w+)">\s*<strong>(\d+)</strong>', page))
    assert set(counts) == {"red", "yellow", "green", "done", "not_started"}
    for light, count in counts.items():
        listed = leader.get(f"/items/?light={light}").text
        assert listed.count('class="name"') == int(count), light
    warnings = re.search(r'href="/items/\?warning=1"><strong>(\d+)</strong>', page).group(1)
    assert leader.get("/items/?warning=1").text.count('class="name"') == int(warnings) > 0


def test_the_dashboard_shows_towns_blockers_and_next_nodes(leader):
    page = leader.get("/").text
    assert "古山镇" in page and "3户未签约" in page
    assert "2019-11-30" in page  # 组卷报批 time nodes ahead
    # Each ranked town's change since last week, as the read model has it.
    assert "较上周变化（百分点）" in page
    changes = re.findall(
        r'/towns/\d+/">([^<]+)</a></td>\s*<td class="num">\d+%</td>\s*<td class="num">([^<]+)</td>',
        page,
    )
    with translation.override("zh-hans"):
        expected = [
            (s.name, change_label(s.change))
            for s in progress_overview(city=City.objects.get()).towns()
            if s.share is not None
        ]
    assert len(changes) >= 5 and changes == expected


def test_the_blocker_board_puts_overdue_first(leader):
    page = leader.get("/blockers/").text
    assert page.index("3户未签约") < page.index("坟墓")
    assert "已逾期" in page


def test_the_wall_chart_page_and_zoom_fragment(leader):
    page = leader.get("/projects/jintai-railway/").text
    assert "<svg" in page and "挂图作战图" in page and "今天 2019-11-15" in page
    fragment = leader.get(
        "/projects/jintai-railway/wallchart/?group=phase&zoom=week", HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200 and "<svg" in fragment.text
    # Weeks named in Chinese under a band naming their years (issue 31: not 19W46).
    assert "<html" not in fragment.text and "第46周" in fragment.text and "2019年" in fragment.text


@pytest.mark.parametrize("paper", ["A3", "A1"])
def test_the_wall_chart_prints_as_svg_and_pdf(leader, paper, tmp_path):
    svg = leader.get(f"/projects/jintai-railway/wallchart.svg?paper={paper}")
    assert svg.status_code == 200
    size = {"A3": ('width="420mm"', 'height="297mm"'), "A1": ('width="841mm"', 'height="594mm"')}
    assert all(part in svg.content.decode() for part in size[paper])
    pdf = leader.get(f"/projects/jintai-railway/wallchart.pdf?paper={paper}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "chart.pdf").write_bytes(pdf.content)
    page = PdfReader(tmp_path / "chart.pdf").pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    assert abs(width_mm - {"A3": 420, "A1": 841}[paper]) < 2
    assert "金温铁路外迁" in page.extract_text()


def test_no_page_references_an_address_outside_the_app(leader):
    item = WorkItem.objects.get(project__code="jintai-railway", code="wq-zc-1")
    for url in (
        "/",
        "/projects/",
        "/projects/jintai-railway/",
        "/towns/",
        "/blockers/",
        f"/items/{item.pk}/",
        "/items/?light=red",
        "/rules/",
        "/login/",
    ):
        text = leader.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', text), url
