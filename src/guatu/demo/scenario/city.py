"""The scenario's day and city: its towns, departments, and a login per role."""

from datetime import date

__all__ = [
    "CITY",
    "DEPARTMENTS",
    "DOCUMENT_PREFIX",
    "OFFICE_NAME",
    "PASSWORD",
    "RAILWAY_VILLAGES",
    "ROLE_LOGINS",
    "TODAY",
    "TOWNS",
]

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
    ("leader", "leader", "王立新副市长（演示）", None, None),
    ("leader_hu", "leader", "胡志强副市长（演示）", None, None),
    ("supervisor", "supervisor", "重点办督查员（演示）", None, None),
    ("dept_jiaotong", "department", "交通局联络员（演示）", None, "市交通运输局"),
    ("town_shizhu", "town", "石柱镇联络员（演示）", "石柱镇", None),
    ("admin", "admin", "系统管理员（演示）", None, None),
]
