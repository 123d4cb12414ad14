"""前期: the approvals a project goes through before it can break ground, as a template.

A Chinese investment project does not start with its works: from 项目建议书 and
立项 through 可行性研究报告批复, 用地预审, 环评, 节能审查, 社会稳定风险评估, land,
the planning permits, 初步设计, 施工图审查 and 招标 to 施工许可 it needs a few
dozen approvals, each from one 要素 department, some in series and some side by
side. A city keeps its own list (``projects.PreworkTemplate``); ``DEFAULT`` is
where it starts, with each node's typical time in working days (工作日, the unit
of the statutory time limits) and its department by name.

``schedule_backward`` lays a template out backwards from the day the 前期 must be
finished by (the day before 计划开工): the CPM of ``core.schedule`` computes the
late dates (ALAP) and the working calendar turns them into dates, so that every
node starts as late as it can and the last one still ends in time.

>>> from datetime import date
>>> from guatu.core.calendar import WorkCalendar
>>> small = Template(
...     nodes=(Node("a", "立项", 2), Node("b", "可研", 3), Node("c", "环评", 1)),
...     links=(Link("a", "b"), Link("a", "c", "SS", 1)),
... )
>>> dated = schedule_backward(small, finish_by=date(2019, 10, 10), calendar=WorkCalendar.official())
>>> for node in dated:  # 国庆 10-01…07 off, Sunday 09-29 worked (调休)
...     print(node.code, node.start, node.finish)
a 2019-09-29 2019-09-30
b 2019-10-08 2019-10-10
c 2019-10-10 2019-10-10
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from guatu.core.calendar import DAY, WorkCalendar
from guatu.core.errors import CalendarError, CoreError
from guatu.core.i18n import gettext_noop
from guatu.core.limits import MAX_DAYS
from guatu.core.network import find_cycle
from guatu.core.schedule import LINK_TYPES, Network, schedule

__all__ = [
    "CODE_LENGTH",
    "DEFAULT",
    "LINK_KINDS",
    "MAX_LINKS",
    "MAX_NODES",
    "NAME_LENGTH",
    "DatedNode",
    "Link",
    "Node",
    "Template",
    "TemplateProblem",
    "departments_named",
    "network_of",
    "read_rows",
    "schedule_backward",
    "template_problems",
]

#: The link types a template may use (SF has no use before 开工).
LINK_KINDS = ("FS", "SS", "FF")
#: Bounds of a template: a city's list is tens of nodes, never thousands.
MAX_NODES = 200
MAX_LINKS = 1000
#: A node's code becomes an item's code with a prefix (``qq-``) in a 40-character slug.
CODE_LENGTH = 36
NAME_LENGTH = 120
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Node:
    """One 前期 node: its code (a slug), name, typical working days, 要素 department."""

    code: str
    name: str
    duration: int
    department: str = ""  # the department's name; empty: the owner (建设单位) does it


@dataclass(frozen=True)
class Link:
    """*predecessor* → *successor*: FS (after it), SS (with it, *lag* days after its start)
    or FF (finishing *lag* days after it finishes)."""

    predecessor: str
    successor: str
    kind: str = "FS"
    lag: int = 0


@dataclass(frozen=True)
class Template:
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DatedNode:
    """A node laid out backwards: its first and last working day (one day for a
    milestone), both inclusive."""

    code: str
    start: date
    finish: date
    milestone: bool


class TemplateProblem(CoreError):
    """One thing wrong with a row of a template: *section* ``nodes`` or ``links``, *row*
    (1-based; None for the whole section) and *field*."""

    def __init__(self, template: str, *, section: str, row: int | None, field: str, **params):
        self.section, self.row, self.field = section, row, field
        super().__init__(template, **params)


# --- the default template ----------------------------------------------------------------

_DRC = "市发展和改革局"
_LAND = "市自然资源和规划局"
_ENV = "市生态环境局"
_HOUSING = "市住房和城乡建设局"
_WATER = "市水利局"
_FINANCE = "市财政局"
_TRADING = "市公共资源交易中心"
_SERVICE = "市行政服务中心"
_DEFENCE = "市人民防空办公室"
_OWNER = ""  # the 建设单位 itself

#: A government-invested building project (a 小微企业园, a school, a road) from 谋划 to 开工,
#: after the 浙江/四川 practice of 32 nodes: statutory limits where there is one, else what
#: offices report as typical. A city changes any of it on its 前期 page.
DEFAULT = Template(
    nodes=(
        Node("proposal", "项目建议书编制", 10, _OWNER),
        Node("compliance", "合规性审查", 5, _DRC),
        Node("project-code", "项目赋码（在线审批监管平台）", 2, _SERVICE),
        Node("approval", "项目建议书批复（立项）", 5, _DRC),
        Node("site", "用地预审与选址意见书", 20, _LAND),
        Node("survey", "勘察测绘（地形图、红线图）", 15, _OWNER),
        Node("feasibility", "可行性研究报告编制", 25, _OWNER),
        Node("environment", "环境影响评价审批", 20, _ENV),
        Node("energy", "节能审查", 15, _DRC),
        Node("stability", "社会稳定风险评估", 15, _DRC),
        Node("soil-water", "水土保持方案审批", 15, _WATER),
        Node("geohazard", "地质灾害危险性评估", 10, _LAND),
        Node("feasibility-approval", "可行性研究报告批复", 10, _DRC),
        Node("planning-conditions", "规划设计条件", 10, _LAND),
        Node("land-conversion", "农用地转用与土地征收报批", 40, _LAND),
        Node("land-supply", "土地出让（划拨）", 30, _LAND),
        Node("land-title", "不动产权证（土地）", 5, _LAND),
        Node("land-permit", "建设用地规划许可证", 5, _LAND),
        Node("scheme", "建筑设计方案审查", 20, _LAND),
        Node("preliminary", "初步设计编制", 20, _OWNER),
        Node("preliminary-approval", "初步设计及概算批复", 10, _DRC),
        Node("works-permit", "建设工程规划许可证", 10, _LAND),
        Node("drawings", "施工图设计", 30, _OWNER),
        Node("drawing-review", "施工图审查（联合审图）", 10, _HOUSING),
        Node("fire", "消防设计审查", 10, _HOUSING),
        Node("air-defence", "人防设计审查", 5, _DEFENCE),
        Node("budget", "招标控制价审核", 10, _FINANCE),
        Node("tender-documents", "招标文件编制及备案", 10, _HOUSING),
        Node("tender", "施工招标（公告至中标）", 25, _TRADING),
        Node("supervision-tender", "监理招标", 20, _TRADING),
        Node("contract", "施工合同签订", 5, _OWNER),
        Node("quality-safety", "质量安全监督登记", 5, _HOUSING),
        Node("site-works", "施工场地三通一平", 20, _OWNER),
        Node("construction-permit", "施工许可证核发", 5, _HOUSING),
        Node("ready", "具备开工条件", 0, _DRC),
    ),
    links=(
        Link("proposal", "compliance"),
        Link("compliance", "project-code"),
        Link("project-code", "approval"),
        Link("approval", "site"),
        Link("approval", "survey"),
        Link("approval", "feasibility"),
        Link("feasibility", "environment", "SS", 10),
        Link("feasibility", "energy", "SS", 10),
        Link("feasibility", "stability", "SS", 10),
        Link("feasibility", "soil-water", "SS", 10),
        Link("survey", "geohazard"),
        Link("site", "feasibility-approval"),
        Link("feasibility", "feasibility-approval"),
        Link("energy", "feasibility-approval"),
        Link("stability", "feasibility-approval"),
        Link("site", "planning-conditions"),
        Link("site", "land-conversion"),
        Link("land-conversion", "land-supply"),
        Link("planning-conditions", "land-supply"),
        Link("land-supply", "land-title"),
        Link("land-supply", "land-permit"),
        Link("planning-conditions", "scheme"),
        Link("scheme", "preliminary", "SS", 10),
        Link("feasibility-approval", "preliminary"),
        Link("survey", "preliminary"),
        Link("preliminary", "preliminary-approval"),
        Link("scheme", "works-permit"),
        Link("land-permit", "works-permit"),
        Link("land-title", "works-permit"),
        Link("preliminary-approval", "drawings"),
        Link("drawings", "drawing-review"),
        Link("drawing-review", "fire", "SS", 0),
        Link("drawing-review", "air-defence", "SS", 0),
        Link("drawing-review", "budget"),
        Link("budget", "tender-documents"),
        Link("tender-documents", "tender"),
        Link("tender-documents", "supervision-tender", "SS", 0),
        Link("tender", "contract"),
        Link("contract", "quality-safety"),
        Link("supervision-tender", "quality-safety"),
        Link("land-supply", "site-works"),
        Link("quality-safety", "construction-permit"),
        Link("works-permit", "construction-permit"),
        Link("fire", "construction-permit"),
        Link("air-defence", "construction-permit"),
        Link("environment", "construction-permit"),
        Link("soil-water", "construction-permit"),
        Link("geohazard", "construction-permit"),
        Link("construction-permit", "ready"),
        Link("site-works", "ready", "FF", 0),
    ),
)


# --- checking a template ------------------------------------------------------------------


def _integer(value: Any) -> int | None:
    """*value* as a whole number, or None when it is not one ("5", 5 and " 5 " are)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,9}\s*", value):
        return int(value)
    return None


