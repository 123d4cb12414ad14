"""The blockers on the scenario's items and the escalations recorded so far."""

from datetime import date

__all__ = ["BLOCKERS", "ESCALATIONS"]

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
