"""Load the 永康 2019 scenario into the database through the ordinary write paths.

Everything goes through the services a user's action would (links are
cycle-checked, reports unit-converted and validated), inside one transaction:
a failure leaves the database as it was.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.baselines.services import (
    adjustment_decide,
    adjustment_propose,
    adjustment_review,
    baseline_freeze,
)
from guatu.core.periods import parse_period
from guatu.core.units import convert
from guatu.demo import scenario
from guatu.demo.geometry import build_geometry
from guatu.demo.investment import build_investment
from guatu.demo.leaders import build_leaders
from guatu.demo.parks import build_parks
from guatu.demo.prework import build_prework
from guatu.demo.problems import build_problems
from guatu.demo.public import build_public
from guatu.demo.scenario import TODAY, Item, ProjectSpec
from guatu.notify.models import Robot, Rules
from guatu.org.clock import city_zone
from guatu.org.models import City, Department, Town, Village
from guatu.progress.models import Blocker, ProgressReport, StatusRuleSet
from guatu.progress.services import (
    blocker_open,
    report_submit,
)
from guatu.projects.models import Dependency, Phase, Project, TaskForceMember, WorkItem
from guatu.projects.scheduling import schedule_recalculate
from guatu.projects.services import Link, dependencies_add, joint_milestone_create, work_item_create
from guatu.supervision.bulletins import escalation_evidence
from guatu.supervision.models import EscalationEvent
from guatu.supervision.notices import notices_issue
from guatu.supervision.services import escalation_record

#: Weekly reports are kept from this Friday on; earlier work appears as one
#: opening report, as when a city starts using guatu part-way through.
WEEKLY_FROM = date(2019, 8, 2)
OPENING_REPORT = date(2019, 7, 26)
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    projects: int
    work_items: int
    reports: int
    blockers: int
    escalations: int


def demo_loaded() -> bool:
    """Return whether the scenario's city is already in the database."""
    return City.objects.filter(name=scenario.CITY[0]).exists()


def demo_build() -> DemoSummary:
    """Load the scenario unless it is already there; return what the database holds."""
    created = False
    if not demo_loaded():
        with transaction.atomic():
            _build()
        created = True
    return DemoSummary(
        created=created,
        projects=Project.objects.count(),
        work_items=WorkItem.objects.count(),
        reports=ProgressReport.objects.count(),
        blockers=Blocker.objects.count(),
        escalations=EscalationEvent.objects.count(),
    )


def _village_name(town: str, n: int) -> str:
    prefix = town[:2]
    if n <= 10:
        numeral = CHINESE_NUMERALS[n - 1]
    else:
        tens, ones = divmod(n, 10)
        numeral = ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
        numeral += CHINESE_NUMERALS[ones - 1] if ones else ""
    return f"{prefix}{numeral}村"


def _build() -> None:
    name, code = scenario.CITY
    city = City.objects.create(
        name=name,
        code=code,
        status_date=TODAY,
        office_name=scenario.OFFICE_NAME,
        document_prefix=scenario.DOCUMENT_PREFIX,
    )
    towns = {}
    for order, (town_name, kind, _suffix) in enumerate(scenario.TOWNS, start=1):
        towns[town_name] = Town.objects.create(city=city, name=town_name, kind=kind, order=order)
    villages: dict[str, list[Village]] = {}
    for town_name, count in scenario.RAILWAY_VILLAGES.items():
        villages[town_name] = [
            Village.objects.create(town=towns[town_name], name=_village_name(town_name, n))
            for n in range(1, count + 1)
        ]
    for town_name in towns:
        if town_name not in villages:
            villages[town_name] = [
                Village.objects.create(town=towns[town_name], name=_village_name(town_name, n))
                for n in range(1, 3)
            ]
    departments = {
        dept_name: Department.objects.create(city=city, name=dept_name, short_name=short)
        for dept_name, short, _suffix in scenario.DEPARTMENTS
    }
    users = _users(towns, departments)
    for spec in scenario.projects():
        _project(spec, city, towns, villages, departments, users)
    build_leaders(users, departments)
    StatusRuleSet.objects.create(
        city=city,
        version=1,
        valid_from=date(2019, 1, 1),
        # The story's ladder starts with the bulletin of week 44 (its first 提醒).
        ladder_from=date(2019, 10, 28),
        note="默认规则（银川做法）；问责梯度自2019年第44周起实行",
        created_by=users["supervisor"],
    )
    _robots(city, towns, departments)
    _blockers(departments, users["supervisor"])
    _escalations(users["supervisor"])
    _adjustments(users)
    build_investment(city, users)
    build_prework(users["supervisor"])  # after 计划开工 is set (demo.investment)
    build_problems(city, users, departments)
    build_parks(city, towns, users["supervisor"])
    build_public(city, users)  # last: it publishes what the story holds by then
    build_geometry(city, users["supervisor"])


