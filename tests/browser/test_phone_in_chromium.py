"""The phone rule (docs/PHONE.md), measured in headless Chromium at 390 × 844.

A town official and a department official walk every page they reach from their
menu and home page (links collected from the pages themselves: same origin, GET
only, one page per address pattern, a bounded number). On each page every visible
tap target must be at least 44 × 44 CSS px, and no table cell may break a date, a
number or a word inside it, nor wrap Chinese text a character or two per line.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
MINIMUM = 44
MAX_PAGES = 45
#: Screenshots of a few pages as the town official sees them (test-artifacts/screenshots).
SHOTS = {"/my/", "/projects/", "/blockers/", "/escalations/", "/towns/"}
#: Not pages: files, images, the admin, the API, signing out, switching the language.
SKIP = re.compile(
    r"^/(admin|api|i18n|logout|static|media|photos|reply-files|adjustment-files|healthz)(/|$)"
)

#: Run in the page: every visible tap target smaller than MINIMUM, and every table cell
#: whose text the layout breaks inside a date, number or word (or a character or two a line).
MEASURE = """
(minimum) => {
  const html = "http://www.w3.org/1999/xhtml";
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;  // nothing, or read to screen readers only
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.visibility === "hidden" || style.opacity === "0") return false;
    }
    return true;
  };
  const name = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || el.name ||
    el.type || el.tagName).trim().replace(/\\s+/g, " ").slice(0, 40);
  const small = [];
  const targets = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, label");
  for (const el of targets) {
    if (el.namespaceURI !== html || !shown(el)) continue;
    if (el.tagName === "LABEL") {
      const input = el.control;
      if (!input || !["checkbox", "radio"].includes(input.type)) continue;
    }
    let box = el.getBoundingClientRect();
    if (["checkbox", "radio"].includes(el.type)) {
      // A checkbox is tapped through its label too: the larger of the two counts.
      for (const label of el.labels || []) {
        const other = label.getBoundingClientRect();
        if (other.width * other.height > box.width * box.height) box = other;
      }
    }
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} “${name(el)}” ${size}`);
    }
  }
  const lines = (range) => {
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top)
      .sort((a, b) => a - b);
    let count = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > 4) count++;
    return count;
  };
  const broken = [];
  const word = new RegExp("\\\\d{4}-\\\\d{2}-\\\\d{2}(?: \\\\d{2}:\\\\d{2})?|" +
    "[A-Za-z0-9][A-Za-z0-9.,:%/+\\\\-]*[A-Za-z0-9%]", "g");
  const cjk = /[\\u3400-\\u9fff\\uff08\\uff09]{4,}/g;
  for (const cell of document.querySelectorAll("td, th")) {
    if (!shown(cell)) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!text.parentElement || !shown(text.parentElement)) continue;
      for (const match of text.data.matchAll(word)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        if (lines(range) > 1) broken.push(`“${match[0]}” broken in a cell`);
      }
      for (const match of text.data.matchAll(cjk)) {
        // Chinese may wrap between characters, but not a character or two a line: every
        // line of a run but its last holds four or more, the first too unless it goes on
        // a line that other words began.
        const perLine = [];
        let last = null;
        let first = null;
        for (let i = 0; i < match[0].length; i++) {
          const range = document.createRange();
          range.setStart(text, match.index + i);
          range.setEnd(text, match.index + i + 1);
          const rect = range.getBoundingClientRect();
          if (first === null) first = rect.top;
          if (last === null || rect.top - last > 4) perLine.push(0);
          perLine[perLine.length - 1]++;
          last = rect.top;
        }
        const before = document.createRange();
        before.setStart(cell, 0);
        before.setEnd(text, match.index);
        const goesOn = [...before.getClientRects()]
          .some((r) => r.width > 0 && Math.abs(r.top - first) <= 4);
        const full = perLine.slice(goesOn ? 1 : 0, -1);
        if (full.length && Math.min(...full) < 4) {
          broken.push(`“${match[0].slice(0, 12)}” wrapped ${perLine.join("/")} characters a line`);
        }
      }
    }
  }
  const links = [...document.querySelectorAll("a[href]")]
    .filter((a) => !a.hasAttribute("download"))
    .map((a) => a.href);
  const form = document.querySelector("#report form") !== null;
  return {small, broken: [...new Set(broken)], links, form};
}
"""

OPEN_MENU = "() => { const t = document.getElementById('nav-toggle'); if (t) t.checked = true; }"


def _pattern(path: str, query: str) -> str:
    """One page per pattern: ids, codes and dates become X; the first segment stays."""
    first, *rest = path.strip("/").split("/") or [""]
    rest = ["X" if re.search(r"[\d-]", part) else part for part in rest]
    keys = sorted({pair.split("=")[0] for pair in query.split("&") if pair})
    return "/".join([first, *rest]) + "?" + "&".join(keys)


def _walk(page, server: str, shots=None) -> dict[str, dict]:
    """Every page reached from their week's reports, home and the menu: its offenders, by
    address (the week's reports first, so the item page measured is one they report on)."""
    found: dict[str, dict] = {}
    seen: set[str] = set()
    queue = deque([f"{server}/my/", f"{server}/"])
    while queue and len(found) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        key = _pattern(parts.path, parts.query)
        if key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(url, wait_until="load")
        except Exception:  # a file: the browser starts a download instead of a page
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if urlsplit(page.url).path.startswith("/login"):
            continue
        # Open the phone's folded menu, so its links are measured too.
        page.evaluate(OPEN_MENU)
        result = page.evaluate(MEASURE, MINIMUM)
        found[page.url] = result
        if shots is not None and parts.path in SHOTS:
            name = parts.path.rstrip("/").replace("/", "-")
            page.screenshot(path=shots / f"phone{name}.png", full_page=True)
        for link in result["links"]:
            target = urlsplit(urljoin(page.url, link))
            if target.netloc != parts.netloc or SKIP.match(target.path):
                continue
            if "." in target.path.rsplit("/", 1)[-1]:
                continue  # a file (bulletin.pdf, notice.docx, mspdi.xml …)
            queue.append(target._replace(fragment="").geturl())
    return found


@pytest.mark.parametrize("username", ["town_shizhu", "dept_jiaotong"])
def test_every_page_a_town_or_department_reaches_fits_a_thumb(
    server, browser, screenshots, username
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    sign_in(page, server, username)
    found = _walk(page, server, screenshots if username.startswith("town") else None)
    context.close()
    paths = {urlsplit(url).path for url in found}
    assert any(result["form"] for result in found.values()), "no report form was measured"
    # The walk reached the pages a town or department official works from.
    for expected in ("/my/", "/projects/", "/blockers/", "/bulletins/", "/escalations/"):
        assert expected in paths, (expected, sorted(paths))
    for prefix in ("/items/", "/projects/", "/parks/", "/towns/", "/inbox/"):
        assert any(path.startswith(prefix) and path != prefix for path in paths) or (
            prefix in paths
        ), (prefix, sorted(paths))
    assert len(found) >= 15, sorted(paths)
    small = {url: result["small"] for url, result in found.items() if result["small"]}
    broken = {url: result["broken"] for url, result in found.items() if result["broken"]}
    lines, told = [], set()
    for url, problems in [*small.items(), *broken.items()]:
        new = [problem for problem in problems if problem not in told]  # the menu once
        told.update(new)
        if new:
            more = f" (+{len(new) - 12})" if len(new) > 12 else ""
            lines.append(f"{urlsplit(url).path}: {'; '.join(new[:12])}{more}")
    report = "\n".join(lines)
    assert not small and not broken, f"{username} at 390 px:\n{report}"


def test_a_report_from_the_phone_opens_on_the_message_and_keeps_its_photos(
    server, browser, screenshots, tmp_path
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server, "town_shizhu")
    # 石柱镇小微企业园's 组卷报批, a percentage item reported on 2019-11-15: its form as the
    # week's report button opens it (…/#report, the fragment a redirect would keep).
    page.click("label.nav-toggle-label")  # the phone's menu is folded away
    page.click("nav >> text=本镇街区")
    row = page.locator("tr", has_text="石柱镇小微企业园").filter(has_text="组卷报批")
    row.locator("a.button").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#report")
    photo = tmp_path / "现场.png"
    photo.write_bytes(_png())
    page.fill("#id_reported_on", "2030-01-01")  # refused: after today
    page.set_input_files("#id_photos", str(photo))
    page.click("#report button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator(".field.has-error").count() >= 1
    held = page.locator(".held-photos")
    assert "现场.png" in held.inner_text()
    # Correct the last report with its own figure (the demo's lights stay as they are),
    # read from the hint beside the input; the photo held from the refused try goes with it.
    hint = page.locator(".last-report").inner_text()
    figure, day = re.search(r"(\d+(?:\.\d+)?).*?(\d{4}-\d{2}-\d{2})", hint).groups()
    page.fill("#id_reported_on", day)
    field = "#id_percent" if page.locator("#id_percent").count() else "#id_quantity"
    page.fill(field, figure)
    page.select_option("#id_supersedes", index=1)
    page.fill("#id_correction_reason", "手机复核")
    page.fill("#id_note", "手机端复核填报")
    page.click("#report button[type=submit]")
    page.wait_for_load_state("load")
    message = page.locator(".message.success")
    assert "已保存填报" in message.inner_text()
    box = message.bounding_box()  # seen without scrolling, at the top of the screen
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    first = page.locator("h2:has-text('填报记录') + table tbody tr").first
    assert "手机端复核填报" in first.inner_text()
    assert first.locator("img.thumb").count() == 1
    page.screenshot(path=screenshots / "phone-report-saved.png")
    context.close()


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, "PNG")
    return out.getvalue()
