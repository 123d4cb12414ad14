"""Schedule risk in headless Chromium: a leader on a phone reads the railway's chances and
tries a what-if; the dashboard's card fills in after the page."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_leader_reads_the_risk_on_a_phone_and_tries_a_what_if(server, browser, screenshots):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "leader")
    page.goto(f"{server}/projects/jintai-railway/")
    page.click("text=进度风险")
    page.wait_for_load_state("networkidle")
    lead = page.locator("p.lead").inner_text()
    assert "按目前节奏" in lead and "2020-06-30" in lead and "%" in lead
    assert page.locator(".tornado-bar").count() >= 3
    width = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert width <= 0, width  # nothing wider than the phone (tables scroll in their card)
    page.screenshot(path=screenshots / "risk-phone.png", full_page=True)
    page.select_option("#id_node_item", label="主线、连接线和相关站场同期交付（具备通车条件）")
    page.fill("#id_node_date", "2021-12-31")
    page.click('button:has-text("试算")')
    page.wait_for_load_state("networkidle")
    assert "→" in page.locator("p.lead").inner_text()  # today's chance → with the change
    assert page.locator("th", has_text="调整后").count() == 1
    context.close()


def test_the_dashboard_lists_the_nodes_under_even_odds(server, browser, screenshots):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server, "supervisor")
    page.goto(f"{server}/")
    card = page.locator("#nodes-at-risk")
    card.locator("li").first.wait_for(timeout=60_000)
    assert "正在计算" not in card.inner_text()
    assert "%" in card.locator("li").first.inner_text()
    page.screenshot(path=screenshots / "dashboard-risk.png", full_page=True)
    context.close()
