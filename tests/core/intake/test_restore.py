"""Restoring the seed page, and properties of restoration on generated pages."""

import re
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from guatu.core.intake.facts import ProjectName, page_facts
from guatu.core.intake.restore import restore

SEED = (Path(__file__).parents[1] / "data" / "seed-page.txt").read_text(encoding="utf-8")
#: Common Chinese characters (the first 600 of the CJK block will do for properties).
HAN = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 600))


def accounted(source: str, page) -> bool:
    """Every character of *source* is kept or listed as a removed duplicate, in order."""
    duplicates = {change.offset for change in page.changes if change.kind == "duplicate"}
    expected = "".join(
        ch for i, ch in enumerate(source) if i not in duplicates and not ch.isspace()
    )
    kept = re.sub(r"\s", "", "".join(text for _offset, text in page.parts()))
    return kept == expected


def test_the_seed_page_comes_out_as_its_articles():
    page = restore(SEED)
    park, railway = page.articles
    assert park.headline == "我市对小微企业园建设再动员再部署再推进"
    assert park.kicker == "紧盯工作难点 投入最强力量", "the space between the halves stays"
    assert park.byline == "□首席记者 张赤奎" and park.reporters == ["张赤奎"]
    assert park.dateline == "本报讯15日"
    assert park.paragraphs[0].startswith("本报讯15日，我市召开小微企业园建设汇报会，对小微企业园")
    assert park.paragraphs[-1].endswith("确保小微企业园建设政策红利享受最大化。")
    assert len(park.paragraphs) == 4
    assert railway.kicker == "金政在督查金台铁路项目工程时强调"
    assert railway.headline == "以目标时限为工作底线确保无障碍施工"
    assert railway.byline == "□首席记者 陈晓苏"
    assert "沿途经过我市5个镇街区的47个行政村，全线要求在2020年6月底具备通车条件。" in railway.body
    assert railway.paragraphs[-1].endswith("为经济社会高质量发展打下坚实基础。")
    (caption,) = page.captions
    assert caption.title == "垃圾分类宣传进社区"
    assert caption.photographer == "杨成栋" and caption.credit == "记者 杨成栋 摄"
    assert caption.text.startswith("14日，由市委组织部") and caption.text.endswith("讲解与宣传。")
    (teaser,) = page.teasers
    assert teaser.title == "农行视角"
    assert teaser.lines == [
        "引导鼓励企业主辅分离 全面惠及四大服务业",
        "加强重点企业培育力度",
        "23条新政加快我市",
        "现代服务业高质量发展",
    ]
    assert not page.loose
    for article in page.articles:
        for paragraph in article.paragraphs:
            assert not re.search(r"[\u4e00-\u9fff，。、] |[ ][\u4e00-\u9fff，。、]", paragraph)
    assert accounted(SEED, page)
    duplicates = "".join(c.text for c in page.changes if c.kind == "duplicate")
    assert len(duplicates) == len(
        "垃圾分类宣传进社区农行视角引导鼓励企业主辅分离全面惠及四大服务业加强重点企业培育力度23条新政加快我市现代服务业高质量发展"
    )


def test_windows_line_ends_read_the_same():
    """Browsers send a textarea's lines with CR LF."""
    windows = restore(SEED.replace("\n", "\r\n"))
    assert windows.text() == restore(SEED).text()
    assert accounted(SEED.replace("\n", "\r\n"), windows)


def test_restoring_twice_changes_nothing():
    first = restore(SEED).text()
    assert restore(first).text() == first


def test_the_seed_page_facts():
    page = restore(SEED)
    projects = (
        ProjectName("jintai-railway", ("金台铁路永康段", "金台铁路")),
        ProjectName("parks", ("小微企业园",)),
    )
    facts = page_facts(page, issue=date(2019, 11, 16), projects=projects)
    by_kind = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
    (deadline,) = by_kind["deadline"]
    assert deadline.value == "2020-06-30" and "具备通车条件" in deadline.sentence
    dates = {fact.text: fact.value for fact in by_kind["date"]}
    assert dates["15日"] == "2019-11-15" and dates["14日"] == "2019-11-14"
    assert dates["2016年7月1日"] == "2016-07-01"
    counts = {(f.value, f.detail) for f in by_kind["count"]}
    assert {("5 个", "镇街区"), ("47 个", "行政村")} <= counts
    people = {(f.detail, f.value) for f in by_kind["person"]}
    assert {("市长", "朱志杰"), ("市委书记", "金政"), ("常务副市长", "周启标")} <= people
    assert ("市领导", "朱志昂") in people
    statuses = {(f.text, f.value, f.detail) for f in by_kind["status"]}
    assert ("已全线完成交地", "done", "交地") in statuses
    assert ("稍显落后", "behind", "") in statuses
    assert {f.value for f in by_kind["project"]} == {"jintai-railway", "parks"}
    assert all(f.sentence for f in facts)


def words(low: int, high: int):
    """Text without repeated characters: real prose is never written twice in a row."""
    return st.lists(st.sampled_from(HAN), unique=True, min_size=low, max_size=high).map("".join)


@st.composite
def body_lines(draw):
    line = list(draw(words(13, 15)))
    line.insert(draw(st.integers(1, len(line) - 1)), draw(st.sampled_from("，、")))
    return "".join(line)


BODY = body_lines()


@st.composite
def pages(draw):
    """Pages in the extracted form: headline groups, bylines, justified column lines, captions."""
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        blocks.append(draw(words(6, 12)))
        blocks.append("□记者 " + draw(words(2, 3)))
        for _ in range(draw(st.integers(1, 3))):
            lines = draw(st.lists(BODY, min_size=1, max_size=4))
            lines.append(draw(words(2, 8)) + "。")
            if draw(st.booleans()):
                k = draw(st.integers(0, len(lines) - 1))
                lines[k] = " ".join(lines[k])  # letter-spaced by justification
            blocks.extend(lines)
    if draw(st.booleans()):
        title = draw(st.text(alphabet=HAN, min_size=3, max_size=8))
        blocks.append(
            draw(BODY) + "。 记者 " + draw(st.text(alphabet=HAN, min_size=2, max_size=3)) + " 摄"
        )
        blocks.append(title + title)
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=150, deadline=None)
@given(pages())
def test_nothing_is_lost_or_added_and_restoring_again_changes_nothing(source):
    page = restore(source)
    assert accounted(source, page)
    text = page.text()
    assert restore(text).text() == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=HAN[:40] + " \n。，.ab12□", max_size=200))
def test_any_text_is_accounted_for(source):
    assert accounted(source, restore(source))
