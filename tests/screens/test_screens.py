"""The command-room screen (大屏): read by token, no session, nothing writable; the
office issues and revokes the tokens, and nobody else can."""

import re
from datetime import date

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.audit.models import AuditEntry
from guatu.core.limits import clamped
from guatu.core.wallchart import lines_of
from guatu.screens import views
from guatu.screens.models import ScreenToken

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def issue(name="指挥中心大屏") -> str:
    page = signed_in("supervisor").post("/screens/", {"action": "create", "name": name})
    assert page.status_code == 200
    return re.search(
        r'<code class="screen-url">http://testserver(/screen/[^<]+/)</code>', page.text
    )[1]


def test_the_office_issues_a_link_and_the_screen_shows_the_city_without_a_session(demo):
    url = issue()
    screen = ScreenToken.objects.get()
    assert screen.prefix in url and screen.digest not in url  # only the digest is kept
    page = Client().get(url)
    assert page.status_code == 200
    text = page.text
    for words in ("永康市", "红灯", "镇街区", "近期时间节点", "金台铁路永康段", "<svg"):
        assert words in text, words
    assert re.search(r'<meta http-equiv="refresh" content="180;url=/screen/[^"]+\?n=\d+">', text)
    assert "csrfmiddlewaretoken" not in text and "<form" not in text
    assert "sessionid" not in page.cookies and "csrftoken" not in page.cookies
    assert page["Cache-Control"] == "no-store"
    # Each refresh moves on to the next project; an absurd interval is bounded.
    assert "?n=1&amp;refresh=10" in Client().get(f"{url}?n=0&refresh=1").text
    assert ScreenToken.objects.get().last_seen_at is not None


def test_a_screen_can_write_nothing(demo):
    url = issue()
    for method in ("post", "put", "delete", "patch"):
        assert getattr(Client(), method)(url).status_code == 405, method


def test_a_revoked_or_unknown_token_gets_its_own_page_that_tries_again(demo):
    url = issue()
    screen = ScreenToken.objects.get()
    page = signed_in("supervisor").post("/screens/", {"action": "revoke", "screen": screen.pk})
    assert page.status_code == 200 and "已撤销" in page.text
    for address in (url, "/screen/not-a-token/", f"{url}?n=3"):
        refused = Client().get(address)
        assert refused.status_code == 403, address
        text = refused.text
        # The screen's own dark page, not the site's white one: it says what happened and
        # what to do, and loads itself again every minute.
        assert 'class="screen"' in text and "guatu/screen.css" in text, address
        assert "无权" not in text and "<nav" not in text
        assert "已被撤销或无法识别" in text and "督查办" in text, address
        assert '<meta http-equiv="refresh" content="60">' in text
        assert refused["Cache-Control"] == "no-store"
        # Nothing of the city, the screen or the link.
        for secret in ("永康", "金台铁路", "石柱镇", screen.name, screen.prefix, "not-a-token"):
            assert secret not in text, (address, secret)
    # A screen asked to refresh faster tries again as fast (bounded like the screen itself).
    assert 'content="10"' in Client().get(f"{url}?refresh=1").text
    assert AuditEntry.objects.filter(action="screen_token_revoke", allowed=True).count() == 1
    refusals = AuditEntry.objects.filter(action="screen_view", allowed=False).order_by("id")
    assert [(r.target_id, r.detail["revoked"]) for r in refusals][:2] == [
        (str(screen.pk), True),
        ("", False),
    ]
    assert not any("not-a-token" in str(r.detail) for r in refusals)
    # Back in force (the revocation undone), the same address shows the city again.
    ScreenToken.everywhere.filter(pk=screen.pk).update(revoked_at=None, revoked_by=None)
    assert Client().get(url).status_code == 200


def panel(text: str, name: str) -> str:
    return re.search(rf'<section class="s-panel s-{name}".*?</section>', text, re.S)[0]


def cells(text: str) -> list[list[str]]:
    """The body rows of the first table in *text*, each cell's text."""
    body = re.search(r"<tbody>(.*?)</tbody>", text, re.S)[1]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def board():
    from guatu.common.scope import scoped_to
    from guatu.org.models import City
    from guatu.web.dashboard import dashboard

    city = City.objects.get()
    with scoped_to((city.pk,)):  # as the office's request is, and left afterwards
        return dashboard(city=city)


def test_every_town_is_ranked_and_the_worst_always_shown(demo, monkeypatch):
    """The demo's ten towns with work under way all fit (the 大屏 used to show the best
    eight, leaving out 江南街道 and 古山镇); the five with none are counted."""
    url = issue()
    standings = board().towns
    ranked = [t.name for t in standings if t.share is not None]
    idle = len(standings) - len(ranked)
    assert len(ranked) == 10 and idle == 5
    towns = panel(Client().get(url).text, "towns")
    rows = cells(towns)
    assert [row[1] for row in rows] == ranked
    assert [row[0] for row in rows] == [str(k) for k in range(1, 11)]
    assert f"另有 {idle} 个镇街区暂无在建事项" in towns

    # Less room: the best one, a line for those left out, then the worst to the last.
    monkeypatch.setitem(views.LIST_ROWS, "towns", 5)
    rows = cells(panel(Client().get(url).text, "towns"))
    assert [row[:2] for row in rows] == [
        ["1", ranked[0]],
        ["⋮", "其余 6 个镇街区"],
        ["8", ranked[7]],
        ["9", ranked[8]],
        ["10", ranked[9]],
    ]


