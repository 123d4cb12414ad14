// guatu's only script of its own (the Content-Security-Policy allows no inline script):
// selects marked data-autosubmit send their form when changed (the language switcher).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});

// The wall chart opens on today and the project's target (both, when they fit
// side by side; today a third of the way in when they don't), on load and
// after htmx swaps in another zoom or grouping.
function placeChart(scroller) {
  const today = Number(scroller.dataset.todayX);
  const view = scroller.clientWidth - Number(scroller.dataset.labelWidth || 0);
  let left = today - view / 3;
  if (scroller.dataset.targetX !== undefined) {
    const target = Number(scroller.dataset.targetX);
    const spread = Math.abs(target - today);
    if (spread < view * 0.9) left = Math.min(today, target) - (view - spread) / 2;
  }
  scroller.scrollLeft = Math.max(0, left);
  scroller.dataset.placed = "1";
}
function placeCharts(root) {
  root.querySelectorAll(".chart-scroll[data-today-x]").forEach(placeChart);
}
document.addEventListener("DOMContentLoaded", () => placeCharts(document));
document.addEventListener("htmx:afterSettle", (event) => placeCharts(event.target.parentNode || document));

// Hovering, focusing or tapping a bar shows its plan, progress, light, float and node.
function showTip(item, x, y) {
  const chart = item.closest("#wallchart");
  const tip = chart && chart.querySelector(".wc-tip");
  if (!tip) return;
  // The bar's <title> is its tooltip without script; with script it moves into the
  // page's own tip (which a tap can open too), so the two don't show at once.
  const title = item.querySelector(":scope > title");
  if (title) {
    item.dataset.tip = title.textContent;
    item.setAttribute("aria-label", title.textContent);
    title.remove();
  }
  tip.textContent = item.dataset.tip;
  tip.hidden = false;
  if (x === undefined) {
    // From the keyboard: under the part of the bar that is on screen.
    const box = item.getBoundingClientRect();
    const bars = chart.querySelector(".wc-body").getBoundingClientRect();
    const side = chart.querySelector(".wc-side").getBoundingClientRect();
    x = Math.max(box.left, side.right);
    y = Math.min(box.bottom, bars.bottom);
  }
  const left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 4);
  const below = y + 16;
  tip.style.left = `${Math.max(4, left)}px`;
  tip.style.top = `${below + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 8 : below}px`;
}
function hideTips() {
  document.querySelectorAll(".wc-tip").forEach((tip) => { tip.hidden = true; });
}
document.addEventListener("pointerover", (event) => {
  const item = event.target.closest && event.target.closest(".wc-item");
  if (item) showTip(item, event.clientX, event.clientY);
  else if (event.pointerType === "mouse") hideTips();
});
document.addEventListener("focusin", (event) => {
  const item = event.target.closest && event.target.closest(".wc-item");
  if (item) showTip(item);
});
document.addEventListener("click", (event) => {
  const item = event.target.closest && event.target.closest(".wc-item");
  if (item) showTip(item, event.clientX, event.clientY);
  else hideTips();
});
document.addEventListener("scroll", hideTips, true);

// Buttons that undo something for others ask first (data-confirm holds the question).
document.addEventListener("submit", (event) => {
  const question = event.submitter && event.submitter.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// On a phone each table row becomes a card (guatu.css, 600 px and narrower): every
// cell carries its column's heading as data-label, read from the table's one-row head.
// A table marked .no-cards, or with a head of several rows, keeps its columns.
function labelCells(root) {
  root.querySelectorAll("table").forEach((table) => {
    const head = table.tHead;
    if (!head || head.rows.length !== 1 || table.classList.contains("no-cards")) return;
    const names = [];
    for (const th of head.rows[0].cells) {
      for (let i = 0; i < th.colSpan; i++) names.push(th.textContent.trim().replace(/\s+/g, " "));
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (cell.colSpan === 1 && names[column] && !cell.dataset.label) {
            cell.dataset.label = names[column];
          }
          column += cell.colSpan;
        }
      }
    }
    table.classList.add("cards");
  });
  root.querySelectorAll("td").forEach(keepDates);
}
// A browser may break a line after a date's hyphen ("2019-10-" / "31"): a date inside a
// cell's running text goes in a span that keeps it on one line.
const DATE = /\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?/g;
function keepDates(cell) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest(".nowrap, .date") && DATE.test(node.data)) texts.push(node);
    DATE.lastIndex = 0;
  }
  for (const text of texts) {
    const parts = document.createDocumentFragment();
    let from = 0;
    for (const match of text.data.matchAll(DATE)) {
      parts.append(text.data.slice(from, match.index));
      const span = document.createElement("span");
      span.className = "nowrap";
      span.textContent = match[0];
      parts.append(span);
      from = match.index + match[0].length;
    }
    parts.append(text.data.slice(from));
    text.replaceWith(parts);
  }
}
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:afterSettle", (event) => labelCells(event.target.parentNode || document));
