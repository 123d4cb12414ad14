"""The level above in Chromium: a prefecture's office on a phone and on a desk (issue 29)."""

import pytest

from tests.browser.conftest import guatu_shell, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 1000}

SETUP = """
from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.org.models import City
yongkang = City.everywhere.get(name="永康市")
if not City.everywhere.filter(code="330700").exists():
    jinhua = City.everywhere.create(name="金华市", code="330700", level=City.Level.PREFECTURE)
    yongkang.parent = jinhua
    yongkang.save()
    City.everywhere.create(name="武义县", code="330723", parent=jinhua)
    office = user_create(username="jinhua_office", password="guatu-demo-2019", role=Role.SUPERVISOR)
    office.city = jinhua
    office.must_change_password = False
    office.save()
"""


@pytest.fixture(scope="module")
def prefecture(server):
    guatu_shell(SETUP)
    return server


def test_the_prefecture_ranks_its_cities_on_a_phone_and_a_desk(prefecture, browser, screenshots):
    for name, viewport in (("phone", PHONE), ("desk", DESK)):
        context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=2)
        page = context.new_page()
        sign_in(page, prefecture, "jinhua_office")
        assert page.url.endswith("/region/"), page.url
        rows = page.locator("table tbody tr")
        assert rows.count() == 2
        assert "永康市" in page.locator("table").inner_text()
        header = page.locator("table thead").inner_text()
        assert "逾期时间节点" in header and "风险节点" in header
        # Its menu is its own: the cities below, not the city pages it may not use.
        menu = page.locator("nav").text_content()
        assert "下辖城市" in menu and "台账" not in menu and "大屏" not in menu
        # The page itself never scrolls sideways; a wide table scrolls in its own box.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, width)
        page.screenshot(path=screenshots / f"region-{name}.png", full_page=True)
        page.click("text=永康市")
        page.wait_for_load_state("networkidle")
        assert "只读" in page.content() or "Read-only" in page.content()
        context.close()
