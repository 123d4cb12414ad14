"""金台铁路永康段: the main line by town, the connecting line, the station, the 金温 relocation."""

from datetime import date
from decimal import Decimal

from guatu.demo.scenario.city import RAILWAY_VILLAGES
from guatu.demo.scenario.specs import Item, ProjectSpec

__all__ = ["railway"]


def railway() -> ProjectSpec:
    """The railway: a land and a civil-works item per town it crosses, then the rest.

    Long because it is data: every work item is written out as one ``Item``
    (the page's figures where it gives them), read top to bottom like a plan.
    """
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
