"""A park in headless Chromium: the town gives a unit to the firm waiting at the top."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_town_gives_a_unit_to_the_waiting_firm(server, browser, screenshots):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    page.click("nav >> text=小微企业园")
    page.click("text=石柱镇小微企业园")
    ranked = page.locator("section", has_text="申请企业排名").inner_text()
    assert "亩均税收（万元/亩） 28.89 (≥ 30.00)" in ranked, ranked
    page.screenshot(path=screenshots / "park-shizhu.png", full_page=True)
    waiting = page.locator("section", has_text="待分配名单")
    assert "永康市创亿智能科技有限公司" in waiting.inner_text()
    waiting.locator("button", has_text="分配厂房").first.click()
    page.wait_for_load_state("networkidle")
    message = page.locator("p.message").inner_text()
    assert "已分配给永康市创亿智能科技有限公司" in message, message
    assert "暂无待分配厂房的企业" in page.locator("section", has_text="待分配名单").inner_text()
    context.close()