def _adjustments(users: dict[str, User]) -> None:
    """金台铁路: its approved plan as baseline 1, one approved 节点调整 (baseline 2) and one
    awaiting the office (the red 外迁征迁 of 石柱镇 asks for a month more)."""
    project = Project.objects.get(code="jintai-railway")
    zone = city_zone(project.city)
    first = baseline_freeze(project=project, actor=users["supervisor"], name="计划批复（2016-07）")
    type(first).objects.filter(pk=first.pk).update(created_at=datetime(2016, 7, 1, 9, tzinfo=zone))
    leader = next(u for u in users.values() if u.role == Role.LEADER)
    roadbed = project.work_items.get(code="zx-tj-5")
    approved = adjustment_propose(
        actor=_answering(users, roadbed),
        work_item=roadbed,
        new_deadline=date(2020, 5, 31),
        reason="舟山镇段桥涵设计变更，需增设一处框构桥，申请明确节点为5月底。",
        evidence="设计变更批复；专题协调会纪要",
    )
    adjustment_review(actor=users["supervisor"], adjustment=approved, note="经核实属实，建议同意。")
    done = adjustment_decide(actor=leader, adjustment=approved, approve=True, note="同意。")
    # Dated in the story's week (2019-W46), as if decided then.
    when = datetime(2019, 11, 13, 16, 30, tzinfo=zone)
    type(done).objects.filter(pk=done.pk).update(
        proposed_at=when - timedelta(days=6), reviewed_at=when - timedelta(days=2), decided_at=when
    )
    type(first).objects.filter(pk=done.baseline_id).update(created_at=when)
    relocation = project.work_items.get(code="wq-zc-1")
    adjustment_propose(
        actor=_answering(users, relocation),
        work_item=relocation,
        new_deadline=date(2019, 10, 31),
        reason="剩余3户因安置房源未落实，申请节点顺延一个月。",
        evidence="石柱镇政府情况说明",
    )


def _answering(users: dict[str, User], item: WorkItem) -> User:
    """The official who answers for *item*: its town's, else its department's."""
    for user in users.values():
        if user.role == Role.TOWN and user.town_id == item.town_id:
            return user
    return next(
        u
        for u in users.values()
        if u.role == Role.DEPARTMENT and u.department_id == item.owner_department_id
    )


#: The demo's group robots point at loopback (nothing there unless you run one, e.g.
#: tests/notify/robots.py): their deliveries show in the log as retried, never sent anywhere.
DEMO_ROBOT_BASE = "http://127.0.0.1:8091"


def _robots(city: City, towns: dict[str, Town], departments: dict[str, Department]) -> None:
    Rules.objects.create(city=city)
    # The town and department of the story's first escalation, so the log has entries.
    first_town = towns.get("石柱镇") or next(iter(towns.values()))
    department = departments.get("市自然资源和规划局") or next(iter(departments.values()))
    Robot.objects.bulk_create(
        [
            Robot(
                city=city,
                office=True,
                kind="dingtalk",
                name="督查办工作群（演示）",
                webhook=f"{DEMO_ROBOT_BASE}/robot/send?access_token=demo-office",
                secret="SECdemo0000000000000000000000000000000000",
            ),
            Robot(
                city=city,
                town=first_town,
                kind="wecom",
                name=f"{first_town.name}工作群（演示）",
                webhook=f"{DEMO_ROBOT_BASE}/cgi-bin/webhook/send?key=demo-town",
            ),
            Robot(
                city=city,
                department=department,
                kind="dingtalk",
                name=f"{department.short_name or department.name}工作群（演示）",
                webhook=f"{DEMO_ROBOT_BASE}/robot/send?access_token=demo-department",
                secret="SECdemo1111111111111111111111111111111111",
            ),
        ]
    )


