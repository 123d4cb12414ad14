"""The pages as a browser sees them: sign in with CSRF, list projects, switch language."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str = "guatu-demo-2019") -> Client:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.text
    return client


def test_the_login_page_speaks_chinese(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "登录" in response.text and "用户名" in response.text
    assert 'lang="zh-hans"' in response.text


def test_pages_need_a_signed_in_user(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_wrong_password_is_refused(demo):
    client = Client()
    response = client.post("/login/", {"username": "supervisor", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_supervisor_sees_the_demo_projects(demo):
    page = sign_in("supervisor").get("/projects/")
    assert page.status_code == 200
    for name in ("金台铁路永康段", "石柱镇小微企业园", "古山镇小微企业园"):
        assert name in page.text
    assert "小微企业园" in page.text and "重点项目" in page.text


@pytest.mark.parametrize("username", ["leader", "dept_jiaotong", "town_shizhu"])
def test_every_role_can_read_the_project_page(demo, username):
    page = sign_in(username).get("/projects/jintai-railway/")
    assert page.status_code == 200
    assert "同期交付" in page.text and "工作专班" in page.text
    assert "3户未签约" in page.text
    assert "未达成" in page.text


def test_the_task_force_lead_comes_first(demo):
    text = sign_in("leader").get("/projects/jintai-railway/").text
    # The lead, the deputy, the 五合一 (issue 34), then the members.
    assert (
        text.index("<td>组长</td>")
        < text.index("<td>副组长</td>")
        < text.index("<td>责任领导</td>")
        < text.index("<td>施工负责人</td>")
        < text.index("<td>成员</td>")
    )


def test_an_unknown_project_is_404(demo):
    assert sign_in("leader").get("/projects/no-such-project/").status_code == 404


def test_the_english_locale_is_complete_on_the_project_page(demo):
    client = sign_in("leader")
    token = client.cookies["csrftoken"].value
    client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    board = client.get("/")
    assert "Key projects dashboard" in board.text and "驾驶舱" in board.text
    page = client.get("/projects/jintai-railway/")
    assert 'lang="en"' in page.text
    assert "Task force" in page.text and "Joint delivery" in page.text
    assert "工作专班" not in page.text


def test_static_files_are_served_by_the_app(demo):
    page = sign_in("leader").get("/projects/")
    assert "/static/guatu/guatu.css" in page.text
    assert finders.find("guatu/guatu.css") is not None
    assert "http://" not in page.text and "https://" not in page.text


def test_the_railway_page_shows_its_critical_path_and_float(demo):
    text = sign_in("leader").get("/projects/jintai-railway/").text
    assert "关键线路" in text and "总时差" in text and "自由时差" in text
    chains = [part.split("</p>")[0] for part in text.split('class="critical-path"')[1:]]
    chain = next(c for c in chains if "金温铁路外迁线路工程" in c)
    assert chain.index("金温铁路外迁线路工程") < chain.index("同期交付")
    # 连接线征迁 is critical through its own time node, not on that chain.
    assert any("连接线征迁" in c and "同期交付" not in c for c in chains)
    assert 'class="critical"' in text


def test_sign_in_is_throttled_after_repeated_failures(demo):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "leader", "password": "wrong"})
    locked = client.post("/login/", {"username": "leader", "password": "guatu-demo-2019"})
    assert locked.status_code == 429 and "失败次数过多" in locked.text
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert (
        client.post("/login/", {"username": "leader", "password": "guatu-demo-2019"}).status_code
        == 302
    )


def test_pages_are_chinese_even_for_an_english_browser(db):
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.text and "登录" in page.text
