"""The demo's 问题清单 on 2019-11-15: a problem at every level and of every colour.

The story's 卡点 (``scenario.BLOCKERS``) get the life they had before the demo's day —
written as history, with the dates they happened on, the way a ledger brings in a past —
and a few more problems show what the office meets on a Friday: one reported and not yet
交办, one answered and waiting for its 核实, one returned, one overdue and proposed for
the next level, one at level 3 waiting for its leader's 批示, one at level 4 with its
批示, and the 前期 nodes that slipped (``problems.prework``).

| problem | level | colour | state |
|---|---|---|---|
| 金温铁路外迁石柱镇段3户未签约 | 2 | red (due 11-10) | proposed for level 3 (overdue) |
| 前仓镇段2处坟墓迁移… | 1 | yellow (answer returned) | open |
| 永康南站站场改造… | 1 | — | closed 10-20 |
| 古山镇小微企业园地块5户违建… | 3 | red (10-31) | asks for level 4; waits for a 批示 |
| 正线土建4标临时用地指标不足 | 4 | blue (due 11-20) | 批示 given |
| 石柱镇小微企业园电力接入方案未批复 | 1 | — | answered, to verify |
| 龙山镇小微企业园施工便道占用林地手续未办 | 1 | — | reported, to 交办 |
"""

from datetime import date

from guatu.accounts.models import User
from guatu.org.models import City, Department
from guatu.problems.models import ProblemStep
from guatu.problems.prework import prework_slips
from guatu.progress.models import Blocker
from guatu.progress.services import blocker_open
from guatu.projects.models import WorkItem

Kind = ProblemStep.Kind
d = date


def _step(blocker: Blocker, kind: str, on: date, actor, text: str = "", due_on=None) -> None:
    ProblemStep.objects.create(
        blocker=blocker,
        kind=kind,
        on=on,
        level=blocker.level,
        text=text,
        due_on=due_on,
        actor=actor,
    )


def _assign(blocker: Blocker, *, on, number, category, level, action, due_on, office) -> None:
    blocker.year, blocker.number, blocker.assigned_on = on.year, number, on
    blocker.category, blocker.level, blocker.action_required = category, level, action
    blocker.due_on = due_on
    blocker.save()
    _step(blocker, Kind.ASSIGNED, on, office, action, due_on)


def _raise(blocker: Blocker, *, on, level, due_on, office, note="") -> None:
    blocker.level, blocker.due_on = level, due_on
    blocker.save(update_fields=["level", "due_on"])
    _step(blocker, Kind.RAISED, on, office, note, due_on)


def _reply(blocker: Blocker, *, on, text, unit) -> None:
    blocker.status, blocker.reply = Blocker.Status.REPLIED, text
    blocker.first_reply_on = blocker.first_reply_on or on
    blocker.save(update_fields=["status", "reply", "first_reply_on"])
    _step(blocker, Kind.REPLIED, on, unit, text)


def _new(item_code: str, project: str, description: str, department, person, opened) -> Blocker:
    item = WorkItem.objects.select_related("project__city", "town").get(
        project__code=project, code=item_code
    )
    return Blocker.objects.create(
        work_item=item,
        town=item.town,
        owner_department=department,
        responsible_person=person,
        description=description,
        opened_on=opened,
        due_on=opened,
    )


