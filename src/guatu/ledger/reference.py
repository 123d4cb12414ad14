"""The names a ledger may use for towns, villages, departments, phases, units and choices.

Offices write 石柱 as well as 石柱镇, 交通局 as well as its full name, and 亩 or
mu: each lookup here accepts the forms people use and returns the stored key.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from guatu.core.errors import UnitError
from guatu.core.units import UNITS, parse_unit
from guatu.org.models import City, Department, Town, Village
from guatu.progress.models import Blocker, ReportReview
from guatu.projects.models import Phase, Project, WorkItem

_TOWN_SUFFIXES = ("街道", "镇", "乡", "区")
#: How many names a message lists before “…”.
LISTED = 8

KIND_WORDS = {
    "": WorkItem.Kind.TASK,
    "工作事项": WorkItem.Kind.TASK,
    "事项": WorkItem.Kind.TASK,
    "任务": WorkItem.Kind.TASK,
    "task": WorkItem.Kind.TASK,
    "workitem": WorkItem.Kind.TASK,
    "时间节点": WorkItem.Kind.MILESTONE,
    "节点": WorkItem.Kind.MILESTONE,
    "里程碑": WorkItem.Kind.MILESTONE,
    "milestone": WorkItem.Kind.MILESTONE,
}
KIND_NAMES = {WorkItem.Kind.TASK: "工作事项", WorkItem.Kind.MILESTONE: "时间节点"}

CALENDAR_WORDS = {
    "": Project.Calendar.CALENDAR_DAY,
    "日历天": Project.Calendar.CALENDAR_DAY,
    "日历日": Project.Calendar.CALENDAR_DAY,
    "calendar_day": Project.Calendar.CALENDAR_DAY,
    "工作日": Project.Calendar.WORKING_DAY,
    "working_day": Project.Calendar.WORKING_DAY,
    "周一至周五": Project.Calendar.WEEKLY,
    "weekly": Project.Calendar.WEEKLY,
}
CALENDAR_NAMES = {
    Project.Calendar.CALENDAR_DAY: "日历天",
    Project.Calendar.WORKING_DAY: "工作日",
    Project.Calendar.WEEKLY: "周一至周五",
}

#: The master data's choices as a ledger writes them (the names offices use), and the
#: other ways they are written → the stored value.
LEVEL_NAMES = {
    Project.Level.PROVINCIAL: "省重点",
    Project.Level.CITY: "市重点",
    Project.Level.COUNTY: "县重点",
}
CATEGORY_NAMES = {
    Project.Category.NEW: "新开工",
    Project.Category.CONTINUING: "续建",
    Project.Category.COMPLETING: "竣工投产",
    Project.Category.PREPARATORY: "前期预备",
}
STAGE_NAMES = {
    Project.Stage.PLANNING: "谋划",
    Project.Stage.STARTED: "开工",
    Project.Stage.BUILDING: "建设",
    Project.Stage.OPERATING: "投产",
}


def _words(names: dict[str, str], other: dict[str, str]) -> dict[str, str]:
    """Every way a choice is written (its name, its stored value, the *other* words
    offices use) → its value, by ``word_key``; an empty cell clears it."""
    words = {"": ""}
    for value, name in names.items():
        words[word_key(name)] = value
        words[word_key(value)] = value
    for word, value in other.items():
        words[word_key(word)] = value
    return words


#: How the 核实情况 of an above-target report may be written → the decision ("" awaits review).
REVIEW_WORDS = {
    "": "",
    "待核实": "",
    "未核实": "",
    "awaitingreview": "",
    "已确认": ReportReview.Decision.CONFIRMED,
    "确认": ReportReview.Decision.CONFIRMED,
    "已核实": ReportReview.Decision.CONFIRMED,
    "confirmed": ReportReview.Decision.CONFIRMED,
    "不予认定": ReportReview.Decision.REJECTED,
    "已退回": ReportReview.Decision.REJECTED,
    "退回": ReportReview.Decision.REJECTED,
    "rejected": ReportReview.Decision.REJECTED,
}

#: A 卡点 written as 已上报: open, and its unit asks for the next level of coordination.
ESCALATED_WORD = "escalated"
#: How a 卡点's state may be written → its status, or ``ESCALATED_WORD`` (empty: open).
BLOCKER_STATUS_WORDS = {
    "": Blocker.Status.OPEN,
    "未解决": Blocker.Status.OPEN,
    "办理中": Blocker.Status.OPEN,
    "open": Blocker.Status.OPEN,
    "已上报": ESCALATED_WORD,
    "已升级": ESCALATED_WORD,
    "上报": ESCALATED_WORD,
    "escalated": ESCALATED_WORD,
    "已反馈": Blocker.Status.REPLIED,
    "已反馈待核实": Blocker.Status.REPLIED,
    "answered": Blocker.Status.REPLIED,
    "待核实": Blocker.Status.REPLIED,
    "replied": Blocker.Status.REPLIED,
    "已解决": Blocker.Status.RESOLVED,
    "已销号": Blocker.Status.RESOLVED,
    "resolved": Blocker.Status.RESOLVED,
}


def word_key(text: str) -> str:
    """How a choice is looked up: no blanks, lower case (Awaiting review → awaitingreview)."""
    return "".join(text.split()).lower()


LEVEL_WORDS = _words(
    LEVEL_NAMES,
    {
        "省级重点": "provincial",
        "省级": "provincial",
        "市级重点": "city",
        "市级": "city",
        "县级重点": "county",
        "县级": "county",
        "区重点": "county",
    },
)
CATEGORY_WORDS = _words(
    CATEGORY_NAMES,
    {
        "新建": "new",
        "新开工项目": "new",
        "续建项目": "continuing",
        "竣工": "completing",
        "竣工项目": "completing",
        "前期": "preparatory",
        "前期项目": "preparatory",
        "预备": "preparatory",
    },
)
STAGE_WORDS = _words(STAGE_NAMES, {"在建": "building", "建设中": "building", "已投产": "operating"})


def listing(names: list[str]) -> str:
    shown = "、".join(names[:LISTED])
    return shown + ("…" if len(names) > LISTED else "")


@dataclass
class Reference:
    """The city's towns, villages, departments and the phases, by every name they go by."""

    city: City
    towns: dict[str, int] = field(default_factory=dict)
    town_names: dict[int, str] = field(default_factory=dict)
    villages: dict[tuple[int, str], int] = field(default_factory=dict)
    village_names: dict[int, str] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    department_names: dict[int, str] = field(default_factory=dict)
    phases: dict[str, int] = field(default_factory=dict)
    phase_names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, city: City) -> "Reference":
        ref = cls(city)
        for pk, name in Town.objects.filter(city=city).values_list("pk", "name"):
            ref.town_names[pk] = name
            ref.towns[name] = pk
            for suffix in _TOWN_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    ref.towns.setdefault(name[: -len(suffix)], pk)
        for pk, town_id, name in Village.objects.filter(town__city=city).values_list(
            "pk", "town_id", "name"
        ):
            ref.village_names[pk] = name
            ref.villages[(town_id, name)] = pk
            if name.endswith("村") and len(name) > 2:
                ref.villages.setdefault((town_id, name[:-1]), pk)
            else:
                ref.villages.setdefault((town_id, name + "村"), pk)
        for pk, name, short in Department.objects.filter(city=city).values_list(
            "pk", "name", "short_name"
        ):
            ref.department_names[pk] = name
            ref.departments[name] = pk
            if short:
                ref.departments.setdefault(short, pk)
        for pk, code, name in Phase.objects.values_list("pk", "code", "name"):
            ref.phase_names[pk] = name
            ref.phases[name] = pk
            ref.phases.setdefault(code, pk)
        return ref

    def town_expected(self) -> str:
        return _("one of the towns of %(city)s: %(names)s") % {
            "city": self.city.name,
            "names": listing(list(self.town_names.values())),
        }

    def village_expected(self, town_id: int | None) -> str:
        if town_id is None:
            return _("villages only with the town they belong to (fill in the town column)")
        names = [
            self.village_names[pk] for (town, _n), pk in self.villages.items() if town == town_id
        ]
        return _("villages of %(town)s, separated by 、: %(names)s") % {
            "town": self.town_names[town_id],
            "names": listing(sorted(set(names))),
        }

    def department_expected(self) -> str:
        return _("one of the departments of %(city)s: %(names)s") % {
            "city": self.city.name,
            "names": listing(list(self.department_names.values())),
        }

    def phase_expected(self) -> str:
        return _("one of the phases: %(names)s") % {
            "names": listing(list(self.phase_names.values()))
        }


def unit_code(text: str) -> str:
    """Return the stored code of the unit written as *text* (亩, 平方米, mu …)."""
    return parse_unit(text).code


def unit_expected() -> str:
    return _("a unit: %(names)s") % {"names": "、".join(unit.symbol for unit in UNITS.values())}


__all__ = [
    "BLOCKER_STATUS_WORDS",
    "CALENDAR_NAMES",
    "CALENDAR_WORDS",
    "CATEGORY_NAMES",
    "CATEGORY_WORDS",
    "ESCALATED_WORD",
    "KIND_NAMES",
    "KIND_WORDS",
    "LEVEL_NAMES",
    "LEVEL_WORDS",
    "REVIEW_WORDS",
    "STAGE_NAMES",
    "STAGE_WORDS",
    "Reference",
    "UnitError",
    "listing",
    "unit_code",
    "unit_expected",
    "word_key",
]