def _users(towns: dict[str, Town], departments: dict[str, Department]) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = make_password(scenario.PASSWORD)
    for username, role, full_name, town, department in scenario.ROLE_LOGINS:
        users[username] = user_create(
            username=username,
            password_hash=password_hash,
            role=role,
            full_name=full_name,
            town=towns[town] if town else None,
            department=departments[department] if department else None,
            # The demo's administrator is the deployment's operator as well.
            superuser=role == Role.ADMIN,
        )
    for town_name, _kind, suffix in scenario.TOWNS:
        username = f"town_{suffix}"
        if username not in users:
            users[username] = user_create(
                username=username,
                password_hash=password_hash,
                role=Role.TOWN,
                full_name=f"{town_name}联络员（演示）",
                town=towns[town_name],
            )
    for dept_name, short, suffix in scenario.DEPARTMENTS:
        username = f"dept_{suffix}"
        if username not in users:
            users[username] = user_create(
                username=username,
                password_hash=password_hash,
                role=Role.DEPARTMENT,
                full_name=f"{short}联络员（演示）",
                department=departments[dept_name],
            )
    return users


def _project(
    spec: ProjectSpec,
    city: City,
    towns: dict[str, Town],
    villages: dict[str, list[Village]],
    departments: dict[str, Department],
    users: dict[str, User],
) -> None:
    project = Project(
        city=city,
        code=spec.code,
        name=spec.name,
        programme=spec.programme,
        description=spec.description,
        start_date=spec.start,
        deadline=spec.deadline,
        owner_department=departments[spec.department],
        supervised_from=spec.start,  # the story's projects were supervised from their start
    )
    project.full_clean()
    project.save()
    for member_name, title, role, dept in spec.task_force:
        TaskForceMember.objects.create(
            project=project,
            name=member_name,
            title=title,
            role=role,
            department=departments[dept] if dept else None,
            # The demo's leader leads the railway's task force (领导包联): its 待办
            # lists the railway's red items.
            user=users.get("leader") if role == "lead" and spec.code == "jintai-railway" else None,
        )
    phases = {phase.code: phase for phase in Phase.objects.all()}
    taken: dict[str, int] = {}
    items: dict[str, WorkItem] = {}
    for order, item in enumerate(spec.items, start=1):
        town_villages = villages[item.town] if item.town else []
        start = taken.get(item.town or "", 0)
        chosen = town_villages[start : start + item.villages]
        taken[item.town or ""] = (start + item.villages) % max(len(town_villages), 1)
        items[item.code] = work_item_create(
            project=project,
            villages=chosen,
            code=item.code,
            name=item.name,
            kind=WorkItem.Kind.MILESTONE if item.milestone else WorkItem.Kind.TASK,
            phase=phases[item.phase],
            town=towns[item.town] if item.town else None,
            owner_department=departments[item.department],
            quantity_target=item.target,
            unit=item.unit,
            planned_value=item.value.quantize(Decimal("0.01")) if item.value else None,
            duration_days=item.duration,
            planned_start=item.start,
            deadline=item.deadline,
            order=order * 10,
            reschedule=False,
            actor=users["supervisor"],
        )
    dependencies_add(
        project=project,
        links=[Link(items[p], items[s], Dependency.Type(t), lag) for p, s, t, lag in spec.links],
        reschedule=False,
        actor=users["supervisor"],
    )
    for order, (code, name, deadline, branches) in enumerate(spec.joint, start=len(items) + 1):
        joint_milestone_create(
            project=project,
            code=code,
            name=name,
            deadline=deadline,
            branches=[items[b] for b in branches],
            order=order * 10,
            phase=phases["delivery"],
            owner_department=project.owner_department,
            reschedule=False,
            actor=users["supervisor"],
        )
    schedule_recalculate(project=project)
    for item in spec.items:
        _reports(item, items[item.code], users, departments)


def _report_dates(item: Item) -> list[date]:
    end = item.done_on or TODAY
    first = item.start + timedelta(days=7)
    fridays = []
    day = max(first, WEEKLY_FROM)
    day += timedelta(days=(4 - day.weekday()) % 7)
    while day <= end:
        fridays.append(day)
        day += timedelta(days=7)
    dates = fridays
    if first < OPENING_REPORT and end > OPENING_REPORT:
        dates = [OPENING_REPORT, *dates]
    if not dates or dates[-1] != end:
        dates.append(end)
    return dates


