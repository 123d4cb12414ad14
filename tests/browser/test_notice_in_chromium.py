"""A town official opens a notice on the phone: the PDF opens in the browser (issue 30)."""

import pytest

from tests.browser.conftest import guatu_shell, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_notice_opens_as_a_pdf_on_a_phone(server, browser):
    pk = (
        guatu_shell(
            "from guatu.supervision.models import EscalationEvent as E;"
            "print(E.everywhere.filter(town__name='古山镇', level='notice').first().pk)"
        )
        .strip()
        .splitlines()[-1]
    )
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "town_gushan")
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    answer = page.goto(f"{server}/escalations/{pk}/notice.pdf")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline")
    assert "%E7%9D%A3%E5%8A%9E%E5%8D%95" in answer.headers["content-disposition"]  # 督办单
    assert not downloads  # shown, not saved: a bare download was what the phone got
    assert page.url.endswith("/notice.pdf")
    context.close()