def build_problems(city: City, users: dict[str, User], departments: dict[str, Department]) -> None:
    office = users["supervisor"]
    leader = users["leader"]
    town = users["town_shizhu"]
    dept = users["dept_jiaotong"]
    story = {b.description[:8]: b for b in Blocker.objects.filter(work_item__project__city=city)}

    # 1. 3户未签约: 交办 at level 1, overdue, raised to 2; overdue again → proposed for 3.
    sign = story["金温铁路外迁石柱"]
    _assign(
        sign,
        on=d(2019, 10, 9),
        number=3,
        category="clearance",
        level=1,
        action="10月25日前完成3户签约腾空",
        due_on=d(2019, 10, 25),
        office=office,
    )
    _raise(
        sign,
        on=d(2019, 10, 28),
        level=2,
        due_on=d(2019, 11, 10),
        office=office,
        note="逾期未签约，提请责任单位主要领导协调",
    )

    # 2. 坟墓迁移: answered, returned as not settled → yellow.
    graves = story["前仓镇段2处坟墓"]
    _assign(
        graves,
        on=d(2019, 10, 22),
        number=5,
        category="clearance",
        level=1,
        action="11月底前完成坟墓迁移和厂房补偿协议签订",
        due_on=d(2019, 11, 30),
        office=office,
    )
    _reply(graves, on=d(2019, 11, 8), text="坟墓迁移已完成1处，厂房补偿正在评估", unit=dept)
    graves.status = Blocker.Status.OPEN
    graves.save(update_fields=["status"])
    _step(
        graves, Kind.RETURNED, d(2019, 11, 11), office, "厂房补偿协议未签订，问题未解决，请继续推进"
    )

    # 3. 通信管线迁改: the whole loop, closed before the demo's day.
    pipes = story["永康南站站场改造"]
    _assign(
        pipes,
        on=d(2019, 8, 13),
        number=1,
        category="site",
        level=1,
        action="协调电信、移动完成管线迁改",
        due_on=d(2019, 10, 31),
        office=office,
    )
    _reply(pipes, on=d(2019, 10, 20), text="电信、移动管线已于10月20日完成迁改", unit=dept)
    pipes.status, pipes.resolved_on = Blocker.Status.RESOLVED, d(2019, 10, 20)
    pipes.resolution = "电信、移动管线已于10月20日完成迁改"
    pipes.save(update_fields=["status", "resolved_on", "resolution"])
    _step(pipes, Kind.CLOSED, d(2019, 10, 20), office, "现场核实管线迁改完成，予以销号")

    # 4. 古山 5户违建: level 3 (联系市领导专题协调), red; the town asked for level 4.
    ruins = story["古山镇小微企业园"]
    _assign(
        ruins,
        on=d(2019, 9, 3),
        number=2,
        category="clearance",
        level=2,
        action="10月底前完成5户违建拆除",
        due_on=d(2019, 10, 31),
        office=office,
    )
    _raise(
        ruins,
        on=d(2019, 11, 1),
        level=3,
        due_on=d(2019, 11, 8),
        office=office,
        note="逾期未拆除，提请联系市领导专题协调",
    )
    ruins.escalation_requested = True
    ruins.save(update_fields=["escalation_requested"])
    _step(
        ruins,
        Kind.REQUESTED,
        d(2019, 11, 12),
        users.get("town_gushan", office),
        "5户违建涉及历史遗留问题，专题协调后仍未解决，请求市主要领导督办",
    )

    # 5. 用地报批指标不足: level 4 (市主要领导督办), due within the week → blue; 批示 given.
    quota = _new(
        "zx-tj-4",
        "jintai-railway",
        "金台铁路永康段正线土建4标临时用地指标不足，需省级统筹",
        departments["市自然资源和规划局"],
        "自然资源和规划局局长（示例）",
        d(2019, 10, 14),
    )
    _step(quota, Kind.REPORTED, d(2019, 10, 14), office)
    _assign(
        quota,
        on=d(2019, 10, 15),
        number=4,
        category="land",
        level=3,
        action="争取省级用地指标统筹",
        due_on=d(2019, 11, 1),
        office=office,
    )
    _raise(
        quota,
        on=d(2019, 11, 4),
        level=4,
        due_on=d(2019, 11, 20),
        office=office,
        note="需市主要领导出面向省厅争取",
    )
    _step(
        quota,
        Kind.INSTRUCTED,
        d(2019, 11, 6),
        leader,
        "请自然资源和规划局11月20日前赴省厅汇报，争取指标",
    )

    # 6. 电力接入: answered, waiting for the office's 核实.
    power = _new(
        "kg",
        "park-shizhu",
        "石柱镇小微企业园电力接入方案未批复",
        departments["市经济和信息化局"],
        "经信局能源科（示例）",
        d(2019, 11, 4),
    )
    _step(power, Kind.REPORTED, d(2019, 11, 4), town)
    _assign(
        power,
        on=d(2019, 11, 5),
        number=6,
        category="approval",
        level=1,
        action="协调供电公司批复电力接入方案",
        due_on=d(2019, 12, 20),
        office=office,
    )
    _reply(
        power, on=d(2019, 11, 14), text="供电公司已于11月13日批复接入方案（附批复文件）", unit=town
    )

    # 7. 林地手续: reported by the town, not yet 交办.
    woods = blocker_open(
        actor=office,
        work_item=WorkItem.objects.get(project__code="park-longshan", code="zd"),
        description="龙山镇小微企业园施工便道占用林地，林地手续未办",
        owner_department=departments["市自然资源和规划局"],
        responsible_person="龙山镇分管副镇长（示例）",
        opened_on=d(2019, 11, 14),
        due_on=d(2019, 11, 29),
    )
    woods.category = "forest"
    woods.save(update_fields=["category"])

    prework_slips(city, d(2019, 11, 15))
