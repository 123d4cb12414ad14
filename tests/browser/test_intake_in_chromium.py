"""The intake page in headless Chromium: paste the seed page, attach its time node."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SEED = Path(__file__).parents[1] / "core" / "data" / "seed-page.txt"


def test_the_supervisor_restores_a_page_and_attaches_its_time_node(server, browser, screenshots):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sign_in(page, server, "supervisor")
    page.click("nav >> text=报道摘录")
    page.fill("#id_source", "永康日报 2019-11-16 第1版")
    page.fill("#id_issue", "2019-11-16")
    page.fill("#id_text", SEED.read_text(encoding="utf-8"))
    page.click("text=还原并提取要素")
    page.wait_for_load_state("networkidle")
    restored = page.locator("section", has_text="还原后").inner_text()
    assert "以目标时限为工作底线确保无障碍施工" in restored
    assert "我市对小微企业园建设再动员再部署再推进" in restored
    changes = page.locator("p", has_text="删除重复字符").inner_text()
    assert "删除重复字符 0 个" not in changes, changes
    page.screenshot(path=screenshots / "intake-seed.png", full_page=False)
    row = page.locator("tr", has_text="2020-06-30").filter(has_text="时限")
    assert row.locator("select").input_value() == "jintai-railway", "suggested from the article"
    page.click("text=将所选要素作为依据附到项目")
    page.wait_for_load_state("networkidle")
    assert "/projects/jintai-railway/" in page.url
    evidence = page.locator("#evidence").inner_text()
    assert "具备通车条件" in evidence and "2020-06-30" in evidence
    context.close()
