"""The command-room screen (大屏) in headless Chromium: issued by the office on its page,
shown without a session at 1920 × 1080 and 3840 × 2160 with no scrollbars, moving on
by itself, and refused once revoked.

Issue 31: it never hides the worst. Every town with work under way is ranked (or the
worst are shown with a line counting the rest), the red list says how many red items it
leaves out, the chart's text is at least 18 px at 1920 × 1080 and the project's target
is on it; a revoked link gets a dark page of its own that tries again by itself."""

import hashlib
import json
import re

import pytest

from tests.browser.conftest import guatu_shell, sign_in

pytestmark = pytest.mark.browser

#: What the screen should show, read from the server's database.
FACTS = """
import json
from guatu.accounts.models import User
from guatu.org.middleware import enter_city
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.web.dashboard import dashboard
enter_city(User.objects.get(username="supervisor"))
city = current_city_or_404()
board = dashboard(city=city)
first = Project.objects.filter(city=city).order_by("code").first()
print(json.dumps({
    "ranked": [t.name for t in board.towns if t.share is not None],
    "red": board.counts["red"],
    "project": first.name,
    "target": first.deadline.isoformat(),
}))
"""

#: The chart measured in the page: each text's size as drawn (its computed font size
#: times the SVG's scale on screen), and where the target's line and date are.
MEASURE = """target => {
  const box = document.querySelector('.s-chart-box').getBoundingClientRect();
  const texts = [...document.querySelectorAll('.s-chart-box svg text')]
    .filter(t => t.textContent.trim());
  const drawn = t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  const line = document.querySelector('.s-chart-box line.wc-target');
  const bars = line.ownerSVGElement.getBoundingClientRect();  // the bars' area, clipped
  const at = line.getBoundingClientRect();
  const date = texts.find(t => t.textContent.includes(target));
  const label = date ? date.getBoundingClientRect() : null;
  return {
    smallest: Math.min(...texts.map(drawn)),
    smallestText: texts.reduce((a, t) => drawn(t) < drawn(a) ? t : a).textContent,
    count: texts.length,
    box: [box.left, box.right, box.top, box.bottom],
    bars: [bars.left, bars.right],
    line: [at.left, at.top, at.bottom],
    label: label && [label.left, label.right, label.top, label.bottom],
  };
}"""


def facts() -> dict:
    out = guatu_shell(FACTS)
    return json.loads(next(line for line in out.splitlines()[::-1] if line.startswith("{")))


def check_towns(screen, ranked: list[str]) -> None:
    """Every ranked town in order, or the best, a line counting the rest, the worst."""
    rows = screen.locator(".s-towns tbody tr")
    names = [rows.nth(k).locator("td").nth(1).inner_text() for k in range(rows.count())]
    rest = screen.locator(".s-towns tr.s-rest")
    if rest.count() == 0:
        assert names == ranked, names
        return
    left_out = len(ranked) - (len(names) - 1)
    assert rest.inner_text().split() == ["⋮", f"其余 {left_out} 个镇街区"]
    worst = names[names.index(rest.locator("td").nth(1).inner_text()) + 1 :]
    assert worst == ranked[-len(worst) :] and ranked[-1] in worst


def check_red(screen, red: int) -> None:
    """As many red badges as there are red items, or a line saying how many more."""
    shown = screen.locator(".s-red tbody .light-red").count()
    more = screen.locator(".s-red .s-more-red")
    if shown < red:
        assert more.inner_text() == f"还有 {red - shown} 项红灯"
    else:
        assert shown == red and more.count() == 0


def test_the_office_puts_the_city_on_the_wall_and_takes_it_off(server, browser, screenshots):
    known = facts()
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = office.new_page()
    sign_in(page, server, "supervisor")
    page.click("nav >> text=大屏")
    page.fill("#id_name", "指挥中心大屏")
    page.click("button[value=create]")
    url = page.locator("code.screen-url").inner_text()
    assert re.fullmatch(rf"{server}/screen/[\w-]{{30,}}/", url)

    for size, name, scale in (
        ({"width": 1920, "height": 1080}, "fhd", 1),
        ({"width": 3840, "height": 2160}, "uhd", 2),
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
            "[...document.querySelectorAll('.s-panel table, .s-panel ul, .s-panel .s-more')]"
            ".filter(el => el.getBoundingClientRect().bottom >"
            " el.closest('.s-panel').getBoundingClientRect().bottom + 1).length"
        )
        screen.screenshot(path=screenshots / f"screen-{name}.png")
        assert cut == 0, name
        check_towns(screen, known["ranked"])
        check_red(screen, known["red"])
        chart = screen.locator(".s-chart-box > svg").bounding_box()
        assert chart["width"] > size["width"] * 0.9 and chart["height"] > size["height"] * 0.3
        assert known["project"] in screen.locator(".s-chart-box").inner_text()
        # The chart's text is drawn at 18 px or more on a 1920 × 1080 screen (twice that
        # on 3840 × 2160), and the project's target, line and date, is on the chart.
        drawn = screen.evaluate(MEASURE, known["target"])
        assert drawn["count"] > 20, drawn
        assert drawn["smallest"] >= 18 * scale, (name, drawn)
        left, right, top, bottom = drawn["box"]
        assert drawn["bars"][0] < drawn["line"][0] < min(drawn["bars"][1], right), (name, drawn)
        assert top <= drawn["line"][1] < drawn["line"][2] <= bottom + 1, (name, drawn)
        assert drawn["label"], (name, known["target"])
        assert left <= drawn["label"][0] < drawn["label"][1] <= right, (name, drawn)
        assert top <= drawn["label"][2] < drawn["label"][3] <= bottom, (name, drawn)
        wall.close()

    # It refreshes by itself, moving on to the next project.
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
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
    response = screen.goto(f"{url}?refresh=10")
    assert response.status == 403
    # Its own page: dark like the screen, saying what happened and what to do, and
    # nothing of the city.
    refused = screen.locator(".s-refused")
    assert "已被撤销或无法识别" in refused.inner_text() and "督查办" in refused.inner_text()
    background = screen.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 18, 32)", background
    assert (
        screen.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.s-refused h1')).fontSize)"
        )
        >= 36
    )
    content = screen.content()
    assert "永康" not in content and "指挥中心大屏" not in content and "金台" not in content
    screen.screenshot(path=screenshots / "screen-refused.png")
    # It tries again by itself: once the link is back in force the city comes back.
    token = url.rstrip("/").rsplit("/", 1)[1]
    digest = hashlib.sha256(token.encode()).hexdigest()
    guatu_shell(
        "from guatu.screens.models import ScreenToken\n"
        f"ScreenToken.everywhere.filter(digest='{digest}').update(revoked_at=None, revoked_by=None)"
    )
    screen.locator("h1", has_text="重点项目挂图作战").wait_for(timeout=25_000)
    assert screen.locator(".s-refused").count() == 0
    wall.close()
    office.close()


