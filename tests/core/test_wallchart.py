"""The wall chart's drawing (no Django): a bar's light in any window, hover texts without
empty brackets, the P80 whisker inside the chart, Chinese date headers, whole names on
the printed sheets (issue 31)."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from guatu.core.periods import parse_period
from guatu.core.wallchart import (
    LIGHT_FILL,
    Axis,
    WallLabels,
    WallRow,
    noted,
    render_screen,
    render_svg,
    ticks,
    wrap_text,
)
from guatu.core.wallpaper import MIN_FONT_PT, SheetWords, render_sheets

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2019, 11, 15)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """Every text element's words (a wrapped one's lines joined), hover titles left out."""
    out = []
    for text in root.iter(f"{SVG}text"):
        parts = [text.text or ""] if text.text else []
        for child in text:
            if child.tag == f"{SVG}tspan":
                parts.append(child.text or "")
            parts.append(child.tail or "")
        out.append("".join(parts))
    return out


# 1. A bar carries its light's colour whatever part of it is in the window.


@pytest.mark.parametrize("light", ["red", "yellow", "green"])
def test_a_bar_shows_its_light_when_its_progress_ends_before_the_window(light):
    # Planned 2019-03-01 – 2020-03-31, 20 % done: the progress ends in 2019-05, long
    # before a window of a few weeks around today (the 大屏, or the page scrolled to today).
    row = WallRow(
        "石柱镇", "主线征地", date(2019, 3, 1), date(2020, 3, 31), percent=20.0, light=light
    )
    window = (TODAY - timedelta(days=30), TODAY + timedelta(days=60))
    chart = render_screen([row], today=TODAY, window=window, per_day=5.0)
    body = parse(chart.body)
    colour = LIGHT_FILL[light]
    visible = [
        rect
        for rect in body.iter(f"{SVG}rect")
        if rect.get("fill") == colour
        and float(rect.get("x")) + float(rect.get("width")) > 0
        and float(rect.get("x")) < chart.width - 20
    ]
    assert visible, f"no {light} in view: the bar looks grey"


def test_a_bar_not_started_stays_grey():
    row = WallRow(
        "石柱镇", "交地", date(2019, 12, 1), date(2020, 3, 31), percent=0.0, light="not_started"
    )
    body = parse(render_screen([row], today=TODAY).body)
    fills = {rect.get("fill") for rect in body.iter(f"{SVG}rect")}
    assert not fills & {LIGHT_FILL["red"], LIGHT_FILL["yellow"], LIGHT_FILL["green"]}


# 2. No empty brackets in a hover text.


def test_a_note_in_brackets_only_when_there_is_one():
    assert noted("时间节点 2020-06-30", "已逾期") == "时间节点 2020-06-30（已逾期）"
    for empty in ("", None, "  "):
        assert noted("时间节点 2020-06-30", empty) == "时间节点 2020-06-30"


# 3. The P80 whisker is drawn inside the chart; beyond it, an arrow at the edge and its date.


def p80_row(p80: date) -> WallRow:
    return WallRow(
        "石柱镇",
        "全线交地",
        date(2019, 10, 1),
        date(2019, 12, 31),
        percent=40.0,
        light="yellow",
        p80=p80,
    )


def edge(chart) -> float:
    """The chart's right edge (its last day's x) in the bars' area."""
    return chart.width - 20


def test_a_p80_inside_the_chart_ends_at_its_date():
    window = (date(2019, 9, 1), date(2020, 6, 30))
    chart = render_screen([p80_row(date(2020, 2, 29))], today=TODAY, window=window, per_day=2)
    axis = Axis(*window, 0.0, 2)
    whisker = parse(chart.body).find(f".//{SVG}line[@class='wc-p80']")
    assert float(whisker.get("x2")) == pytest.approx(axis.x(date(2020, 3, 1)), abs=0.1)
    assert "wc-p80-beyond" not in chart.body


def test_a_p80_beyond_the_window_ends_in_an_arrow_at_the_edge_with_its_date():
    window = (date(2019, 9, 1), date(2020, 1, 31))
    chart = render_screen([p80_row(date(2021, 2, 28))], today=TODAY, window=window, per_day=3)
    body = parse(chart.body)
    marker = body.find(f".//{SVG}g[@class='wc-p80-beyond']")
    assert marker is not None, "the whisker is cut at the edge without a word"
    assert "P80 2021-02-28" in texts(marker)
    right = edge(chart)
    xs = [float(v) for e in marker.iter() for k, v in e.attrib.items() if k in ("x", "x1", "x2")]
    xs += [float(n) for n in re.findall(r"[ML]([\d.]+) ", marker.find(f"{SVG}path").get("d"))]
    assert max(xs) == pytest.approx(right, abs=0.2)  # the arrow's tip on the edge, not past it
    assert min(xs) >= 0
    text = marker.find(f"{SVG}text")
    assert text.get("text-anchor") == "end" and float(text.get("x")) < right


