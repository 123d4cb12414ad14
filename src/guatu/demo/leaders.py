"""领导包联 in the demo: two city leaders own the projects, the railway's 专班 has its 五合一.

Illustrative, as the rest of the story's people: 王立新 (the demo's ``leader``) owns the
railway and the parks of 石柱镇 and 经济开发区; 胡志强 (``leader_hu``) the other four parks —
the names the 月报 gives as each project's 责任领导. The railway's 工作专班
gains the five roles a Sichuan city's 五合一 names, with units and phones that are samples
(0579-0000 …: no real number starts so). Written through the services, as the office would.
"""

from guatu.accounts.models import User
from guatu.projects.models import Project, TaskForceMember
from guatu.projects.selectors import project_task_force
from guatu.projects.services import project_update
from guatu.projects.task_force import FIELDS, task_force_save

#: login → the codes of the projects that leader owns.
OWNED = {
    "leader": ["jintai-railway", "park-shizhu", "park-kaifaqu"],
    "leader_hu": ["park-gushan", "park-longshan", "park-xiangzhu", "park-xixi"],
}
#: The railway's 五合一: (role, name, title, unit, department, phone).
Role = TaskForceMember.Role
FIVE_IN_ONE = [
    (Role.RESPONSIBLE_LEADER, "王立新", "市政府副市长（示例）", "永康市人民政府", None,
     "0579-0000 0001"),
    (Role.UNIT_HEAD, "陈建国", "局长（示例）", "", "市交通运输局", "0579-0000 0002"),
    (Role.RESIDENT, "徐卫东", "石柱镇驻点干部（示例）", "石柱镇人民政府", None, "0579-0000 0003"),
    (Role.OWNER_LIAISON, "赵明", "工程部经理（示例）", "金台铁路有限责任公司（示例）", None,
     "0579-0000 0004"),
    (Role.BUILDER_HEAD, "孙建军", "项目经理（示例）", "金台铁路站前工程施工项目部（示例）", None,
     "0579-0000 0005"),
]  # fmt: skip


def build_leaders(users: dict[str, User], departments: dict) -> None:
    office = users["supervisor"]
    for login, codes in OWNED.items():
        for project in Project.objects.filter(code__in=codes).order_by("code"):
            project_update(project=project, actor=office, leader=users[login])
    railway = Project.objects.get(code="jintai-railway")
    rows = [
        {"id": member.pk, **{field: getattr(member, field) for field in FIELDS}}
        for member in project_task_force(project=railway)
    ]
    rows += [
        {
            "id": None,
            "role": role,
            "name": name,
            "title": title,
            "unit": unit,
            "department": departments[department] if department else None,
            "phone": phone,
        }
        for role, name, title, unit, department, phone in FIVE_IN_ONE
    ]
    task_force_save(project=railway, actor=office, rows=rows)
