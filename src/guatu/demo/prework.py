"""龙山镇小微企业园's 前期 nodes: the city's template applied, the story's reports on them.

The park's 计划开工 is 2019-12-31 (``demo.investment``): its 前期 is laid out backwards
from 2019-12-30 by the office's button, as a user would press it. The nodes due by the
story's today were done on their day (one report of 100 % each, on it); the ones under
way on 2019-11-15 report their share so far, on the day; the rest have not started.
"""

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from guatu.accounts.models import Role, User
from guatu.demo.scenario import TODAY
from guatu.progress.services import report_submit
from guatu.projects.models import Project, WorkItem
from guatu.projects.prework import prework_apply

PROJECT = "park-longshan"


def build_prework(office: User) -> None:
    project = Project.objects.get(code=PROJECT)
    applied = prework_apply(actor=office, project=project)
    reporters = {
        user.department_id: user
        for user in User.objects.filter(role=Role.DEPARTMENT, username__startswith="dept_")
    }
    for item in sorted(applied.items, key=lambda item: (item.deadline, item.pk)):
        start = item.planned_start or item.deadline
        if start > TODAY:
            continue
        if item.deadline <= TODAY:
            day, percent = item.deadline, Decimal(100)
        else:
            span = (item.deadline - start).days + 1
            day = TODAY
            percent = (Decimal(100) * ((TODAY - start).days + 1) / span).quantize(Decimal(1))
        report_submit(
            work_item=WorkItem.objects.get(pk=item.pk),
            reported_by=reporters.get(item.owner_department_id, office),
            reported_on=day,
            percent=percent,
            note="批复已取得" if percent == 100 else "",
            today=TODAY,
            submitted_at=datetime.combine(day, time(17, 0), tzinfo=ZoneInfo("Asia/Shanghai")),
        )
