"""The demo's 投资调度 (示例): master data, 2019 plans and January–October reports.

Every figure here is invented for illustration, as the demo's other invented figures are,
and marked 示例 where a person reads it. The seven projects show every case an office
meets: ahead of 序时 (the railway, 续建); the six parks 新开工 and still in 前期 — as their
wall charts say (开工 is their node of 2019-12-31) — so behind (开工滞后, each 前期 state
named), their spending on land and design (其他费用); a flagged month waiting for the
office (龙山); a returned report not yet corrected (西溪); a month not reported (开发区).
Everything is written through the services, as a unit and the office would.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from pypdf import PdfWriter

from guatu.accounts.models import Role, User
from guatu.investment.models import InvestmentRuleSet
from guatu.investment.services import (
    MonthFigures,
    flag_clear,
    monthly_review,
    monthly_submit,
    plan_set,
)
from guatu.projects.models import Project

YEAR = 2019
#: How a year's work is spread over January–October (春节 in February: little).
WEIGHTS = (6, 3, 9, 10, 11, 11, 10, 10, 11, 12)
TODAY = date(2019, 11, 15)


@dataclass(frozen=True)
class Story:
    code: str
    project_code: str
    builder: str
    total: int
    level: str
    category: str
    stage: str
    plan: int
    done_by_october: int  # 1–10月 cumulative
    groundbreaking: date | None = None
    town: str | None = None
    preparation: str = ""
    content: str = ""
    leader: str = ""
    flagged_october: int | None = None  # an October above half the plan: waits for the office
    returned_october: str = ""  # the office's reason for returning October
    october_missing: bool = False
    in_library: bool = True


STORIES = (
    Story(
        "jintai-railway",
        "2016-330784-53-01-000128",
        "金台铁路有限责任公司（示例）",
        285000,
        "provincial",
        "continuing",
        "building",
        60000,
        54000,
        date(2016, 12, 26),
        None,
        content="永康段线路、站房及配套工程（示例）",
        leader="王立新（示例）",
    ),
    Story(
        "park-shizhu",
        "2019-330784-65-01-102231",
        "永康市石柱镇资产经营公司（示例）",
        35000,
        "city",
        "new",
        "planning",
        8000,
        5900,
        None,
        "石柱镇",
        preparation="组卷报批中，施工图设计已完成（示例）",
        content="标准厂房12万平方米及配套（示例）",
        leader="王立新（示例）",
    ),
    Story(
        "park-gushan",
        "2019-330784-65-01-104518",
        "永康市古山镇资产经营公司（示例）",
        28000,
        "city",
        "new",
        "planning",
        3000,
        300,
        None,
        "古山镇",
        preparation="用地报批中，组卷材料已报省厅（示例）",
        content="标准厂房9万平方米（示例）",
        leader="胡志强（示例）",
    ),
    Story(
        "park-longshan",
        "2018-330784-65-01-087702",
        "永康市龙山镇资产经营公司（示例）",
        22000,
        "city",
        "new",
        "planning",
        5000,
        4600,
        None,
        "龙山镇",
        preparation="施工许可办理中（示例）",
        content="标准厂房7万平方米（示例）",
        leader="胡志强（示例）",
        flagged_october=2600,
    ),
    Story(
        "park-xiangzhu",
        "2019-330784-65-01-110934",
        "永康市象珠镇资产经营公司（示例）",
        24000,
        "county",
        "new",
        "planning",
        4000,
        2900,
        None,
        "象珠镇",
        preparation="征地、规划进行中（示例）",
        content="标准厂房8万平方米（示例）",
        leader="胡志强（示例）",
    ),
    Story(
        "park-xixi",
        "2019-330784-65-01-100417",
        "永康市西溪镇资产经营公司（示例）",
        15000,
        "county",
        "new",
        "planning",
        2500,
        2150,
        None,
        "西溪镇",
        preparation="违建拆除收尾，规划设计中（示例）",
        content="标准厂房5万平方米（示例）",
        leader="胡志强（示例）",
        returned_october="10月数与统计局联网直报数不符，请核实后更正（示例）",
    ),
    Story(
        "park-kaifaqu",
        "2018-330784-65-01-091365",
        "永康经济开发区建设投资公司（示例）",
        40000,
        "city",
        "new",
        "planning",
        9000,
        6600,
        None,
        "经济开发区",
        preparation="设计、组卷报批进行中（示例）",
        content="标准厂房15万平方米及研发楼（示例）",
        leader="王立新（示例）",
        october_missing=True,
        in_library=False,
    ),
)


def confirmation_pdf() -> bytes:
    """A blank one-page A4 PDF standing for a scanned 形象进度确认单 (示例)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "形象进度确认单（示例）"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def monthly_amounts(total: int, months: int) -> list[Decimal]:
    """*total* spread over the first *months* by ``WEIGHTS``; the last takes the rounding."""
    weights = WEIGHTS[:months]
    amounts = [
        (Decimal(total) * weight / sum(weights)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for weight in weights
    ]
    amounts[-1] += Decimal(total) - sum(amounts)
    return amounts


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def build_investment(city, users: dict[str, User]) -> None:
    """Write the demo's investment story for *city* (the 永康 demo)."""
    office = users["supervisor"]
    # The city's rules from the start of the year (rules_change refuses the past; the
    # story's rules were set then): investment is a fifth of the 督查考核 score.
    InvestmentRuleSet.objects.create(
        city=city,
        version=1,
        valid_from=date(YEAR, 1, 1),
        score_weight=Decimal(20),
        list_size=2,
        note="浙江省新开工率目标（一季度30%、二季度60%、三季度85%、10月底100%）（示例）",
        start_targets={"3": 30, "6": 60, "9": 85, "10": 100},
        created_by=office,
    )
    for story in STORIES:
        project = Project.objects.get(city=city, code=story.code)
        project.project_code = story.project_code
        project.builder = story.builder
        project.total_investment = Decimal(story.total)
        project.level, project.category, project.stage = story.level, story.category, story.stage
        project.groundbreaking = story.groundbreaking
        # The parks' 开工 is their work items' 开工 node (2019-12-31): 前期 until then.
        project.planned_groundbreaking = story.groundbreaking or date(2019, 12, 31)
        project.planned_completion = project.deadline
        project.main_content = story.content
        project.responsible_leader = story.leader
        project.preparation = story.preparation
        if story.town:
            project.responsible_town = city.towns.get(name=story.town)
        project.save()
        plan_set(actor=office, project=project, year=YEAR, amount=Decimal(story.plan))
        _months(project, story, office)


def _reporter(project: Project) -> User:
    if project.responsible_town_id is not None:
        return User.objects.get(
            role=Role.TOWN, town=project.responsible_town, username__startswith="town_"
        )
    return User.objects.get(role=Role.DEPARTMENT, department=project.owner_department_id)


def _months(project: Project, story: Story, office: User) -> None:
    reporter = _reporter(project)
    months = 9 if story.october_missing else 10
    if story.flagged_october is not None:
        # The flagged October on top of nine ordinary months.
        rest = story.done_by_october - story.flagged_october
        amounts = [*monthly_amounts(rest, 9), Decimal(story.flagged_october)]
    else:
        amounts = monthly_amounts(story.done_by_october, 10)[:months]
    for month, amount in enumerate(amounts, start=1):
        if story.groundbreaking is None:  # 前期: land, demolition, design — no works yet
            construction = equipment = Decimal(0)
        else:
            construction = (amount * Decimal("0.8")).quantize(Decimal("0.01"))
            equipment = (amount * Decimal("0.15")).quantize(Decimal("0.01"))
        report = monthly_submit(
            actor=reporter,
            project=project,
            year=YEAR,
            month=month,
            figures=MonthFigures(
                amount=amount,
                construction=construction,
                equipment=equipment,
                other=amount - construction - equipment,
                funds=(
                    ("fund_local", (amount * Decimal("0.3")).quantize(Decimal("0.01"))),
                    ("fund_bond", (amount * Decimal("0.3")).quantize(Decimal("0.01"))),
                    ("fund_self", (amount * Decimal("0.4")).quantize(Decimal("0.01"))),
                ),
                progress_text=f"{month}月：按计划推进（示例）",
                in_library=story.in_library,
                in_statistics=story.in_library,
            ),
            confirmation=ContentFile(confirmation_pdf(), name="形象进度确认单（示例）.pdf")
            if month == 1
            else None,
            today=TODAY,
            submitted_at=_at(YEAR + month // 12, month % 12 + 1, 3),
        )
        reviewed = _at(YEAR + month // 12, month % 12 + 1, 6, 15)
        if month == 10 and story.flagged_october is not None:
            continue  # waits for the office, its check open
        if month == 10 and story.returned_october:
            monthly_review(
                actor=office,
                report=report,
                approve=False,
                note=story.returned_october,
                at=reviewed,
            )
            continue
        for flag in report.flags.all():
            flag_clear(actor=office, flag=flag, note="经核实，数据属实（示例）", at=reviewed)
        monthly_review(actor=office, report=report, approve=True, at=reviewed)
