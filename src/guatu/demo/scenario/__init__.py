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

Modules: ``city`` (the day, the city, its towns, departments and logins),
``specs`` (what a project and a work item say), ``railway`` (金台铁路),
``micro_parks`` (the 小微企业园 programme) and ``blockers`` (blockers and the
escalation ladder). ``projects()`` returns every project.
"""

from guatu.demo.scenario.blockers import BLOCKERS, ESCALATIONS
from guatu.demo.scenario.city import (
    CITY,
    DEPARTMENTS,
    DOCUMENT_PREFIX,
    OFFICE_NAME,
    PASSWORD,
    RAILWAY_VILLAGES,
    ROLE_LOGINS,
    TODAY,
    TOWNS,
)
from guatu.demo.scenario.micro_parks import PARKS, park
from guatu.demo.scenario.railway import railway
from guatu.demo.scenario.specs import Item, ProjectSpec

__all__ = [
    "BLOCKERS",
    "CITY",
    "DEPARTMENTS",
    "DOCUMENT_PREFIX",
    "ESCALATIONS",
    "OFFICE_NAME",
    "PASSWORD",
    "RAILWAY_VILLAGES",
    "ROLE_LOGINS",
    "TODAY",
    "TOWNS",
    "Item",
    "ProjectSpec",
    "projects",
]


def projects() -> list[ProjectSpec]:
    """Return every project of the scenario."""
    return [railway(), *(park(*spec) for spec in PARKS)]
