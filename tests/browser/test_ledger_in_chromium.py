"""The 台账 page in headless Chromium: export, check, confirm; a bad file's problems."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_supervisor_exports_checks_and_imports_a_ledger(server, browser, screenshots, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, server, "supervisor")
    page.click("nav >> text=台账")
    with page.expect_download() as download:
        page.click("text=导出台账（含亮灯和倒排时间）")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.suffix == ".xlsx" and "永康市" in exported.name

    page.set_input_files("#id_file", str(exported))
    page.click("text=检查（试导入）")
    page.wait_for_load_state("networkidle")
    table = page.locator("table.table").inner_text()
    # The 63 items of the story and the 35 前期 nodes of 龙山镇小微企业园.
    assert "工作事项" in table and "98" in table, table
    page.screenshot(path=screenshots / "ledger-check.png", full_page=True)
    page.click("text=导入以上变更")
    page.wait_for_load_state("networkidle")
    assert "已导入" in page.content()

    bad = tmp_path / "石柱镇进度.csv"
    bad.write_bytes(
        "项目编码,事项编码,填报日期,累计完成\npark-shizhu,nope,2019年11月15日,3\n".encode("gbk")
    )
    page.set_input_files("#id_file", str(bad))
    page.click("text=检查并导入")
    page.wait_for_load_state("networkidle")
    problems = page.locator("ol.problems").inner_text()
    assert "第 2 行" in problems and "B（事项编码）" in problems, problems
    page.screenshot(path=screenshots / "ledger-problems.png", full_page=True)
    context.close()


def test_a_leader_sees_no_import_form(server, browser):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "leader")
    page.goto(f"{server}/ledger/")
    assert page.locator("text=下载空白模板").is_visible()
    assert page.locator("#id_file").count() == 0
    assert page.goto(f"{server}/ledger/import/").status == 403
    context.close()
