"""The acceptance walk-through of the pages, in headless Chromium."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_town_official_reports_from_a_phone_and_the_light_changes(server, browser, screenshots):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    page.click("label.nav-toggle-label")  # the phone's menu is folded away
    page.click("nav >> text=本镇街区")
    row = page.locator("tr", has_text="石柱镇小微企业园").filter(has_text="组卷报批")
    assert "绿灯" in row.inner_text()
    row.locator("a.button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#report").is_visible()
    page.fill("#id_reported_on", "2019-11-15")
    page.fill("#id_percent", "100")
    page.fill("#id_note", "组卷材料已报省厅")
    # Usable with a thumb: every control of the form at least 44 px high, the button full width.
    for control in (
        "#id_reported_on",
        "#id_percent",
        "#id_supersedes",
        "#report button[type=submit]",
    ):
        box = page.locator(control).bounding_box()
        assert box is not None and box["height"] >= 44, (control, box)
    submit = page.locator("#report button[type=submit]").bounding_box()
    assert submit["width"] >= PHONE["width"] * 0.75
    page.screenshot(path=screenshots / "town-report-form-phone.png", full_page=True)
    page.click("text=提交填报")
    page.wait_for_load_state("networkidle")
    # 15 November was reported already (85 %): the form says to correct that report.
    error = page.locator(".field.has-error .errors").first.inner_text()
    assert "已填报过" in error and "更正" in error, error
    page.select_option("#id_supersedes", label="2019-11-15 · 85.00%")
    page.fill("#id_correction_reason", "下午材料已报省厅")
    page.fill("#id_percent", "100")
    page.fill("#id_note", "组卷材料已报省厅")
    page.click("text=提交填报")
    page.wait_for_load_state("networkidle")
    heading = page.locator("h1").inner_text()
    assert "完成" in heading, heading
    assert "组卷材料已报省厅" in page.content()
    page.screenshot(path=screenshots / "town-report-done-phone.png", full_page=True)
    context.close()


def test_an_error_is_shown_next_to_the_field(server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    page.click("label.nav-toggle-label")  # the phone's menu is folded away
    page.click("nav >> text=本镇街区")
    page.locator("tr", has_text="金温铁路外迁征地").locator("a.button").click()
    page.fill("#id_reported_on", "2019-11-15")
    page.fill("#id_quantity", "3")
    page.select_option("#id_unit", "hh")
    page.click("text=提交填报")
    error = page.locator(".field.has-error .errors")
    assert "无法把 3 户 换算为亩" in error.inner_text()
    context.close()


def test_a_leader_sees_the_dashboard_and_the_wall_chart(server, browser, screenshots):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in(page, server, "leader")
    assert "重点项目驾驶舱" in page.locator("h1").inner_text()
    assert page.locator(".count").count() == 7  # five lights, early warnings, overdue nodes
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    page.click("text=金台铁路永康段 >> nth=0")
    page.wait_for_load_state("networkidle")
    page.click("#wallchart >> text=季度")  # htmx swaps the chart in place
    # A locator, not wait_for_function: the pages' CSP forbids evaluating strings.
    page.locator("#wallchart svg text", has_text="四季度").first.wait_for()
    assert re.search(r"今天 2019-11-15", page.locator("#wallchart").inner_html())
    # The columns a supervisor reads first are on screen; the rest unfold on demand.
    for header in ("灯色", "已报进度", "欠序时", "时间节点", "总时差"):
        box = page.locator("#work-items th", has_text=header).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1440, header
    assert not page.locator("#work-items th", has_text="最早开始").first.is_visible()
    page.click("label[for=all-columns]")
    assert page.locator("#work-items th", has_text="最早开始").first.is_visible()
    page.locator("#work-items").screenshot(path=screenshots / "project-items-table.png")
    context.close()


def test_another_towns_report_form_is_refused(server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    page.goto(f"{server}/towns/")
    page.click("table a:has-text('前仓镇')")
    link = page.locator("a", has_text="金温铁路外迁征迁（前仓镇段）")
    item_url = link.get_attribute("href")
    response = page.goto(f"{server}{item_url}report/")
    assert response.status == 403
    page.goto(f"{server}{item_url}")
    assert page.locator("#report").count() == 0
    context.close()


def test_no_request_leaves_the_app(server, browser):
    context = browser.new_context()
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(server) else outside.append(request.url),
    )
    sign_in(page, server, "supervisor")
    for path in (
        "/",
        "/projects/",
        "/projects/jintai-railway/",
        "/towns/",
        "/blockers/",
        "/rules/",
    ):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    assert outside == []
    context.close()


def test_the_pages_break_no_rule_of_their_content_security_policy(server, browser):
    """Everything the pages need comes from guatu and runs under the strict CSP."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, server, "supervisor")
    for path in ("/", "/projects/jintai-railway/", "/bulletins/", "/intake/", "/ledger/"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{server}/projects/jintai-railway/")
    page.click("#wallchart >> text=月")
    page.locator("#wallchart svg").first.wait_for()
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"  # the switcher's script ran
    assert not violations, violations
    context.close()


TOWN_PAGES = [
    "/my/",
    "/",
    "/projects/",
    "/projects/jintai-railway/",
    "/items/",
    "/blockers/",
    "/towns/",
    "/bulletins/",
    "/escalations/",
    "/scores/",
    "/rules/",
    "/ledger/",
    "/parks/",
    "/parks/park-shizhu/",
]


def test_a_town_official_lands_on_this_weeks_reports_and_nothing_scrolls_sideways(
    server, browser, screenshots
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    assert page.url.endswith("/my/") and page.locator("h1").inner_text() == "本周待填报"
    button = page.locator("a.report-button").first
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], "first screen"
    assert box["height"] >= 44, "a thumb's size"
    assert not page.locator("nav").is_visible()
    page.screenshot(path=screenshots / "town-my-work-phone.png", full_page=True)
    page.click("label.nav-toggle-label")
    assert page.locator("nav").is_visible()
    town = page.locator("nav a", has_text="本镇街区").get_attribute("href")
    item = page.locator("a.due-name").first.get_attribute("href")
    wide = {}
    for path in [*TOWN_PAGES, town, item]:
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert not wide, wide
    context.close()