#: The map panel's turn, and the railway's segments (zx-*) with their colours.
MAP_FACTS = """
import json
from guatu.accounts.models import User
from guatu.org.middleware import enter_city
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project, WorkItem
from guatu.screens.panels import rotation
from guatu.screens.services import screen_token_create
from guatu.web.geo import MapFilters, map_features
office = User.objects.get(username="supervisor")
enter_city(office)
city = current_city_or_404()
count = Project.objects.filter(city=city).count()
turn = next(n for n in range(2 * count + 1) if rotation(n, count, with_map=True).project is None)
railway = Project.objects.get(city=city, code="jintai-railway")
codes = dict(WorkItem.objects.filter(project=railway).values_list("pk", "code"))
features = map_features(city, MapFilters(project=railway.pk))["features"]
_screen, token = screen_token_create(actor=office, name="地图大屏")
print(json.dumps({
    "turn": turn,
    "token": token,
    "segments": {
        str(p["id"]): p["colour"] for p in (f["properties"] for f in features)
        if p["kind"] == "item" and codes[p["id"]].startswith("zx-")
    },
}))
"""

#: Each segment's stroke as the browser draws it, and the smallest text as drawn.
MAP_MEASURE = """ids => {
  const box = document.querySelector('.s-map .s-chart-box > svg').getBoundingClientRect();
  const texts = [...document.querySelectorAll('.s-map svg text')].filter(t => t.textContent.trim());
  const drawn = t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  const strokes = {};
  for (const id of ids) {
    const path = document.querySelector(`.s-map path.f-item[data-id="${id}"]`);
    strokes[id] = path ? getComputedStyle(path).stroke : null;
  }
  const panel = document.querySelector('.s-map .s-chart-box').getBoundingClientRect();
  return {
    panel: [panel.width, panel.height], box: [box.width, box.height],
    smallest: Math.min(...texts.map(drawn)), strokes,
  };
}"""


def rgb(colour: str) -> str:
    red, green, blue = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_the_map_comes_round_on_the_wall_with_the_railway_in_its_lights(
    server, browser, screenshots
):
    """Issue 35: the 大屏's map panel, at its turn among the charts, draws the railway's
    segments each in its own light, its text read across the room, nothing scrolling."""
    known = json.loads(
        next(line for line in guatu_shell(MAP_FACTS).splitlines()[::-1] if line.startswith("{"))
    )
    assert len(known["segments"]) == 10
    for size, name, scale in (
        ({"width": 1920, "height": 1080}, "fhd", 1),
        ({"width": 3840, "height": 2160}, "uhd", 2),
    ):
        wall = browser.new_context(viewport=size, locale="zh-CN")
        screen = wall.new_page()
        screen.goto(f"{server}/screen/{known['token']}/?n={known['turn']}")
        screen.wait_for_load_state("networkidle")
        overflow = screen.evaluate(
            "[document.documentElement.scrollWidth - innerWidth,"
            " document.documentElement.scrollHeight - innerHeight]"
        )
        assert overflow == [0, 0], (name, overflow)
        drawn = screen.evaluate(MAP_MEASURE, list(known["segments"]))
        screen.screenshot(path=screenshots / f"screen-map-{name}.png")
        assert drawn["strokes"] == {k: rgb(v) for k, v in known["segments"].items()}, drawn
        assert len(set(drawn["strokes"].values())) >= 2
        assert drawn["box"][0] > size["width"] * 0.9 and drawn["box"][1] > size["height"] * 0.25
        assert drawn["smallest"] >= 18 * scale, (name, drawn)
        assert "金台铁路" in screen.locator(".s-map").inner_text()
        # It moves on to the next turn by itself.
        assert (
            screen.locator("meta[http-equiv=refresh]")
            .get_attribute("content")
            .endswith(f"?n={known['turn'] + 1}")
        )
        wall.close()
