"""The demo's public page (公开, 示例): three projects disclosed, their approvals, October.

The railway and the parks of 石柱镇 and 龙山镇 are disclosed from 2019-11-04; each has one
approval, invented and marked 示例 as the demo's other invented records are. October 2019
is published on the story's day: the public page shows it, and 龙山's 施工许可 (approved
in November, after October) waits in the office's 待办 with its 20-working-day clock.
Written through the services, as the office would.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from guatu.accounts.models import User
from guatu.org.models import City
from guatu.projects.models import Project
from guatu.public.services import approval_add, disclosure_set, snapshot_publish

DISCLOSED_ON = date(2019, 11, 4)
TODAY = date(2019, 11, 15)
#: project code → (事项名称, 批准机关, 批准文号, 批准日期).
APPROVALS = {
    "jintai-railway": (
        "可行性研究报告批复（示例）",
        "浙江省发展和改革委员会（示例）",
        "浙发改设计〔2016〕000号（示例）",
        date(2016, 6, 30),
    ),
    "park-shizhu": (
        "建设项目用地预审与选址意见书（示例）",
        "永康市自然资源和规划局（示例）",
        "用字第330784201900000号（示例）",
        date(2019, 8, 20),
    ),
    "park-longshan": (
        "建筑工程施工许可证（示例）",
        "永康市住房和城乡建设局（示例）",
        "330784201911120000（示例）",
        date(2019, 11, 12),
    ),
}


def build_public(city: City, users: dict[str, User]) -> None:
    office = users["supervisor"]
    for project in Project.objects.filter(city=city, code__in=APPROVALS).order_by("code"):
        disclosure_set(actor=office, project=project, disclosed=True, today=DISCLOSED_ON)
        matter, authority, number, approved_on = APPROVALS[project.code]
        approval_add(
            actor=office,
            project=project,
            matter=matter,
            authority=authority,
            number=number,
            approved_on=approved_on,
            today=TODAY,
        )
    snapshot_publish(
        actor=office,
        city=city,
        year=2019,
        month=10,
        today=TODAY,
        published_at=datetime(2019, 11, 15, 16, 0, tzinfo=ZoneInfo(city.time_zone)),
    )
