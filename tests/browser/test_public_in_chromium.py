"""公开 in Chromium: the demo's public page signed out, at a 390 px phone and at 1440 px —
nothing scrolls sideways, every link fits a thumb, no cell breaks a date, the CSP refuses
nothing and the page asks nothing of any other site; the office's page at 1440 px."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_phone_in_chromium import MEASURE, MINIMUM

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_public_page_fits_and_asks_nothing_elsewhere(server, browser, screenshots, size):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    refused, elsewhere = [], []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).netloc != urlsplit(server).netloc
            else None
        ),
    )
    for path in ("/public/", "/public/330784/2019/10/"):
        response = page.goto(f"{server}{path}", wait_until="networkidle")
        assert response.status == 200, path
        assert "金台铁路永康段" in page.content()
        assert page.evaluate(SIDEWAYS) <= 0, f"{path} scrolls sideways at {size}"
        result = page.evaluate(MEASURE, MINIMUM)
        assert not result["broken"], result["broken"]
        if size == "phone":
            assert not result["small"], result["small"]
    page.screenshot(path=screenshots / f"public-{size}.png", full_page=True)
    assert not context.cookies(), "the public page set a cookie"
    assert not refused, refused
    assert not elsewhere, elsewhere
    context.close()


def test_the_offices_page_at_a_desk(server, browser, screenshots):
    context = browser.new_context(viewport=SIZES["desk"], locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    sign_in(page, server, "supervisor")
    page.goto(f"{server}/public/manage/", wait_until="networkidle")
    text = page.inner_text("main")
    assert "建筑工程施工许可证（示例）" in text and "2019-12-10" in text
    page.screenshot(path=screenshots / "public-manage.png", full_page=True)
    context.close()
