"""The command-room screen (大屏) in headless Chromium: issued by the office on its page,
shown without a session at 1920 × 1080 and 3840 × 2160 with no scrollbars, moving on
by itself, and refused once revoked."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_office_puts_the_city_on_the_wall_and_takes_it_off(server, browser, screenshots):
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = office.new_page()
    sign_in(page, server, "supervisor")
    page.click("nav >> text=大屏")
    page.fill("#id_name", "指挥中心大屏")
    page.click("button[value=create]")
    url = page.locator("code.screen-url").inner_text()
    assert re.fullmatch(rf"{server}/screen/[\w-]{{30,}}/", url)

    for size, name in (
        ({"width": 1920, "height": 1080}, "fhd"),
        ({"width": 3840, "height": 2160}, "uhd"),
    ):
        wall = browser.new_context(viewport=size, locale="zh-CN")
        screen = wall.new_page()
        screen.goto(url)
        screen.wait_for_load_state("networkidle")
        assert "重点项目挂图作战" in screen.locator("h1").inner_text()
        overflow = screen.evaluate(
            "[document.documentElement.scrollWidth - innerWidth,"
            " document.documentElement.scrollHeight - innerHeight]"
        )
        assert overflow == [0, 0], (name, overflow)
        # Every panel shows all it holds: nothing is cut off at the bottom.
        cut = screen.evaluate(
            "[...document.querySelectorAll('.s-panel table, .s-panel ul')]"
            ".filter(el => el.getBoundingClientRect().bottom >"
            " el.closest('.s-panel').getBoundingClientRect().bottom + 1).length"
        )
        screen.screenshot(path=screenshots / f"screen-{name}.png")
        assert cut == 0, name
        chart = screen.locator(".s-chart-box > svg").bounding_box()
        assert chart["width"] > size["width"] * 0.5 and chart["height"] > size["height"] * 0.2
        screen.screenshot(path=screenshots / f"screen-{name}.png")
        wall.close()

    # It refreshes by itself, moving on to the next project.
    wall = browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = wall.new_page()
    screen.goto(f"{url}?refresh=10")
    screen.wait_for_url(re.compile(r"\?n=1&refresh=10$"), timeout=20_000)
    # Revoked on the office's page, the screen is refused at its next load.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button[value=revoke]")
    assert "撤销“指挥中心大屏”的链接" in asked[0]
    assert "使用中" in page.locator("table").inner_text()  # dismissed: nothing changed
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[value=revoke]")
    assert "已撤销" in page.locator("table").inner_text()
    response = screen.goto(url)
    assert response.status == 403
    wall.close()
    office.close()