def _percent_at(item: Item, day: date) -> float:
    """Progress on *day*: a steady pace from the start, slowing near the end if asked."""
    end = item.done_on or TODAY
    final = 100.0 if item.done_on else float(item.progress or 0)
    if day >= end:
        return final
    span = max((end - item.start).days, 1)
    if item.slowdown is None:
        return final * min((day - item.start).days / span, 1.0)
    knee = end - timedelta(days=28)
    at_knee = final * item.slowdown
    if day <= knee:
        return at_knee * (day - item.start).days / max((knee - item.start).days, 1)
    return at_knee + (final - at_knee) * (day - knee).days / 28


def _reports(
    item: Item,
    work_item: WorkItem,
    users: dict[str, User],
    departments: dict[str, Department],
) -> None:
    if item.progress is None:
        return
    reporter = _reporter(item, users, departments)
    for day in _report_dates(item):
        percent = Decimal(str(_percent_at(item, day))).quantize(Decimal("0.01"))
        note = item.note if day == TODAY else ""
        if item.target is None:
            report_submit(
                work_item=work_item,
                reported_by=reporter,
                reported_on=day,
                percent=percent,
                note=note,
                today=TODAY,
                submitted_at=_stamp(day),
            )
            continue
        whole = item.unit in ("hh", "pc")
        quantity = item.target * percent / 100
        quantity = quantity.quantize(
            Decimal(1) if whole else Decimal("0.01"),
            rounding=ROUND_DOWN if whole else ROUND_HALF_EVEN,
        )
        if percent == 100:
            quantity = item.target
        unit = item.unit
        if item.report_unit:
            # As a town would write it: whole square metres, not 38093.3333.
            quantity = convert(quantity, item.unit, item.report_unit).quantize(Decimal(1))
            unit = item.report_unit
        report_submit(
            work_item=work_item,
            reported_by=reporter,
            reported_on=day,
            quantity=quantity,
            unit=unit,
            note=note,
            today=TODAY,
            submitted_at=_stamp(day),
        )


def _stamp(day: date) -> datetime:
    """When the story's report of *day* was submitted: that afternoon, city time."""
    return datetime.combine(day, time(17, 30), tzinfo=ZoneInfo("Asia/Shanghai"))


def _reporter(item: Item, users: dict[str, User], departments: dict[str, Department]) -> User:
    if item.town:
        return User.objects.get(role=Role.TOWN, town__name=item.town, username__startswith="town_")
    return User.objects.get(role=Role.DEPARTMENT, department=departments[item.department])


def _blockers(departments: dict[str, Department], supervisor: User) -> None:
    for (
        project,
        code,
        description,
        dept,
        person,
        opened,
        due,
        status,
        resolution,
    ) in scenario.BLOCKERS:
        item = WorkItem.objects.get(project__code=project, code=code)
        blocker_open(
            actor=supervisor,
            work_item=item,
            description=description,
            owner_department=departments[dept],
            responsible_person=person,
            opened_on=opened,
            due_on=due,
        )
        # Its life in the 问题清单 (交办, answers, 销号, levels) is ``demo.problems``'s.
        del status, resolution


def _escalations(supervisor: User) -> None:
    """The rungs published in the story's earlier bulletins, with the evidence of their period."""
    for project, code, level, period, reason in scenario.ESCALATIONS:
        item = WorkItem.objects.select_related("project__city").get(
            project__code=project, code=code
        )
        evidence = escalation_evidence(
            city=item.project.city, period=parse_period(period), work_item=item
        )
        event, _created = escalation_record(
            work_item=item,
            level=level,
            period=period,
            # The reason is the evidence's own (its red periods as its table shows them);
            # the story's words go beside it.
            evidence={**evidence, "note": reason},
            issued_by=supervisor,
        )
        if level == "interview":
            event.interview_at = datetime(2019, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
            event.interview_place = "市行政中心3号楼会议室"
        # Each with its notice as the bulletin of its week issued it.
        notices_issue([event], city=item.project.city, on=date.fromisoformat(evidence["as_of"]))
