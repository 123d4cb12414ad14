"""定期通报 and 问责: contents, formats read back, numbering, the ladder once per period."""

import io
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl import load_workbook
from pypdf import PdfReader

from guatu.accounts.models import User
from guatu.core.periods import parse_period
from guatu.org.models import City
from guatu.supervision import render, render_notice
from guatu.supervision.bulletins import escalation_evidence
from guatu.supervision.models import Bulletin, EscalationEvent, Score
from guatu.supervision.services import bulletin_draft, bulletin_publish, escalation_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(demo):
    return User.objects.get(username="supervisor")


@pytest.fixture
def draft(supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return bulletin_draft(actor=supervisor, city=City.objects.get(), period_text="2019-W46")


def east_asian(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_a_draft_proposes_the_ladder_and_only_publishing_records_it(supervisor, settings, tmp_path):
    """The seen bug: drafting W46 created 8 通报批评 events that towns saw at once."""
    settings.MEDIA_ROOT = tmp_path
    city = City.objects.get()
    before = EscalationEvent.objects.filter(period="2019-W46").count()
    draft = bulletin_draft(actor=supervisor, city=city, period_text="2019-W46")
    bulletin_draft(actor=supervisor, city=city, period_text="2019-W46")
    assert EscalationEvent.objects.filter(period="2019-W46").count() == before
    proposed = [e for e in draft.content["escalations"] if not e["recorded"]]
    # One rung at a time (issue 30): items never reminded get a 提醒, not a 通报批评.
    assert proposed and {e["level_code"] for e in proposed} == {"reminder"}
    for row in proposed:
        # The reason's count is the count of red periods its own table shows, ending now;
        # the story's ladder starts in week 44, so no table goes further back.
        lights = row["evidence"]["lights"]
        run = len(lights) - len("".join("r" if x == "red" else "." for x in lights).rstrip("r"))
        assert row["evidence"]["red_periods"] == run and 1 <= run <= 3
        assert row["evidence"]["dates"][0] >= "2019-10-28"
    # A town sees neither the draft nor any proposed rung.
    town = Client()
    town.force_login(User.objects.get(username="town_shizhu"))
    assert town.get(f"/bulletins/{draft.pk}/").status_code == 404
    assert town.get(f"/bulletins/{draft.pk}/bulletin.docx").status_code == 404
    assert "2019-W46" not in town.get("/bulletins/").text
    page = town.get("/escalations/").text
    assert "通报批评" not in page
    published = bulletin_publish(actor=supervisor, bulletin=draft)
    recorded = EscalationEvent.objects.filter(period="2019-W46")
    assert recorded.count() == before + len(proposed)
    assert all(e["recorded"] for e in published.content["escalations"])
    gushan = recorded.get(work_item__project__code="park-gushan", work_item__code="wj")
    assert gushan.level == "interview"  # recorded before, not overwritten
    assert town.get(f"/bulletins/{draft.pk}/").status_code == 200
    # Drafting the period again proposes nothing new: each rung is recorded once.
    again = bulletin_draft(actor=supervisor, city=city, period_text="2019-W46")
    assert all(e["recorded"] for e in again.content["escalations"])
    bulletin_publish(actor=supervisor, bulletin=again)
    assert EscalationEvent.objects.filter(period="2019-W46").count() == recorded.count()


def test_the_content_follows_the_seed_page(draft):
    content = draft.content
    assert content["period"] == "2019-W46" and content["as_of"] == "2019-11-15"
    assert content["title"].startswith("关于永康市重点项目推进情况的通报")
    # The story's 55 work items and 龙山镇小微企业园's 34 前期 tasks (docs/PREWORK.md).
    assert sum(content["counts"].values()) == 55 + 34
    assert any(r["item"].startswith("金温铁路外迁") for r in content["red_items"])
    assert content["towns"][-1]["name"] == "古山镇"
    assert any("3户未签约" in b["description"] for b in content["blockers"])
    assert {e["level_code"] for e in content["escalations"]} >= {"interview", "reminder"}
    assert content["curves"] and len(content["curves"][0]["points"]) == 12


def test_the_word_document_follows_gb_t_9704(draft):
    document = Document(io.BytesIO(render.to_docx(draft.content)))
    section = document.sections[0]
    # Word keeps lengths in twentieths of a point: compare to a tenth of a millimetre.
    for length, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(length.mm - mm) < 0.1
    paragraphs = [p for p in document.paragraphs if p.text]
    mark, number, title = paragraphs[0], paragraphs[1], paragraphs[2]
    assert mark.text == "永康市重点项目建设管理办公室通报"
    assert east_asian(mark.runs[0]) == "方正小标宋简体"
    assert number.text == "（草稿）"
    assert east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    # Printed on several sheets, a table repeats its header and never cuts a row in two.
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    headings = [p for p in paragraphs if p.text.startswith(("一、", "二、", "三、", "四、"))]
    assert [p.text for p in headings] == [
        "一、总体情况",
        "二、镇街区序时推进排名",
        "三、部门序时推进排名",
        "四、红灯事项",
    ]
    assert all(east_asian(p.runs[0]) == "黑体" for p in headings)
    body = next(p for p in paragraphs if p.text.startswith("纳入督查"))
    assert east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert paragraphs[-1].text == "2019年11月15日"  # 成文日期 in Arabic numerals
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml
    assert document.settings.odd_and_even_pages_header_footer
    assert len(document.inline_shapes) >= 2  # lights by town, progress curves


def test_the_notice_has_the_bulletin_s_page_and_masthead(draft):
    """One GB/T 9704 page set-up and masthead for both: the 督办单 had its own, without
    the red rule under the mark."""
    bulletin = Document(io.BytesIO(render.to_docx(draft.content)))
    notice = Document(io.BytesIO(render_notice.notice_docx(EscalationEvent.objects.first())))
    for document in (bulletin, notice):
        section = document.sections[0]
        lengths = (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
            section.footer_distance,
        )
        assert [round(length.mm, 1) for length in lengths] == [210, 297, 37, 35, 28, 26, 25]
        mark = document.paragraphs[0]
        assert mark.text.startswith("永康市重点项目建设管理办公室")
        assert mark.runs[0].font.color.rgb == RGBColor(0xD9, 0x2D, 0x20)
        assert east_asian(mark.runs[0]) == "方正小标宋简体"
        rules = [
            p._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
            for p in document.paragraphs[:3]
            if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None
        ]
        assert [rule.get(qn("w:color")) for rule in rules] == ["D92D20"]


def test_the_pdf_text_extracts_as_the_right_characters(draft, tmp_path):
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(render.to_pdf(draft.content))
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    text = text.replace("\n", "")
    for words in ("永康市重点项目建设管理办公室", "一、总体情况", "黄灯", "古山镇", "3户未签约"):
        assert words in text, words
    assert not any(0x2E80 <= ord(c) <= 0x2FDF for c in text), "radicals instead of ideographs"


def test_no_printed_table_row_is_cut_across_two_sheets(draft):
    """The seen bug: the W46 accountability table put a row's level at the foot of one sheet
    and its item on the next, so the next sheet began with a row of empty cells."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    document = HTML(string=render.to_html(draft.content, standalone=True)).render()

    def body_rows(box, header=False):
        if isinstance(box, boxes.TableRowGroupBox):
            header = box.is_header  # the header row repeats on every sheet, rightly
        if isinstance(box, boxes.TableRowBox) and not header:
            yield box
        for child in getattr(box, "children", None) or []:
            yield from body_rows(child, header)

    sheets: dict[int, set[int]] = {}
    for number, page in enumerate(document.pages):
        for row in body_rows(page._page_box):
            sheets.setdefault(id(row.element), set()).add(number)
    assert len(sheets) > 20 and len(document.pages) > 2
    assert [pages for pages in sheets.values() if len(pages) > 1] == []


def test_the_excel_workbook_reads_back(draft):
    book = load_workbook(io.BytesIO(render.to_xlsx(draft.content)))
    assert book.sheetnames == [
        "镇街区", "部门", "红灯事项", "预警事项", "卡点", "问责", "目标达成概率", "进度风险",
        "节点调整", "投资月报", render.labels()["problems_sheet"],  # 问题清单
    ]  # fmt: skip
    assert list(book["节点调整"].iter_rows(values_only=True))[1][:2] == ("舟山镇", 1)
    towns = list(book["镇街区"].iter_rows(values_only=True))
    assert towns[0][:3] == ("排名", "镇街区", "序时推进率")
    assert towns[-1][1] == "古山镇" and towns[-1][2] == 0
    assert book["红灯事项"].max_row == len(draft.content["red_items"]) + 1


def test_a_long_risk_section_prints_the_least_likely_and_the_workbook_keeps_every_row(draft):
    """A city of 300 projects: the printed bulletin shows the 15 least likely deadlines and
    nodes and says how many more the attachment lists (never cut off without a word)."""
    content = dict(draft.content)
    content["risk"] = [
        {"project": f"项目{k:02d}", "target": "2020-06-30", "probability": k, "p80": "2020-09-01"}
        for k in range(20)
    ]
    content["risk_nodes"] = [
        {"project": f"项目{k:02d}", "item": f"节点{k:02d}", "node": "2020-03-31",
         "probability": k, "p80": "2020-05-01"}
        for k in range(22)
    ]  # fmt: skip
    html = render.to_html(content, standalone=True)
    assert "项目14：" in html and "项目15：" not in html
    assert "另有 5 项" in html and "另有 7 项" in html  # deadlines, then nodes
    assert "节点14" in html and "节点15" not in html
    book = load_workbook(io.BytesIO(render.to_xlsx(content)))
    assert book["目标达成概率"].max_row == 21 and book["进度风险"].max_row == 23
    assert list(book["目标达成概率"].iter_rows(values_only=True))[1] == (
        "项目00", "2020-06-30", "0%", "2020-09-01"
    )  # fmt: skip


def test_publishing_numbers_and_freezes_and_records_scores(draft, supervisor):
    published = bulletin_publish(actor=supervisor, bulletin=draft, number=46)
    assert published.content["number_text"] == "永重点办〔2019〕46号"
    assert published.docx and published.pdf and published.xlsx
    with published.docx.open("rb") as stored:
        assert Document(stored).paragraphs[1].text == "永重点办〔2019〕46号"
    with pytest.raises(ValidationError):
        bulletin_publish(actor=supervisor, bulletin=published)
    again = bulletin_draft(actor=supervisor, city=published.city, period_text="2019-W46")
    with pytest.raises(ValidationError):
        bulletin_publish(actor=supervisor, bulletin=again, number=46)
    assert bulletin_publish(actor=supervisor, bulletin=again).number == 47
    scores = Score.objects.filter(period="2019-W46")
    assert (
        scores.filter(town__name="古山镇").get().score
        < scores.filter(town__name="象珠镇").get().score
    )


def test_only_the_supervisor_drafts_publishes_and_resolves(draft, demo):
    town = User.objects.get(username="town_shizhu")
    with pytest.raises(PermissionDenied):
        bulletin_draft(actor=town, city=City.objects.get(), period_text="2019-W46")
    with pytest.raises(PermissionDenied):
        bulletin_publish(actor=town, bulletin=draft)
    event = EscalationEvent.objects.filter(period="2019-W46").first()
    with pytest.raises(PermissionDenied):
        escalation_resolve(actor=town, event=event, note="x")
    escalation_resolve(
        actor=User.objects.get(username="supervisor"), event=event, note="已约谈镇长"
    )
    event.refresh_from_db()
    assert event.resolved_at is not None


def test_the_pages(draft, demo):
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    page = client.get(f"/bulletins/{draft.pk}/")
    assert page.status_code == 200 and "一、总体情况" in page.text and "<svg" in page.text
    # 印发 first says what it will record, and asks (issue 30).
    asked = client.post(f"/bulletins/{draft.pk}/", {"number": "46"})
    assert asked.status_code == 200 and "提醒" in asked.text and 'name="confirm"' in asked.text
    assert Bulletin.objects.get(pk=draft.pk).status == "draft"
    response = client.post(f"/bulletins/{draft.pk}/", {"number": "46", "confirm": "1"})
    assert response.status_code == 302
    assert Bulletin.objects.get(pk=draft.pk).status == "published"
    word = client.get(f"/bulletins/{draft.pk}/bulletin.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    headings = {
        "reminder": "提醒函",
        "notice": "督办单",
        "interview": "约谈通知",
        "criticism": "通报批评",
    }
    # The demo's story climbs 提醒 → 督办单 → 约谈; nobody reaches 通报批评 at once.
    assert not EscalationEvent.objects.filter(level="criticism").exists()
    for level, heading in headings.items():
        event = EscalationEvent.objects.filter(level=level).first()
        if level == "criticism":
            item = EscalationEvent.objects.filter(level="interview").first().work_item
            # A fourth rung as a later bulletin would issue it, to read its notice.
            evidence = escalation_evidence(
                city=item.project.city, period=parse_period("2019-W46"), work_item=item
            )
            event = EscalationEvent.objects.create(
                work_item=item, level=level, period="2019-W47", evidence=evidence
            )
        notice = Document(io.BytesIO(client.get(f"/escalations/{event.pk}/notice.docx").content))
        lines = [p.text for p in notice.paragraphs if p.text]
        assert heading in lines[1:3]  # after the mark (and the number, when it has one)
        assert notice.paragraphs[-1].text == "2019年11月15日" or level != "criticism"
        cells = {row.cells[0].text: row.cells[1].text for row in notice.tables[0].rows}
        assert "—" not in (cells["各期灯色"], cells["欠序时（百分点）"], cells["最迟完成（倒排）"])
        assert "red" not in cells["各期灯色"] and "红灯" in cells["各期灯色"]
        assert cells["期次"].endswith("周") and cells["最近填报"].startswith("2019年")
    assert "古山镇" in client.get("/scores/?year=2019").text
    town = Client()
    town.force_login(User.objects.get(username="town_shizhu"))
    assert town.post("/bulletins/", {"period": "2019-W46"}).status_code == 403


def test_the_command_writes_every_format(tmp_path, demo):
    import os

    env = {**os.environ, "GUATU_DATA_DIR": str(tmp_path / "data")}
    env.pop("GUATU_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = [sys.executable, "-m", "guatu"]
    subprocess.run([*run, "demo"], env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run(
        [
            *run,
            "bulletin",
            "--period",
            "2019-W46",
            "--out",
            str(tmp_path),
            "--publish",
            "--number",
            "46",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "永重点办〔2019〕46号" in done.stdout
    for suffix in ("docx", "pdf", "xlsx", "html"):
        assert (tmp_path / f"bulletin-2019-W46.{suffix}").stat().st_size > 1000
    bad = subprocess.run(
        [*run, "bulletin", "--period", "2019-W99", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode != 0 and "不是有效的期次" in bad.stderr


def test_the_ladder_is_configurable(supervisor, settings):
    settings.GUATU_ESCALATION_LADDER = [(1, "notice"), (2, "criticism")]
    draft = bulletin_draft(actor=supervisor, city=City.objects.get(), period_text="2019-W46")
    levels = {e["level_code"] for e in draft.content["escalations"] if not e["recorded"]}
    assert levels == {"notice"}  # this city's first rung, for every item not on it yet


def test_a_publish_killed_mid_way_leaves_no_orphan_after_the_rerun(supervisor, settings, tmp_path):
    """A killed publish rolled its number back but left its three files; the rerun takes
    the same number and names, and used to store beside them (bulletin-2019-1_aB3x.docx)."""
    settings.MEDIA_ROOT = tmp_path
    city = City.objects.get()
    draft = bulletin_draft(actor=supervisor, city=city, period_text="2019-W46")
    stem = f"{city.document_prefix or 'bulletin'}-2019-1"
    folder = tmp_path / "bulletins"
    folder.mkdir()
    for kind in ("docx", "pdf", "xlsx"):
        (folder / f"{stem}.{kind}").write_bytes(b"left by a killed run")
    published = bulletin_publish(actor=supervisor, bulletin=draft)
    assert published.number == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{stem}.{kind}" for kind in ("docx", "pdf", "xlsx")
    )
    assert published.docx.name == f"bulletins/{stem}.docx"
    with published.docx.open("rb") as document:
        assert document.read(2) == b"PK"  # the real document, not the leftover