def read_rows(
    nodes: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]]
) -> tuple[Template | None, list[TemplateProblem]]:
    """A template from rows as a form or a request sends them (strings or numbers), and
    every problem found, each at its row and field; the template is None when there is one.

    A node row has ``code``, ``name``, ``duration`` and ``department`` (a name, kept as
    given); a link row ``predecessor``, ``successor`` (node codes), ``kind`` and ``lag``.
    """
    problems: list[TemplateProblem] = []

    def problem(message: str, section: str, row: int | None, field: str, **params) -> None:
        problems.append(TemplateProblem(message, section=section, row=row, field=field, **params))

    if not nodes:
        problem(gettext_noop("A template needs at least one node."), "nodes", None, "nodes")
    if len(nodes) > MAX_NODES:
        problem(
            gettext_noop("A template has at most %(limit)d nodes."),
            "nodes", None, "nodes", limit=MAX_NODES,
        )  # fmt: skip
    if len(links) > MAX_LINKS:
        problem(
            gettext_noop("A template has at most %(limit)d links."),
            "links", None, "links", limit=MAX_LINKS,
        )  # fmt: skip
    if problems:
        return None, problems
    read_nodes: list[Node] = []
    seen: dict[str, int] = {}
    for row, values in enumerate(nodes, start=1):
        code = str(values.get("code") or "").strip()
        name = str(values.get("name") or "").strip()
        duration = _integer(values.get("duration"))
        if not code:
            problem(gettext_noop("Enter the node's code."), "nodes", row, "code")
        elif len(code) > CODE_LENGTH or not CODE_PATTERN.match(code):
            problem(
                gettext_noop(
                    "The code “%(code)s” may hold only lower-case letters, digits and "
                    "hyphens, at most %(limit)d of them, starting with a letter or digit."
                ),
                "nodes", row, "code", code=code[:60], limit=CODE_LENGTH,
            )  # fmt: skip
        elif code in seen:
            problem(
                gettext_noop("The code “%(code)s” is already used by node %(other)d."),
                "nodes", row, "code", code=code, other=seen[code],
            )  # fmt: skip
        else:
            seen[code] = row
        if not name:
            problem(gettext_noop("Enter the node's name."), "nodes", row, "name")
        elif len(name) > NAME_LENGTH or "\x00" in name:
            problem(
                gettext_noop("A name has at most %(limit)d characters (and no NUL)."),
                "nodes", row, "name", limit=NAME_LENGTH,
            )  # fmt: skip
        if duration is None or not 0 <= duration <= MAX_DAYS:
            problem(
                gettext_noop("Enter a whole number of working days from 0 to %(limit)d."),
                "nodes", row, "duration", limit=MAX_DAYS,
            )  # fmt: skip
        department = str(values.get("department") or "").strip()
        read_nodes.append(Node(code, name, duration or 0, department))
    read_links: list[Link] = []
    pairs: dict[tuple[str, str], int] = {}
    for row, values in enumerate(links, start=1):
        ends = []
        for field in ("predecessor", "successor"):
            code = str(values.get(field) or "").strip()
            if not code:
                problem(gettext_noop("Choose the node."), "links", row, field)
            elif code not in seen:
                problem(
                    gettext_noop("No node of the template has the code “%(code)s”."),
                    "links", row, field, code=code[:60],
                )  # fmt: skip
            ends.append(code)
        kind = str(values.get("kind") or "FS").strip().upper()
        if kind not in LINK_KINDS:
            problem(gettext_noop("A link is FS, SS or FF."), "links", row, "kind")
        lag = _integer(values.get("lag") if values.get("lag") not in (None, "") else 0)
        if lag is None or not -MAX_DAYS <= lag <= MAX_DAYS:
            problem(
                gettext_noop("Enter a whole number of working days from -%(limit)d to %(limit)d."),
                "links", row, "lag", limit=MAX_DAYS,
            )  # fmt: skip
        pair = (ends[0], ends[1])
        if ends[0] and ends[0] == ends[1]:
            problem(gettext_noop("A node cannot follow itself."), "links", row, "successor")
        elif all(ends) and pair in pairs:
            problem(
                gettext_noop("Link %(other)d already joins these two nodes."),
                "links", row, "successor", other=pairs[pair],
            )  # fmt: skip
        elif all(ends):
            pairs[pair] = row
        read_links.append(Link(ends[0], ends[1], kind, lag or 0))
    if problems:
        return None, problems
    template = Template(tuple(read_nodes), tuple(read_links))
    problems = template_problems(template)
    return (None if problems else template), problems


