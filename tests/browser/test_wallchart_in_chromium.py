"""The wall chart on screen, in headless Chromium: it opens on today and the target at
every zoom, the labels and the date header stay while the bars scroll, the header
names its dates in Chinese, and a bar tells its story when hovered or tapped."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
DESK = {"width": 1440, "height": 900}


def in_view(page, selector: str) -> bool:
    """Whether the element's box lies inside the chart's scrolling window."""
    box = page.locator(selector).first.bounding_box()
    window = page.locator("#wallchart .chart-scroll").bounding_box()
    side = page.locator("#wallchart .wc-side").bounding_box()
    assert box is not None and window is not None and side is not None
    return side["x"] + side["width"] <= box["x"] <= window["x"] + window["width"]


def test_the_chart_opens_on_today_and_keeps_its_labels(server, browser, screenshots):
    context = browser.new_context(viewport=DESK, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server, "leader")
    page.goto(f"{server}/projects/jintai-railway/")
    page.wait_for_load_state("networkidle")
    page.locator("#wallchart").scroll_into_view_if_needed()
    # The header's words at each zoom (issue 31: not 19W41, 2017Q2, 2019-11).
    header = {"周": r"^第\d+周$", "月": r"^\d{4}年\d+月$", "季度": r"^\d{4}年[一二三四]季度$"}
    for zoom in ("周", "月", "季度", "月"):
        page.click(f"#wallchart .chart-controls >> text={zoom}")
        page.locator("#wallchart .chart-controls a.active", has_text=zoom).first.wait_for()
        page.locator("#wallchart .chart-scroll[data-placed]").wait_for()
        words = page.locator("#wallchart .wc-head text").all_text_contents()
        assert any(re.match(header[zoom], word) for word in words), (zoom, words)
        assert not any(re.search(r"\d{2}W\d{2}|\d{4}Q\d", word) for word in words), words
        if zoom == "周":  # the weeks are named under a band naming their years
            assert {"2019年", "2020年"} <= set(words), words
        assert in_view(page, "#wallchart .wc-body line.wc-today"), zoom
        if zoom != "周":  # a week is 7 px a day: the target (2020-06-30) is months away
            assert in_view(page, "#wallchart .wc-body line.wc-target"), zoom
    page.click("#wallchart .chart-controls >> text=环节")
    page.locator("#wallchart .chart-controls a.active", has_text="环节").first.wait_for()
    page.locator("#wallchart .chart-scroll[data-placed]").wait_for()
    assert in_view(page, "#wallchart .wc-body line.wc-today"), "grouped by phase"
    page.click("#wallchart .chart-controls >> text=镇街区")
    page.locator("#wallchart .chart-controls a.active", has_text="镇街区").first.wait_for()
    page.locator("#wallchart .chart-scroll[data-placed]").wait_for()
    page.locator("#wallchart").screenshot(path=screenshots / "wallchart-railway.png")
    # Scrolled to the far right and down, the labels and the dates are still there.
    side_before = page.locator("#wallchart .wc-side").bounding_box()
    page.locator("#wallchart .chart-scroll").evaluate(
        "el => { el.scrollLeft = el.scrollWidth; el.scrollTop = el.scrollHeight; }"
    )
    side_after = page.locator("#wallchart .wc-side").bounding_box()
    head = page.locator("#wallchart .wc-head").bounding_box()
    window = page.locator("#wallchart .chart-scroll").bounding_box()
    assert abs(side_after["x"] - side_before["x"]) < 1
    assert abs(head["y"] - window["y"]) < 2
    label = page.locator("#wallchart .wc-side text", has_text="主线征地及政策处理").first
    box = label.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.wc-side') !== null",
        [box["x"] + 5, box["y"] + box["height"] / 2],
    )
    assert hit or not label.is_visible()
    page.locator("#wallchart").screenshot(path=screenshots / "wallchart-scrolled.png")
    context.close()


def test_a_bar_tells_its_plan_progress_light_float_and_node(server, browser, screenshots):
    context = browser.new_context(viewport=DESK, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server, "leader")
    page.goto(f"{server}/projects/jintai-railway/")
    page.wait_for_load_state("networkidle")
    bar = page.locator(
        "#wallchart .wc-item", has=page.locator("title", has_text="主线路基桥涵工程（石柱镇段）")
    ).first
    bar.scroll_into_view_if_needed()
    bar.hover()
    tip = page.locator("#wallchart .wc-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    for words in ("主线路基桥涵工程（石柱镇段）", "计划", "已报", "序时", "灯色", "总时差"):
        assert words in text, words
    page.locator("#wallchart").screenshot(path=screenshots / "wallchart-tip.png")
    context.close()


def test_a_phone_taps_a_bar(server, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    page.goto(f"{server}/projects/jintai-railway/")
    page.locator("#wallchart .chart-scroll[data-placed]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert in_view(page, "#wallchart .wc-body line.wc-today")
    bar = page.locator("#wallchart .wc-item").first
    bar.scroll_into_view_if_needed()
    bar.tap()
    page.locator("#wallchart .wc-tip").wait_for(state="visible")
    context.close()
