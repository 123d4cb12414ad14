"""待办 in Chromium, as each role meets it on the demo: the card on the home page lists
what waits, each entry leads to where it is done, and once done it is gone (the menu
count with it). The town on a phone, the office and the leader on a desk."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def entries(page) -> dict[str, int]:
    """The 待办 card's entries: kind → count."""
    found = {}
    for row in page.locator("#todo li[data-kind]").all():
        found[row.get_attribute("data-kind")] = int(row.locator(".todo-count").inner_text())
    return found


def menu_count(page) -> int:
    badge = page.locator("nav a.todo-link .count-badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_town_reports_what_waits_and_it_is_gone(server, browser, screenshots):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    waiting = entries(page)  # other browser tests may have answered the notice already
    assert waiting["report_to_file"] == 1 and waiting["blocker_assigned"] == 1
    assert menu_count(page) == sum(waiting.values())
    page.screenshot(path=screenshots / "todo-town-phone.png", full_page=True)
    page.click("#todo li[data-kind=report_to_file] a")
    page.wait_for_load_state("networkidle")
    assert "金温铁路外迁线路工程" in page.locator("h1").inner_text()
    page.fill("#id_reported_on", "2019-11-15")
    page.fill("#id_quantity", "0.2")
    page.fill("#id_note", "线路工程已进场")
    page.click("#report button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{server}/")
    page.wait_for_load_state("networkidle")
    del waiting["report_to_file"]
    assert entries(page) == waiting
    assert menu_count(page) == sum(waiting.values())
    context.close()


def test_the_office_forwards_the_request_and_the_leader_decides_it(server, browser):
    context = browser.new_context(viewport=DESK, locale="zh-CN")
    office = context.new_page()
    sign_in(office, server, "supervisor")
    waiting = entries(office)
    assert waiting.get("adjustment_review") == 1 and waiting.get("unreported", 0) >= 1
    before = menu_count(office)
    office.click("#todo li[data-kind=adjustment_review] a")
    office.wait_for_load_state("networkidle")
    assert "待督查办审核" in office.locator("h1").inner_text()
    assert "即使批准" in office.content()  # the chain after it binds: everyone is told
    office.fill("#office-note", "情况属实，报市领导")
    office.click("button[value=review]")
    office.wait_for_load_state("networkidle")
    office.goto(f"{server}/")
    office.wait_for_load_state("networkidle")
    assert "adjustment_review" not in entries(office)
    assert menu_count(office) == before - 1

    office.click("#todo li[data-kind=unreported] a")
    office.wait_for_load_state("networkidle")
    units = office.locator("section[data-unit]").count()
    assert units >= 1
    office.click("main form button[type=submit]")
    office.wait_for_load_state("networkidle")
    assert re.search(r"已提醒 \d+ 个单位", office.locator(".message").inner_text())

    leader_context = browser.new_context(viewport=DESK, locale="zh-CN")
    leader = leader_context.new_page()
    sign_in(leader, server, "leader")
    assert entries(leader).get("adjustment_decide") == 1
    leader.click("#todo li[data-kind=adjustment_decide] a")
    leader.wait_for_load_state("networkidle")
    leader.fill("#leader-note", "同意")
    leader.click("button[value=approve]")
    leader.wait_for_load_state("networkidle")
    assert "已批准" in leader.locator("h1").inner_text()
    leader.goto(f"{server}/")
    leader.wait_for_load_state("networkidle")
    assert "adjustment_decide" not in entries(leader)
    context.close()
    leader_context.close()