def test_the_red_list_says_how_many_red_and_yellow_it_leaves_out(demo, monkeypatch):
    url = issue()
    counts = board().counts
    red, yellow = counts["red"], counts["yellow"]
    assert red > views.LIST_ROWS["attention"] - 3 and yellow  # the demo: 10 and 10
    for rows in (views.LIST_ROWS["attention"], 6, 3):
        monkeypatch.setitem(views.LIST_ROWS, "attention", rows)
        text = panel(Client().get(url).text, "red")
        shown = cells(text)
        assert len(shown) == rows
        shown_red = sum(row[0] == "红灯" for row in shown)
        shown_yellow = sum(row[0] == "黄灯" for row in shown)
        assert shown_red == min(red, rows)  # red first
        if red > shown_red:
            assert f">还有 {red - shown_red} 项红灯<" in text, rows
        else:
            assert "项红灯<" not in text
        assert f">还有 {yellow - shown_yellow} 项黄灯<" in text, rows
    monkeypatch.setitem(views.LIST_ROWS, "attention", red + yellow)
    text = panel(Client().get(url).text, "red")
    assert len(cells(text)) == red + yellow and "还有" not in text


def test_the_chart_shows_each_project_to_its_target_in_large_text(demo):
    """Every project's chart reaches its target; no text under 19 px at 1920 wide."""
    from guatu.projects.models import Project
    from guatu.screens.chart import WIDTH
    from guatu.screens.panels import rotation

    url = issue()
    projects = list(Project.objects.order_by("code"))
    # The turn of each project's chart: the map comes round among them (test_screen_map).
    turns = rotation(0, len(projects), with_map=True).turns
    turn_of = {rotation(n, len(projects), with_map=True).project: n for n in range(turns)}
    for k, project in enumerate(projects):
        n = turn_of[k]
        text = Client().get(f"{url}?n={n}").text
        svg = re.search(r'<div class="s-chart-box">(<svg.*?</svg>)</div>', text, re.S)[1]
        assert project.name in svg
        assert f'width="{WIDTH}"' in svg
        sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
        assert sizes and min(sizes) >= 19, (project.code, min(sizes))
        # The target's line lies inside the bars' area (the piece it is drawn in).
        bars = re.search(
            r'<svg x="(\d+)" y="[\d.]+" width="(\d+)"[^>]*>(?:(?!</svg>).)*wc-target', svg, re.S
        )
        target = float(re.search(r'class="wc-target" x1="([-\d.]+)"', svg)[1])
        assert 0 < target < float(bars[2]), (project.code, target)
        assert f"{project.deadline.isoformat()}" in svg, project.code


@pytest.mark.parametrize(
    "target",
    [date(2020, 6, 30), date(2019, 3, 31), date(2019, 11, 20), date(2023, 12, 31),
     date(9999, 12, 31), None],
)  # fmt: skip
def test_any_target_is_on_the_chart(target):
    """Near or far, passed or ahead, even stored beyond the bounds: the target is in view."""
    from guatu.core.wallchart import WallLabels, WallRow
    from guatu.screens.chart import LINES, screen_chart, urgent_rows

    today = date(2019, 11, 15)
    rows = [
        WallRow(f"镇{k % 4}", f"事项{k}", date(2019, 9, 1), date(2020, 3, 1), light=light)
        for k, light in enumerate(["green", "red", "yellow", "green", "red", ""] * 4)
    ]
    kept = urgent_rows(rows)
    assert len(lines_of(kept)) <= LINES and all(row.light == "red" for row in kept[:2])
    svg = screen_chart(kept, today=today, target=target, labels=WallLabels(target="目标"))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) >= 19
    if target is None:
        assert "wc-target" not in svg
        return
    bars = re.search(
        r'<svg x="\d+" y="\d+" width="(\d+)"[^>]*>(?:(?!</svg>).)*wc-target', svg, re.S
    )
    x = float(re.search(r'class="wc-target" x1="([-\d.]+)"', svg)[1])
    assert 0 < x < float(bars[1]), (target, x)
    assert f"目标 {clamped(target).isoformat()}" in svg


def test_the_chart_and_lists_keep_their_rules_on_any_data():
    import doctest

    from guatu.screens import chart, panels

    for module in (chart, panels):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("username", ["leader", "town_shizhu", "dept_jiaotong"])
def test_only_the_office_manages_screens(demo, username):
    url = issue()
    screen = ScreenToken.objects.get()
    client = signed_in(username)
    assert client.get("/screens/").status_code == 403
    assert client.post("/screens/", {"action": "create", "name": "x"}).status_code == 403
    assert client.post("/screens/", {"action": "revoke", "screen": screen.pk}).status_code == 403
    assert ScreenToken.objects.count() == 1 and ScreenToken.objects.get().active
    assert Client().get(url).status_code == 200
    assert Client().get("/screens/").status_code == 302  # to the login page


def test_a_screen_needs_a_name(demo):
    page = signed_in("supervisor").post("/screens/", {"action": "create", "name": "  "})
    assert page.status_code == 422 and "为大屏命名" in page.text
    assert not ScreenToken.objects.exists()


def test_a_refused_link_left_on_a_wall_is_audited_once_an_hour(demo):
    """Its page asks again every minute: a screen left on would write 1,440 rows a day."""
    before = AuditEntry.everywhere.filter(action="screen_view", allowed=False).count()
    for _ in range(3):
        assert Client().get("/screen/not-a-real-link/").status_code == 403
    after = AuditEntry.everywhere.filter(action="screen_view", allowed=False).count()
    assert after == before + 1