def template_problems(template: Template) -> list[TemplateProblem]:
    """What makes *template* impossible to lay out: a link to a node it lacks, a cycle.

    >>> loop = Template((Node("a", "甲", 1), Node("b", "乙", 1)), (Link("a", "b"), Link("b", "a")))
    >>> [str(p) for p in template_problems(loop)]
    ['These links form a cycle: 甲 → 乙 → 甲.']
    """
    names = {node.code: node.name for node in template.nodes}
    problems = [
        TemplateProblem(
            gettext_noop("No node of the template has the code “%(code)s”."),
            section="links",
            row=row,
            field=field,
            code=code,
        )
        for row, link in enumerate(template.links, start=1)
        for field, code in (("predecessor", link.predecessor), ("successor", link.successor))
        if code not in names
    ]
    if problems:
        return problems
    cycle = find_cycle((link.predecessor, link.successor) for link in template.links)
    if cycle is not None:
        rows = {(link.predecessor, link.successor): n for n, link in enumerate(template.links, 1)}
        problems.append(
            TemplateProblem(
                gettext_noop("These links form a cycle: %(cycle_text)s."),
                section="links",
                row=rows.get((cycle[-2], cycle[-1])),
                field="successor",
                cycle_text=" → ".join(names[code] for code in cycle),
            )
        )
    return problems


