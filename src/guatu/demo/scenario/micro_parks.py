"""The 小微企业园 programme: a park in each of six towns, the same seven steps in each."""

from datetime import date
from decimal import Decimal

from guatu.demo.scenario.specs import Item, ProjectSpec

__all__ = ["PARKS", "park"]


#: How each park's phases have gone: (违建拆除, 征地, 规划, 设计, 组卷报批) progress,
#: with the date each reached 100 % where it did.
PARKS = [
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


def park(
    slug: str,
    town: str,
    demolition_m2: str,
    land_mu: str,
    progress: list[tuple[float | None, date | None]],
) -> ProjectSpec:
    """The park of *town*: its seven steps, their links, and *progress* on the first five.

    Long because it is data: each step written out as one ``Item``, read
    top to bottom like the programme's own table.
    """
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
