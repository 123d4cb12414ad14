"""The printed wall chart, read back from the PDF: it fills the sheet, keeps clear of the
edges, never sets text below 7 pt, tiles when the rows need more sheets, and its
Chinese extracts.

The 金台铁路 project comes through the web export (the demo city); the 2,000-item
project is a list of rows drawn by the same code, so the test needs no database.
"""

import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.core.wallchart import WallLabels, WallRow
from guatu.core.wallpaper import MARGIN_MM, MIN_FONT_PT, PAPER_MM, SheetWords, render_sheets
from guatu.web.pdf import svgs_to_pdf

MM = 72 / 25.4


def read_back(pdf: bytes) -> list[dict]:
    """Per page: its size in mm, the smallest font, the nearest text to an edge (mm),
    how much of the printable area the content covers, and the text."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            width, height = page.width, page.height
            chars = page.chars
            drawn = [
                o
                for o in [*page.rects, *page.lines, *page.curves, *chars]
                # The white sheet behind everything is not content.
                if not (o["x0"] <= 1 and o["top"] <= 1 and o["x1"] >= width - 1)
            ]
            x0 = min(o["x0"] for o in drawn)
            x1 = max(o["x1"] for o in drawn)
            top = min(o["top"] for o in drawn)
            bottom = max(o["bottom"] for o in drawn)
            printable = (width - 2 * MARGIN_MM * MM) * (height - 2 * MARGIN_MM * MM)
            pages.append(
                {
                    "mm": (round(width / MM), round(height / MM)),
                    "smallest": min(c["size"] for c in chars),
                    "edge": min(
                        min(c["x0"], c["top"], width - c["x1"], height - c["bottom"]) for c in chars
                    )
                    / MM,
                    "cover": (x1 - x0) * (bottom - top) / printable,
                    "outside": min(x0, top, width - x1, height - bottom) / MM,
                    # Without spaces: the extraction spaces CJK and digits as it guesses.
                    "text": "".join(page.extract_text().split()),
                }
            )
    return pages


def assert_hangs(pages: list[dict], paper: str) -> None:
    for number, page in enumerate(pages, start=1):
        assert page["mm"] == PAPER_MM[paper], number
        assert page["smallest"] >= MIN_FONT_PT - 0.01, (number, page["smallest"])
        assert page["edge"] >= MARGIN_MM, (number, page["edge"])
        assert page["outside"] >= MARGIN_MM - 0.01, (number, page["outside"])
        assert page["cover"] >= 0.85, (number, page["cover"])
        assert "挂图作战" in page["text"], number
        assert f"第{number}/{len(pages)}张" in page["text"], number


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["A3", "A1", "A0"])
def test_the_railway_chart_fills_one_sheet(demo, paper):
    leader = Client()
    leader.force_login(User.objects.get(username="leader"))
    response = leader.get(f"/projects/jintai-railway/wallchart.pdf?paper={paper}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = read_back(response.content)
    assert len(pages) == 1
    assert_hangs(pages, paper)
    text = pages[0]["text"]
    for words in ("金台铁路永康段", "永康市", "数据日期", "2019年11月15日", "主线征地及政策处理"):
        assert words in text, words
    assert "关键线路" in text and "今天" in text and "目标" in text  # the legend
    preview(response.content, f"wallchart-railway-{paper}")


def label_column(pdf: bytes) -> list[str]:
    """Per page, the text of the label column (left of the line that parts it from the bars),
    its lines joined without spaces or line breaks: a wrapped name reads whole."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            # The column's right edge: the leftmost vertical line running most of the page
            # (from the date header down; today's and the target's lines start lower).
            parting = min(
                line["x0"]
                for line in page.lines
                if abs(line["x0"] - line["x1"]) < 0.5
                and line["bottom"] - line["top"] > page.height / 2
            )
            column = page.crop((0, 0, parting - 0.5, page.height))
            out.append("".join(column.extract_text().split()))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["A3", "A1", "A0"])
def test_no_name_is_cut_on_the_printed_sheets(demo, paper):
    """Every item's and milestone's name reads whole in the printed label column: a name
    too long for it wraps (the key milestone's is the longest) instead of ending in …"""
    from guatu.projects.models import WorkItem

    leader = Client()
    leader.force_login(User.objects.get(username="leader"))
    response = leader.get(f"/projects/jintai-railway/wallchart.pdf?paper={paper}")
    assert response.status_code == 200
    column = "".join(label_column(response.content))
    names = list(
        WorkItem.objects.filter(project__code="jintai-railway").values_list("name", flat=True)
    )
    assert "主线、连接线和相关站场同期交付（具备通车条件）" in names
    cut = [name for name in names if "".join(name.split()) not in column]
    assert not cut, cut
    assert "…" not in column


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def preview(pdf: bytes, name: str) -> None:
    """A PNG of the first sheet beside the browser screenshots, to look at (poppler)."""
    if shutil.which("pdftoppm") is None:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            SCREENSHOTS / name,
        ],
        input=pdf,
        check=True,
        timeout=60,
    )


def big_project(count: int) -> list[WallRow]:
    start = date(2019, 1, 2)
    rows = []
    for k in range(count):
        begin = start + timedelta(days=(k * 13) % 400)
        rows.append(
            WallRow(
                group=f"镇{k % 20:02d}",
                name=f"工作事项{k:04d}（第{k % 7 + 1}标段）",
                start=begin,
                finish=begin + timedelta(days=20 + (k * 37) % 200),
                percent=float(k % 101),
                light=("green", "yellow", "red", "done")[k % 4],
                critical=k % 9 == 0,
                deadline=begin + timedelta(days=250) if k % 5 == 0 else None,
                flag="overdue" if k % 10 == 0 else "",
            )
        )
    return sorted(rows, key=lambda row: row.group)


WORDS = SheetWords(
    title="重点项目000 — 挂图作战图",
    facts=("基准市", "数据日期 2019年11月15日", "发文：重点项目建设管理办公室"),
    sheet="第 %(page)s/%(pages)s 张",
    tiled="共 %(pages)s 张拼贴，本张第 %(first)s–%(last)s 行，共 %(total)s 行",
    labels=WallLabels(title="挂图", today="今天", target="目标", continued="（续）"),
)


@pytest.mark.parametrize("paper", ["A3", "A1"])
def test_a_2000_item_project_tiles_across_sheets(paper):
    rows = big_project(2000)
    sheets = render_sheets(
        rows, today=date(2019, 11, 15), paper=paper, words=WORDS, target=date(2020, 12, 31)
    )
    pdf = svgs_to_pdf(sheets)
    pages = read_back(pdf)
    assert len(pages) == len(sheets) > 1
    assert_hangs(pages, paper)
    # Every item is on exactly one sheet, and every sheet says which rows it holds.
    names = [row.name for row in rows]
    text = "".join(page["text"] for page in pages)
    assert all(name in text for name in names[::97])
    first = 1
    for page in pages:
        assert "共2000行" in page["text"]
        assert f"本张第{first}–" in page["text"]
        first = int(page["text"].split(f"本张第{first}–")[1].split("行")[0]) + 1
    assert first == 2001
    # A sheet that starts inside a town names the town again.
    assert any("（续）" in page["text"] for page in pages[1:])
    preview(pdf, f"wallchart-2000-items-{paper}")


def test_sixty_rows_fit_one_a1_sheet():
    sheets = render_sheets(
        big_project(60), today=date(2019, 11, 15), paper="A1", words=WORDS, target=None
    )
    assert len(sheets) == 1
    assert_hangs(read_back(svgs_to_pdf(sheets)), "A1")
