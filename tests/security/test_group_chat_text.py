"""Text into group chats is text (issue 28, item 5).

What towns and departments type — item and project names, a blocker's
description, a reporter's name, a bulletin's number — went into the 钉钉
actionCard and 企业微信 markdown as it was, so ``[点此领取](https://evil.example/)``
arrived in the group as a link. Here a set of payloads goes through every kind
of message that reaches a robot (escalation, bulletin, report to review,
reminders, blocker alerts, 节点调整 steps), through the real services and the worker, to
loopback robot servers of both platforms, with and without @ (企业微信 then
sends text); each message received is parsed as CommonMark (markdown-it) and
must hold no link but guatu's own, no image, HTML, heading but guatu's title,
quote, code, emphasis, address a client could turn into a link, or @ but the
robot's own list.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from markdown_it import MarkdownIt

from guatu.baselines.services import adjustment_propose, adjustment_return
from guatu.common.events import BulletinPublished, publish
from guatu.investment.services import MonthFigures, monthly_review, monthly_submit, plan_set
from guatu.notify.chat import chat_line, chat_text
from guatu.notify.delivery import deliver_due
from guatu.notify.models import Channel, Delivery, Kind, Robot, Rules
from guatu.notify.services import blocker_alerts, report_reminders
from guatu.progress.services import blocker_open, report_submit
from guatu.projects.models import Project
from guatu.supervision.models import Bulletin
from guatu.supervision.services import escalation_record
from tests.notify.robots import Platform
from tests.office import office

pytestmark = pytest.mark.django_db

SITE = "https://guatu.example.gov.cn"
MOBILE = "13800000000"
#: One per line; each fits an item's name (120 characters).
PAYLOADS = [
    "[点此领取](https://evil.example/)",
    "![图](https://evil.example/x.png)",
    "https://evil.example/login 领取补贴",
    '<a href="https://evil.example/">领取</a>',
    "<https://evil.example/auto> 与 <a@evil.example>",
    "www.evil.example 和 evil.example.com/x 和 领取https://evil.example",
    "@所有人 @all <@all> <@zhangsan> @13900000000",
    "# 标题",
    "> 引用",
    "`代码` ```块```",
    "**粗体** __粗__ *斜* _斜体_ ~~删除~~",
    "&#91;钓&#93;&#40;https&#58;//evil&#46;example&#41; &lt;b&gt;",
    '<font color="warning">红字</font><img src=x onerror=alert(1)>',
    "[点我](javascript:alert(1)) [x][1]",
    "http://169.254.169.254/latest/meta-data/",
    "dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fevil.example",
]
#: A blocker's description may hold lines: block markup at the start of each, a link
#: definition (the alert quotes its first 300 characters).
DESCRIPTION = "\n".join(
    ["杆线迁改未完成", "# 标题", "> 引用", "标题二", "===", "标题三", "---", "",
     "    缩进代码", "", "- [链接](https://evil.example/)", "", "[1]: https://evil.example/ref", "",
     "[引用链接][1] [1]", *PAYLOADS]
)[:500]  # fmt: skip
WEDNESDAY = date(2019, 11, 13)  # two days before the Friday cut-off
NOON = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)

#: Anything a chat client's link finder takes for an address: a scheme, a host name, an IP.
ADDRESS = re.compile(
    r"[A-Za-z][\w+.-]*:/|(?:[\w-]+\.)+[^\W\d_][\w-]+|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
)
MENTION = re.compile(r"[@＠](\d{11})")


def _robots(city, towns, departments, ding, wecom) -> None:
    units = [{"office": True}]
    units += [{"town": town} for town in towns.values()]
    units += [{"department": department} for department in departments.values()]
    for n, unit in enumerate(units):
        for kind, base, path in (
            (Channel.DINGTALK, ding.base, "/robot/send?access_token="),
            (Channel.WECOM, wecom.base, "/cgi-bin/webhook/send?key="),
        ):
            for at in ("", MOBILE):  # 企业微信 with an @ list sends text
                Robot.objects.create(
                    city=city, kind=kind, name=f"群{n}{kind}{at}", webhook=f"{base}{path}r{n}{at}",
                    at_mobiles=at, **unit,
                )  # fmt: skip


def _every_kind(city, users, departments, make_item, project) -> None:
    """One message of each kind, every piece of text in it typed by someone."""
    Project.objects.filter(pk=project.pk).update(name="[项目](https://evil.example/p) @所有人")
    town = users["town"]
    town.full_name = "[张三](https://evil.example/u)"[:50]
    town.save(update_fields=["full_name"])
    items = [
        make_item(f"x{n}", name=text, quantity_target=Decimal(126), unit="mu")
        for n, text in enumerate(PAYLOADS)
    ]
    report_reminders(city, today=WEDNESDAY)
    for item in items:
        escalation_record(
            work_item=item, level="notice", period="2019-W46", evidence={}, issued_by=office()
        )
        report_submit(
            work_item=item, reported_by=town, reported_on=date(2019, 11, 15),
            quantity=Decimal(130), above_target=True, note="设计变更", today=date(2019, 11, 15),
        )  # fmt: skip
    blocker_open(
        actor=town, work_item=items[0], description=DESCRIPTION,
        owner_department=departments["自然资源局"], responsible_person=PAYLOADS[0],
        opened_on=date(2019, 11, 1), due_on=date(2019, 11, 18),
    )  # fmt: skip
    blocker_alerts(city, today=date(2019, 11, 15))
    request = adjustment_propose(
        actor=town, work_item=items[1], new_duration_days=12, reason="\n".join(PAYLOADS)
    )
    adjustment_return(actor=office(), adjustment=request, note=DESCRIPTION)
    invested = Project.objects.get(pk=project.pk)
    invested.responsible_town = town.town
    invested.save()
    plan_set(actor=office(), project=invested, year=2019, amount=Decimal(100))
    month = monthly_submit(
        actor=town, project=invested, year=2019, month=10, today=date(2019, 11, 15),
        figures=MonthFigures(amount=Decimal(90), progress_text=DESCRIPTION),
    )  # fmt: skip
    monthly_review(actor=office(), report=month, approve=False, note=DESCRIPTION)
    number = "[通报](https://evil.example/b) @所有人"
    bulletin = Bulletin.objects.create(
        city=city, period="2019-W46", year=2019, content={"number_text": number}
    )
    publish(BulletinPublished(bulletin))


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _markup(markdown: str) -> dict[str, list[str]]:
    """What CommonMark makes of *markdown*: links, images, HTML, headings, other markup, text."""
    found: dict[str, list[str]] = {"links": [], "images": [], "html": [], "headings": []}
    found.update({"markup": [], "text": []})
    for token in _walk(MarkdownIt("commonmark").parse(markdown)):
        if token.type == "link_open":
            found["links"].append(token.attrGet("href"))
        elif token.type == "image":
            found["images"].append(token.attrGet("src"))
        elif token.type in ("html_inline", "html_block"):
            found["html"].append(token.content)
        elif token.type == "heading_open":
            found["headings"].append(token.tag)
        elif token.type in (
            "blockquote_open", "code_inline", "code_block", "fence", "em_open", "strong_open",
            "hr",
        ):  # fmt: skip
            found["markup"].append(token.type)
        elif token.type == "text":
            found["text"].append(token.content)
    return found


def _plain_ok(text: str, at_list: list[str]) -> None:
    assert not ADDRESS.search(text), text
    assert "@" not in MENTION.sub("", text) and "<@" not in text, text
    assert set(MENTION.findall(text)) <= {*at_list, "13900000000"}, text


def _check_markdown(markdown: str, link: str, at_list: list[str]) -> None:
    found = _markup(markdown)
    assert found["links"] == ([link] if link else []), markdown
    assert found["images"] == [] and found["html"] == [] and found["markup"] == [], markdown
    assert found["headings"] == ["h3"], markdown  # guatu's title, nothing a user wrote
    text = "\n".join(found["text"])
    _plain_ok(text, at_list)
    # A mention is only guatu's, at the end: the user's "@13900000000" became "＠13900000000".
    assert [m for m in re.findall(r"@(\d{11})", text)] == at_list, markdown


def test_only_guatus_link_is_clickable_in_every_message_to_every_robot(
    city, users, towns, departments, make_item, project, settings
):
    settings.GUATU_SITE_URL = SITE
    Rules.objects.create(city=city, quiet_start=None, quiet_end=None)
    with Platform(per_minute=10**6) as ding, Platform(per_minute=10**6) as wecom:
        _robots(city, towns, departments, ding, wecom)
        _every_kind(city, users, departments, make_item, project)
        while Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            deliver_due(now=NOON, window_s=0.001)
    sent = Delivery.objects.exclude(channel=Channel.EMAIL)
    assert not sent.exclude(status=Delivery.Status.SENT).exists()
    for kind in Kind.values:  # every kind reached both platforms
        assert {Channel.DINGTALK, Channel.WECOM} <= set(
            sent.filter(kind=kind).values_list("channel", flat=True)
        ), kind
    assert len(ding.received) + len(wecom.received) == sent.count()
    ours = re.compile(re.escape(SITE) + r"/[\w/.-]*")
    seen = ""
    for token, message in ding.received:
        at_list = [MOBILE] if token.endswith(MOBILE) else []
        card = message["actionCard"]
        assert ours.fullmatch(card["singleURL"]), card
        _check_markdown(card["text"], "", at_list)
        _plain_ok(card["title"], [])
        seen += card["text"]
    for token, message in wecom.received:
        if token.endswith(MOBILE):  # text: plain, guatu's link on its last line
            content = message["text"]["content"]
            body, _, link = content.rpartition("\n")
            assert ours.fullmatch(link) and message["text"]["mentioned_mobile_list"] == [MOBILE]
            _plain_ok(body, [])
        else:
            content = message["markdown"]["content"]
            link = _markup(content)["links"][-1]
            assert ours.fullmatch(link), content
            _check_markdown(content, link, [])
        seen += content
    # The text arrived, as text (the test is not passing on empty messages).
    for shown in ("［点此领取］（https[:]//evil[.]example/）", "＠所有人", "＃ 标题", "＜a href＝"):
        assert shown in seen, shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("外迁征地 1.5km，完成80%（含临时用地）", "外迁征地 1.5km，完成80%（含临时用地）"),
        ("第3.2节 v1.2 e.g. 2019-11-15", "第3.2节 v1.2 e.g. 2019-11-15"),
        ("[点此领取](https://evil.example/)", "［点此领取］（https[:]//evil[.]example/）"),
        ("见 www.evil.example", "见 www[.]evil[.]example"),
        ("10.0.0.1 与 a.b.co", "10[.]0[.]0[.]1 与 a.b[.]co"),
        ("标题\n---\n- 一项", "标题\n－－－\n- 一项"),
        ("@所有人 <@all>", "＠所有人 ＜＠all＞"),
    ],
)
def test_what_is_kept_and_what_is_made_harmless(typed, shown):
    assert chat_text(typed) == shown


def test_a_title_is_one_line():
    assert chat_line("督办单：\n# 点此") == "督办单： ＃ 点此"


def test_a_link_that_is_not_a_path_of_the_site_is_dropped(city, towns, settings):
    """Every service links to a page of guatu; anything else never becomes the card's button."""
    from guatu.notify.services import notify

    settings.GUATU_SITE_URL = SITE
    with Platform() as wecom:
        Robot.objects.create(
            city=city, kind=Channel.WECOM, name="群", town=towns["石柱镇"],
            webhook=f"{wecom.base}/cgi-bin/webhook/send?key=k",
        )  # fmt: skip
        for n, url in enumerate(["https://evil.example/", "//evil.example/", "/\\evil.example"]):
            notify(
                city=city, kind=Kind.ESCALATION, event=f"escalation:{n}", title="督办单",
                body="请办结。", url=url, towns=[towns["石柱镇"]],
            )  # fmt: skip
        deliver_due(now=NOON)
    assert len(wecom.received) == 3
    for _token, message in wecom.received:
        assert _markup(message["markdown"]["content"])["links"] == []
