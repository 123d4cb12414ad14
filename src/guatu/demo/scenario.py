"""The 永康 2019 scenario as data: what the seed page says, plus illustrative figures.

From the page (seed/000_0aafd6e597b28172.txt), 2019-11-15:
- 金台铁路永康段 started on 2016-07-01 and must 具备通车条件 by the end of June
  2020; it crosses 47 行政村 in 5 镇街区; the main line has been handed over
  in full (主线工程已全线完成交地); the 金温铁路永康段外迁 works run alongside
  but lag (进展稍显落后); main line, connecting line and stations must be
  delivered together (同期交付); the secretary inspected 石柱 and 前仓.
- The 小微企业园 programme: towns report on 违建拆除, 征地, 规划, 设计; the
  mayor presses for 组卷报批 by the time nodes, early 开工 and 建成.

Everything else is illustrative: which three other towns the railway
crosses, how the 47 villages split among the five, village names, targets,
durations, progress figures, people's names, blockers and escalations.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

TODAY = date(2019, 11, 15)
PASSWORD = "guatu-demo-2019"

CITY = ("永康市", "330784")
OFFICE_NAME = "永康市重点项目建设管理办公室"
DOCUMENT_PREFIX = "永重点办"

#: (name, kind, login suffix); all of 永康's 镇街区.
TOWNS = [
    ("东城街道", "subdistrict", "dongcheng"),
    ("西城街道", "subdistrict", "xicheng"),
    ("江南街道", "subdistrict", "jiangnan"),
    ("石柱镇", "town", "shizhu"),
    ("前仓镇", "town", "qiancang"),
    ("舟山镇", "town", "zhoushan"),
    ("古山镇", "town", "gushan"),
    ("方岩镇", "town", "fangyan"),
    ("龙山镇", "town", "longshan"),
    ("西溪镇", "town", "xixi"),
    ("象珠镇", "town", "xiangzhu"),
    ("唐先镇", "town", "tangxian"),
    ("花街镇", "town", "huajie"),
    ("芝英镇", "town", "zhiying"),
    ("经济开发区", "zone", "kaifaqu"),
]

#: The five 镇街区 the railway crosses and their share of the 47 行政村.
RAILWAY_VILLAGES = {"江南街道": 8, "石柱镇": 12, "前仓镇": 11, "芝英镇": 9, "舟山镇": 7}

#: (name, short name, login suffix)
DEPARTMENTS = [
    ("市重点项目建设管理办公室", "重点办", "zdb"),
    ("市发展和改革局", "发改局", "fgj"),
    ("市自然资源和规划局", "自然资源局", "zrzy"),
    ("市住房和城乡建设局", "住建局", "zjj"),
    ("市交通运输局", "交通局", "jiaotong"),
    ("市经济和信息化局", "经信局", "jxj"),
    ("市综合行政执法局", "执法局", "zfj"),
    ("市财政局", "财政局", "czj"),
]

#: One login per role, printed by ``make demo``; every town and department
#: also has its own (town_<suffix>, dept_<suffix>).
ROLE_LOGINS = [
    ("leader", "leader", "市领导（演示）", None, None),
    ("supervisor", "supervisor", "重点办督查员（演示）", None, None),
    ("dept_jiaotong", "department", "交通局联络员（演示）", None, "市交通运输局"),
    ("town_shizhu", "town", "石柱镇联络员（演示）", "石柱镇", None),
    ("admin", "admin", "系统管理员（演示）", None, None),
]


@dataclass(frozen=True)
class Item:
    """A work item of the scenario and how it has gone up to TODAY.

    ``progress`` is the percentage reached at TODAY (None: no report yet);
    ``done_on`` the date it reached 100 %; ``slowdown`` the share of the
    progress already reached four weeks before TODAY (1.0 = steady pace;
    close to 1 means the last weeks added almost nothing).
    """

    code: str
    name: str
    phase: str
    town: str | None
    start: date | None
    duration: int
    department: str
    unit: str = ""
    target: Decimal | None = None
    progress: float | None = None
    done_on: date | None = None
    deadline: date | None = None
    milestone: bool = False
    value: Decimal | None = None
    villages: int = 0
    slowdown: float | None = None
    report_unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    programme: str
    start: date
    deadline: date
    department: str
    description: str
    task_force: list[tuple[str, str, str, str | None]]
    items: list[Item]
    #: (predecessor code, successor code, type, lag days)
    links: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: (code, name, deadline, branch codes) of 同期交付 milestones
    joint: list[tuple[str, str, date, list[str]]] = field(default_factory=list)


def _railway() -> ProjectSpec:
    d = Decimal
    towns = list(RAILWAY_VILLAGES)
    acquisition = {
        "江南街道": "180",
        "石柱镇": "320",
        "前仓镇": "290",
        "芝英镇": "210",
        "舟山镇": "150",
    }
    km = {"江南街道": "4.2", "石柱镇": "7.8", "前仓镇": "6.5", "芝英镇": "5.1", "舟山镇": "3.9"}
    civil = {"江南街道": 80, "石柱镇": 78, "前仓镇": 68, "芝英镇": 84, "舟山镇": 79}
    items: list[Item] = []
    links: list[tuple[str, str, str, int]] = []
    for n, town in enumerate(towns, start=1):
        items.append(
            Item(
                f"zx-zd-{n}",
                f"主线征地及政策处理（{town}段）",
                "policy_handling",
                town,
                date(2017, 3, 1),
                790,
                "市自然资源和规划局",
                "mu",
                d(acquisition[town]),
                progress=100,
                done_on=date(2019, 4, 26),
                villages=RAILWAY_VILLAGES[town],
            )
        )
        items.append(
            Item(
                f"zx-tj-{n}",
                f"主线路基桥涵工程（{town}段）",
                "construction",
                town,
                date(2017, 9, 1),
                972,
                "市交通运输局",
                "km",
                d(km[town]),
                progress=civil[town],
                value=d("42000") * d(km[town]) / d("27.5"),
                slowdown=0.985 if town == "舟山镇" else None,
            )
        )
        links.append((f"zx-zd-{n}", f"zx-tj-{n}", "SS", 180))
        links.append((f"zx-zd-{n}", "zx-jd", "FS", 0))
        links.append((f"zx-tj-{n}", "zx-pg", "FF", 0))
    items += [
        Item(
            "zx-jd",
            "主线全线交地",
            "land_handover",
            None,
            date(2019, 5, 31),
            0,
            "市自然资源和规划局",
            progress=100,
            done_on=date(2019, 5, 31),
            deadline=date(2019, 6, 30),
            milestone=True,
        ),
        Item(
            "zx-pg",
            "主线铺轨及四电工程",
            "construction",
            "江南街道",
            date(2020, 1, 10),
            130,
            "市交通运输局",
            "km",
            d("27.5"),
            value=d("18000"),
        ),
        Item(
            "lj-zc",
            "连接线征迁（江南街道段）",
            "policy_handling",
            "江南街道",
            date(2018, 9, 1),
            395,
            "市自然资源和规划局",
            "hh",
            d("36"),
            progress=94,
            deadline=date(2019, 9, 30),
            villages=3,
        ),
        Item(
            "lj-js-1",
            "连接线道路工程（江南街道段）",
            "construction",
            "江南街道",
            date(2019, 3, 1),
            450,
            "市交通运输局",
            "km",
            d("2.6"),
            progress=50,
            value=d("9600"),
        ),
        Item(
            "lj-js-2",
            "连接线道路工程（石柱镇段）",
            "construction",
            "石柱镇",
            date(2019, 3, 1),
            450,
            "市交通运输局",
            "km",
            d("3.4"),
            progress=40,
            value=d("12400"),
        ),
        Item(
            "zc-yknz",
            "永康南站站场改造",
            "construction",
            "江南街道",
            date(2018, 10, 1),
            600,
            "市交通运输局",
            "m2",
            d("18500"),
            progress=62,
            value=d("15800"),
        ),
        Item(
            "wq-zc-1",
            "金温铁路外迁征迁（石柱镇段）",
            "policy_handling",
            "石柱镇",
            date(2018, 12, 1),
            300,
            "市自然资源和规划局",
            "hh",
            d("58"),
            progress=94.83,
            deadline=date(2019, 9, 30),
            villages=4,
            note="3户未签约",
        ),
        Item(
            "wq-zc-2",
            "金温铁路外迁征迁（前仓镇段）",
            "policy_handling",
            "前仓镇",
            date(2018, 12, 1),
            400,
            "市自然资源和规划局",
            "hh",
            d("41"),
            progress=50,
            villages=3,
        ),
        Item(
            "wq-zd",
            "金温铁路外迁征地（石柱镇段）",
            "land_acquisition",
            "石柱镇",
            date(2019, 1, 1),
            330,
            "市自然资源和规划局",
            "mu",
            d("126"),
            progress=70,
            report_unit="m2",
        ),
        Item(
            "wq-xl",
            "金温铁路外迁线路工程",
            "construction",
            "石柱镇",
            date(2019, 10, 1),
            274,
            "市交通运输局",
            "km",
            d("8.6"),
            value=d("26000"),
        ),
    ]
    links += [
        ("lj-zc", "lj-js-1", "SS", 120),
        ("zc-yknz", "zx-pg", "SS", 300),
        ("wq-zc-1", "wq-xl", "FS", 0),
        ("wq-zc-2", "wq-xl", "SS", 120),
        ("wq-zd", "wq-xl", "SS", 200),
    ]
    return ProjectSpec(
        code="jintai-railway",
        name="金台铁路永康段",
        programme="重大交通",
        start=date(2016, 7, 1),
        deadline=date(2020, 6, 30),
        department="市交通运输局",
        description=(
            "金台铁路是浙江省第一条自主建设的电气化铁路，从金温铁路扩能改造项目永康南站引出，"
            "沿途经过永康市5个镇街区的47个行政村，全线要求在2020年6月底具备通车条件。"
            "金温铁路永康段外迁工程作为金台铁路Ⅰ类变更设计项目同步实施。"
        ),
        task_force=[
            ("王立新", "市政府副市长（示例）", "lead", "市交通运输局"),
            ("陈建国", "市交通运输局局长（示例）", "deputy", "市交通运输局"),
            ("李海燕", "市自然资源和规划局副局长（示例）", "member", "市自然资源和规划局"),
            ("周晓东", "石柱镇镇长（示例）", "member", None),
            ("吴国平", "前仓镇镇长（示例）", "member", None),
        ],
        items=items,
        links=links,
        joint=[
            (
                "tc-jf",
                "主线、连接线和相关站场同期交付（具备通车条件）",
                date(2020, 6, 30),
                ["zx-pg", "lj-js-1", "lj-js-2", "zc-yknz", "wq-xl"],
            )
        ],
    )


#: How each park's phases have gone: (违建拆除, 征地, 规划, 设计, 组卷报批) progress,
#: with the date each reached 100 % where it did.
_PARKS = [
    (
        "shizhu",
        "石柱镇",
        "18000",
        "126",
        [
            (100, date(2019, 6, 21)),
            (100, date(2019, 9, 20)),
            (100, date(2019, 8, 23)),
            (100, date(2019, 11, 8)),
            (85, None),
        ],
    ),
    (
        "gushan",
        "古山镇",
        "15500",
        "98",
        [(62, None), (35, None), (55, None), (20, None), (None, None)],
    ),
    (
        "longshan",
        "龙山镇",
        "12000",
        "85",
        [
            (100, date(2019, 6, 28)),
            (100, date(2019, 9, 27)),
            (100, date(2019, 8, 30)),
            (100, date(2019, 11, 8)),
            (64, None),
        ],
    ),
    (
        "xiangzhu",
        "象珠镇",
        "9800",
        "72",
        [
            (100, date(2019, 6, 14)),
            (100, date(2019, 9, 13)),
            (100, date(2019, 8, 16)),
            (100, date(2019, 10, 25)),
            (100, date(2019, 11, 8)),
        ],
    ),
    (
        "xixi",
        "西溪镇",
        "11200",
        "80",
        [(100, date(2019, 8, 16)), (88, None), (100, date(2019, 9, 6)), (70, None), (None, None)],
    ),
    (
        "kaifaqu",
        "经济开发区",
        "21000",
        "150",
        [
            (100, date(2019, 6, 28)),
            (100, date(2019, 9, 27)),
            (100, date(2019, 8, 23)),
            (100, date(2019, 11, 1)),
            (78, None),
        ],
    ),
]


def _park(
    slug: str,
    town: str,
    demolition_m2: str,
    land_mu: str,
    progress: list[tuple[float | None, date | None]],
) -> ProjectSpec:
    d = Decimal
    (dem, dem_done), (land, land_done), (plan, plan_done), (des, des_done), (dos, dos_done) = (
        progress
    )
    items = [
        Item(
            "wj",
            "违建拆除",
            "demolition",
            town,
            date(2019, 3, 1),
            120,
            "市综合行政执法局",
            "m2",
            d(demolition_m2),
            progress=dem,
            done_on=dem_done,
            deadline=date(2019, 6, 30),
            villages=2,
        ),
        Item(
            "zd",
            "征地",
            "land_acquisition",
            town,
            date(2019, 4, 30),
            150,
            "市自然资源和规划局",
            "mu",
            d(land_mu),
            progress=land,
            done_on=land_done,
            deadline=date(2019, 9, 30),
            villages=2,
        ),
        Item(
            "gh",
            "规划",
            "planning",
            town,
            date(2019, 5, 30),
            90,
            "市自然资源和规划局",
            progress=plan,
            done_on=plan_done,
        ),
        Item(
            "sj",
            "设计",
            "design",
            town,
            date(2019, 8, 28),
            75,
            "市住房和城乡建设局",
            progress=des,
            done_on=des_done,
        ),
        Item(
            "zj",
            "组卷报批",
            "land_approval",
            town,
            date(2019, 9, 27),
            60,
            "市自然资源和规划局",
            progress=dos,
            done_on=dos_done,
            deadline=date(2019, 11, 30),
        ),
        Item(
            "kg",
            "开工",
            "construction_start",
            town,
            None,  # driven by 设计 and 组卷报批
            0,
            "市经济和信息化局",
            deadline=date(2019, 12, 31),
            milestone=True,
        ),
        Item(
            "jc",
            "园区建成",
            "completion",
            town,
            date(2019, 12, 1),
            390,
            "市经济和信息化局",
            "m2",
            d(demolition_m2) * 3,
            value=d(demolition_m2) * d("0.9"),
            deadline=date(2020, 12, 31),
        ),
    ]
    return ProjectSpec(
        code=f"park-{slug}",
        name=f"{town}小微企业园",
        programme="小微企业园",
        start=date(2019, 3, 1),
        deadline=date(2020, 12, 31),
        department="市经济和信息化局",
        description=f"{town}小微企业园建设：违建拆除、征地、规划、设计、组卷报批、开工、建成。",
        task_force=[
            (f"{town[:2]}专班组长", f"{town}党委书记（示例）", "lead", None),
            ("经信局联络员", "市经济和信息化局（示例）", "member", "市经济和信息化局"),
        ],
        items=items,
        links=[
            ("wj", "zd", "SS", 60),
            ("zd", "gh", "SS", 30),
            ("gh", "sj", "FS", 0),
            ("zd", "zj", "FS", 0),
            ("sj", "kg", "FS", 0),
            ("zj", "kg", "FS", 0),
            ("kg", "jc", "FS", 0),
        ],
    )


def projects() -> list[ProjectSpec]:
    """Return every project of the scenario."""
    return [_railway(), *(_park(*park) for park in _PARKS)]


#: (project code, item code, description, department, person, opened, due, status, resolution)
BLOCKERS = [
    (
        "jintai-railway",
        "wq-zc-1",
        "金温铁路外迁石柱镇段3户未签约，影响线路工程进场",
        "市自然资源和规划局",
        "石柱镇分管副镇长（示例）",
        date(2019, 10, 8),
        date(2019, 11, 10),
        "open",
        "",
    ),
    (
        "jintai-railway",
        "wq-zc-2",
        "前仓镇段2处坟墓迁移及1处企业厂房补偿未谈妥",
        "市自然资源和规划局",
        "前仓镇分管副镇长（示例）",
        date(2019, 10, 21),
        date(2019, 11, 30),
        "open",
        "",
    ),
    (
        "jintai-railway",
        "zc-yknz",
        "永康南站站场改造涉及通信管线迁改",
        "市交通运输局",
        "交通局工程科（示例）",
        date(2019, 8, 12),
        date(2019, 10, 31),
        "resolved",
        "电信、移动管线已于10月20日完成迁改",
    ),
    (
        "park-gushan",
        "wj",
        "古山镇小微企业园地块5户违建历史遗留问题未解决",
        "市综合行政执法局",
        "古山镇分管副镇长（示例）",
        date(2019, 9, 2),
        date(2019, 10, 31),
        "escalated",
        "",
    ),
]

#: (project code, item code, level, period, evidence note) — the ladder for
#: 古山 违建拆除: red three periods in a row.
ESCALATIONS = [
    ("park-gushan", "wj", "reminder", "2019-W44", "连续1期红灯"),
    ("park-gushan", "wj", "notice", "2019-W45", "连续2期红灯"),
    ("park-gushan", "wj", "interview", "2019-W46", "连续3期红灯"),
    ("jintai-railway", "wq-zc-1", "reminder", "2019-W46", "超过时间节点仍未完成"),
]