def test_a_p80_before_the_window_is_not_drawn():
    window = (date(2020, 6, 1), date(2020, 12, 31))
    chart = render_screen([p80_row(date(2020, 2, 29))], today=TODAY, window=window, per_day=2)
    assert "wc-p80" not in chart.body


# 4. The date header in Chinese, shortened under a year band when the cells are narrow.


def test_the_divisions_are_named_in_chinese():
    assert [d.label for d in ticks(date(2019, 10, 7), date(2019, 10, 13), "week")] == [
        "2019年第41周"
    ]
    assert [d.label for d in ticks(date(2017, 4, 1), date(2017, 9, 30), "quarter")] == [
        "2017年二季度",
        "2017年三季度",
    ]
    assert [d.label for d in ticks(date(2019, 11, 1), date(2019, 12, 31), "month")] == [
        "2019年11月",
        "2019年12月",
    ]
    assert [d.label for d in ticks(date(2019, 1, 1), date(2020, 1, 1), "year")] == [
        "2019年",
        "2020年",
    ]
    # One rule: a bulletin's week and month are named the same way.
    week = ticks(date(2019, 10, 7), date(2019, 10, 13), "week")[0]
    assert parse_period("2019-W41").label() == week.label
    assert parse_period("2019-11").label() == "2019年11月"


def header_words(svg: str) -> list[str]:
    return texts(parse(svg))


@pytest.mark.parametrize(
    ("zoom", "whole", "short"),
    [("week", None, "第46周"), ("month", "2019年11月", None), ("quarter", "2019年四季度", None)],
)
def test_the_screen_s_header_reads_chinese(zoom, whole, short):
    rows = [WallRow("石柱镇", "征地", date(2019, 1, 7), date(2020, 6, 30), percent=40.0)]
    chart = render_screen(rows, today=TODAY, zoom=zoom)
    words = header_words(chart.head)
    assert not any(re.search(r"\d{2}W\d{2}|\d{4}Q\d|\d{4}-\d{2}$", w) for w in words), words
    if whole:
        assert whole in words and "2019年" not in words  # whole labels need no year band
    else:
        # A week's whole label is too long for its cell (7 px a day): 第46周 under the year.
        assert short in words and "2019年" in words and "2020年" in words
        assert chart.head_height > 46  # the year band's room


def test_the_export_puts_the_bars_under_a_taller_header():
    rows = [WallRow("石柱镇", "征地", date(2019, 9, 2), date(2020, 1, 31), percent=40.0)]
    svg = render_svg(rows, today=TODAY, zoom="week")
    chart = render_screen(rows, today=TODAY, zoom="week")
    assert f'y="{26 + chart.head_height:.0f}"' in svg


# 5. Names are whole on the printed sheets, wrapped when too long for the label column.

LONG = "主线、连接线和相关站场同期交付（具备通车条件）"
WORDS = SheetWords(labels=WallLabels(continued="（续）"))


def sheet_names(sheets: list[str]) -> list[str]:
    return [word for sheet in sheets for word in texts(parse(sheet))]


@pytest.mark.parametrize("paper", ["A3", "A1", "A0"])
@pytest.mark.parametrize("count", [27, 300])
def test_a_long_name_wraps_whole_on_paper(paper, count):
    rows = [
        WallRow(
            f"镇{k // 40}",
            f"主线征地及政策处理（第{k}标段）",
            date(2019, 3, 1),
            date(2020, 3, 31),
            percent=50.0,
            light="yellow",
        )
        for k in range(count - 1)
    ]
    rows.append(
        WallRow(
            "（全项目）",
            LONG + "，" + LONG,
            date(2020, 6, 30),
            date(2020, 6, 30),
            milestone=True,
            critical=True,
        )
    )
    sheets = render_sheets(rows, today=TODAY, paper=paper, words=WORDS)
    words = sheet_names(sheets)
    for row in rows:
        assert row.name in words, row.name
    assert not any("…" in word for word in words)
    sizes = [float(s) for sheet in sheets for s in re.findall(r'font-size="([\d.]+)"', sheet)]
    assert min(sizes) >= MIN_FONT_PT


def test_wrapping_breaks_at_good_places_and_keeps_every_character():
    lines = wrap_text(LONG, 10, 160)
    assert lines == ["主线、连接线和相关站场同期交付", "（具备通车条件）"]
    for width in (25, 40, 77, 120, 400):
        lines = wrap_text("金温铁路外迁征迁（石柱镇段）2019年第2批ABC-123", 10, width)
        assert "".join(lines) == "金温铁路外迁征迁（石柱镇段）2019年第2批ABC-123"
        assert not any(line[0] in "）、，" for line in lines[1:])
