"""The 大屏's investment line: the month's headline and 开工率 in ``investment.lines``' words
under the title, large enough to read across the room; nothing when the city has no plans."""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.investment import lines
from guatu.investment.selectors import city_standing
from guatu.screens import panels, views
from tests.office import office
from tests.supervision.test_bulletin_investment import DATA_DATE, invested_city  # noqa: F401

pytestmark = pytest.mark.django_db

SCREEN_CSS = Path(views.__file__).parent / "static" / "guatu" / "screen.css"


def _screen() -> str:
    """The screen's page, through a link the office issues."""
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.post("/screens/", {"action": "create", "name": "指挥中心大屏"})
    url = re.search(r'<code class="screen-url">http://testserver(/screen/[^<]+/)</code>', page.text)
    answer = Client().get(url[1])
    assert answer.status_code == 200
    return answer.text


def _line(text: str) -> str | None:
    found = re.search(r'<section class="s-invest[^"]*"[^>]*>(.*?)</section>', text, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", found[1])) if found else None


def test_the_screen_states_the_month_s_headline_and_start_rate(invested_city):  # noqa: F811
    standing = city_standing(invested_city, 2019, 10)  # the month ended on the data date
    text = _screen()
    line = _line(text)
    assert line is not None
    assert lines.headline(standing) in line and lines.start_line(standing) in line
    # Coloured by the city's light: 11.1 points behind is red with the default rules.
    assert 's-invest s-invest-red"' in text
    assert panels.investment_line(invested_city, DATA_DATE) == panels.InvestmentLine(
        lines.headline(standing), lines.start_line(standing), "red"
    )


def test_a_city_without_plans_shows_no_line(city, users, project):
    city.status_date = DATA_DATE
    city.save()
    assert _line(_screen()) is None
    assert panels.investment_line(city, DATA_DATE) is None
    # A plan for another year than the month reported (October 2019) shows nothing either.
    from guatu.investment.services import plan_set

    plan_set(actor=office(), project=project, year=2018, amount=Decimal(100))
    assert panels.investment_line(city, DATA_DATE) is None
    assert panels.investment_line(city, date(2019, 1, 10)) is not None  # reports December 2018


def test_the_line_is_legible_at_1920_by_1080():
    """As the rest of the screen: no text under 0.95vw (18 px at 1920 wide), one line that
    never pushes the panels off the screen (it clips instead of wrapping)."""
    css = SCREEN_CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.s-invest \{([^}]*)\}", css)[1]
    size = float(re.search(r"font-size:\s*([\d.]+)vw", rule)[1])
    assert size * 1920 / 100 >= 18
    assert "white-space: nowrap" in rule and "overflow: hidden" in rule
    for selector in (".s-invest-headline", ".s-invest-start", ".s-invest-mark"):
        found = re.search(re.escape(selector) + r" \{([^}]*)\}", css)
        assert found and "font-size" not in found[1], selector  # never smaller than the line