# --- laying a template out backwards ------------------------------------------------------


def network_of(template: Template) -> Network:
    """The template as the CPM's network, its items in the template's order."""
    index = {node.code: i for i, node in enumerate(template.nodes)}
    return Network.from_arrays(
        duration=[node.duration for node in template.nodes],
        pred=[index[link.predecessor] for link in template.links],
        succ=[index[link.successor] for link in template.links],
        kind=[LINK_TYPES.index(link.kind) for link in template.links],
        lag=[link.lag for link in template.links],
    )


def schedule_backward(
    template: Template,
    *,
    finish_by: date,
    calendar: WorkCalendar,
    network: Network | None = None,
) -> list[DatedNode]:
    """Each node of *template* as late as it can be (its late dates, ALAP) for the whole
    to finish by *finish_by* (inclusive: the day before 计划开工), on *calendar*.

    The CPM runs on working-day offsets: its backward pass from the template's own
    length puts every node at its late start and finish, ``0 … E``; the last working day
    on or before *finish_by* is offset ``E - 1``, and the calendar counts the rest back from
    it (holidays skipped, make-up days worked). A milestone falls at the end of the day
    its predecessors finish, as on the chart. *network* may be passed when built already.

    Raises ``CycleError`` (naming the nodes) when the links form a cycle.
    """
    network = network if network is not None else network_of(template)
    result = schedule(network, names=lambda i: template.nodes[i].name)
    length = int(result.early_finish)
    ls, lf = result.ls - length, result.lf - length
    milestone = network.duration == 0
    # Tasks: from their late start to the end of their late finish's last day. A milestone:
    # the end of the day before its late date (the first day when nothing comes before;
    # the last day for a template of milestones only).
    last = np.minimum(np.where(milestone & (result.lf == 0), ls, lf - 1), -1)
    first = np.where(milestone, last, ls)
    back = _working_days_back(calendar, finish_by, int(-first.min()) if len(first) else 1)
    starts, finishes = back[-first - 1].tolist(), back[-last - 1].tolist()
    return [
        DatedNode(node.code, start, finish, flag)
        for node, start, finish, flag in zip(
            template.nodes, starts, finishes, milestone.tolist(), strict=True
        )
    ]


def _working_days_back(calendar: WorkCalendar, last: date, count: int) -> np.ndarray:
    """The *count* working days on or before *last*, latest first: offset −1 is ``[0]``.

    One calendar mask over the span (about 7 days for 5 worked, more around 春节; widened
    until it holds them all). The same days ``CalendarAxis`` counts back before a start.
    """
    end = np.datetime64(last, "D")
    span = int(count * 1.6) + 30
    while True:
        first = end - np.timedelta64(span - 1, "D")
        worked = np.arange(first, end + DAY)[calendar.working_mask(first, end)]
        if len(worked) >= count:
            return worked[::-1]
        if span > 3660 and not len(worked):
            raise CalendarError(gettext_noop("The calendar has no working days."))
        span *= 2


def departments_named(template: Template) -> list[str]:
    """The departments *template* names, each once, in the order they first appear."""
    return list(dict.fromkeys(node.department for node in template.nodes if node.department))
