"""A city leader's monthly 会办 agenda (领导包联): what waits for them on their projects.

徐州's 六项制度 has each key project owned by a 市领导 who holds a monthly 会办 of those
not meeting 序时. The agenda the office prepares for it, per leader and month:

- the leader's projects (``projects.selectors.led_by``): each one's light and progress
  (% done against % planned, weighted by planned value, its tasks) on the agenda's day,
  its investment against 序时 when it has an annual plan (the month published on that
  day, ``investment.selectors`` — the city's standing read once for every leader), its
  red items and open problems counted;
- the red items of those projects (project, item, the unit that answers, lag);
- the problems at level 3 or 4 of 四级协调 awaiting the leader's decision;
- the 节点调整 the office has reviewed and sent up, waiting for a leader's decision.

The agenda's day is the month's last day, or the city's today while the month runs.
Lights, progress and investment are judged on that day; problems and adjustments are
those waiting when the agenda is printed (a meeting decides what waits now).

The content is plain data (``Agenda``); ``render_agenda`` lays it out as Word and PDF.
``agendas`` builds every leader's of a month at once, reading the city's status and
investment standing once (docs/PERFORMANCE.md: all of them for a 300-project city).
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from guatu.baselines.models import Adjustment
from guatu.core.investment import is_behind
from guatu.core.status import Light
from guatu.investment import lines
from guatu.investment.rules import figures_month, month_end
from guatu.investment.selectors import ProjectStanding, city_standing, project_standing
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.problems.selectors import awaiting_leader, number_text, problem_facts
from guatu.progress.labels import light_label, reason_label
from guatu.progress.models import Blocker
from guatu.progress.overview import weighted_progress
from guatu.progress.status import lights_by_project, status_inputs, status_table
from guatu.projects.models import Project, WorkItem
from guatu.projects.selectors import city_leaders, led_by

#: Red items an agenda lists for a project, furthest behind first (it counts them all; the
#: item list filtered on the project and red has every one).
RED_SHOWN = 5
#: The earliest month an agenda is made for.
FIRST_YEAR = 2000


@dataclass
class InvestmentLine:
    """A project's investment against its 序时 (the month published on the agenda's day)."""

    year: int
    month: int
    done: float  # 万元, January to the month
    plan: float  # 万元, the year's plan
    rate: float  # 完成率, %
    schedule: float  # 序时进度, %
    gap: float  # points, + ahead, − behind
    position: str  # "ahead", "behind" or "level" (the rounding the lines print)

    @property
    def text(self) -> str:
        """The sentence a line of the agenda prints: 完成 X 万元 / 计划 Y 万元 (Z%), 超/欠序时 N."""
        figures = {
            "done": f"{self.done:.2f}",
            "plan": f"{self.plan:.2f}",
            "rate": lines.percent(self.rate),
            "schedule": lines.percent(self.schedule),
        }
        if self.position == "ahead":
            sentence = _(
                "%(done)s of %(plan)s 万元 (%(rate)s%%; 序时 %(schedule)s%%), "
                "%(gap)s points ahead of 序时"
            )
        elif self.position == "behind":
            sentence = _(
                "%(done)s of %(plan)s 万元 (%(rate)s%%; 序时 %(schedule)s%%), "
                "%(gap)s points behind 序时"
            )
        else:
            sentence = _(
                "%(done)s of %(plan)s 万元 (%(rate)s%%; 序时 %(schedule)s%%), level with 序时"
            )
        return sentence % {**figures, "gap": f"{abs(lines.points(self.gap)):f}"}


@dataclass
class ProjectLine:
    """One project of a leader: where it stands on the agenda's day."""

    pk: int
    code: str
    name: str
    light: str  # the project's light (its worst critical item's): "" when nothing is scheduled
    planned: float | None  # % planned (序时进度), weighted; None without tasks scheduled
    actual: float | None  # % done, weighted
    red: int  # red items
    problems: int  # problems not closed (销号)
    investment: InvestmentLine | None = None

    @property
    def light_text(self) -> str:
        return light_label(self.light) if self.light else "—"

    @property
    def progress_text(self) -> str:
        if self.planned is None:
            return "—"
        return _("%(actual)s%% done, %(planned)s%% planned") % {
            "actual": lines.percent(self.actual or 0),
            "planned": lines.percent(self.planned),
        }


@dataclass
class Agenda:
    """A leader's monthly 会办 agenda, as plain data."""

    city: str
    office: str
    leader_id: int
    leader: str
    year: int
    month: int
    as_of: date
    title: str
    projects: list[ProjectLine] = field(default_factory=list)
    #: Red items of the leader's projects: project, item, unit, lag (points), why — each
    #: project's ``RED_SHOWN`` furthest behind.
    red_items: list[dict] = field(default_factory=list)
    #: Problems at level 3 or 4 awaiting the leader's decision.
    problems: list[dict] = field(default_factory=list)
    #: 节点调整 reviewed by the office, awaiting a leader's decision.
    adjustments: list[dict] = field(default_factory=list)

    @property
    def red_more(self) -> int:
        """The red items counted but not listed (beyond ``RED_SHOWN`` a project)."""
        return sum(line.red for line in self.projects) - len(self.red_items)

    @property
    def month_text(self) -> str:
        return _("%(year)d-%(month)02d") % {"year": self.year, "month": self.month}


def leader_name(user) -> str:
    return user.get_full_name() or user.username


def agenda_day(city: City, year: int, month: int) -> date:
    """The day an agenda of *month* judges: the month's last day, or today while it runs."""
    return min(month_end(year, month), city_today(city))


def month_problem(city: City, year: int, month: int) -> str | None:
    """What is wrong with *year*-*month* as an agenda's month (None: nothing): a month
    that does not exist, before 2000, or after the city's current month."""
    today = city_today(city)
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        return _("Choose a month as YYYY-MM, e.g. 2019-11.")
    if (year, month) > (today.year, today.month):
        return _("The month %(month)s has not begun: choose %(today)s or an earlier one.") % {
            "month": f"{year}-{month:02d}",
            "today": f"{today.year}-{today.month:02d}",
        }
    return None


# --- the leader's projects: light, progress, red items, problems -----------------------


@dataclass
class _Standing:
    """The status of every item of some projects on one day, read once."""

    lines: dict[int, ProjectLine]
    #: project → its red items furthest behind first, at most ``RED_SHOWN`` of them
    red_rows: dict[int, list[dict]]


def project_lines(
    city: City,
    projects: list[Project],
    as_of: date,
    investment: Callable[[Project], ProjectStanding | None],
    figures: tuple[int, int],
) -> _Standing:
    """Each of *projects* on *as_of*: light, weighted progress of its tasks, red items
    (every item, milestones included, as the project's page and the 待办 count them),
    problems not closed, and its investment standing of the month *figures* (*investment*
    gives a project's row of it, None without a plan)."""
    ids = [project.pk for project in projects]
    if not ids:
        return _Standing({}, {})
    inputs = status_inputs(items=Q(project__in=ids), up_to=as_of, city=city)
    table = status_table(as_of=as_of, inputs=inputs)
    lights = lights_by_project(table, ids)
    tasks = np.array([row[4] == WorkItem.Kind.TASK for row in inputs.rows], dtype=bool)
    red = np.flatnonzero(table.light == Light.RED)
    red_count = Counter(table.project_id[red].tolist())
    # The red items an agenda prints: each project's furthest behind (RED_SHOWN), the
    # only ones read as objects (a city may have thousands red).
    shown, per_project = [], Counter()
    for i in red[np.lexsort((-table.result.lag[red], table.project_id[red]))].tolist():
        project_id = int(table.project_id[i])
        if per_project[project_id] < RED_SHOWN:
            per_project[project_id] += 1
            shown.append(i)
    loaded = WorkItem.objects.select_related("town", "owner_department").in_bulk(
        table.pks[shown].tolist()
    )
    red_rows: dict[int, list[dict]] = {pk: [] for pk in ids}
    for i in shown:
        status = table.status(i)
        item = loaded[int(table.pks[i])]
        red_rows[item.project_id].append(
            {
                "item_id": item.pk,
                "item": item.name,
                "unit": item.town.name if item.town_id else str(item.owner_department or ""),
                "lag": status.lag,
                "reason": reason_label(status.reason),
            }
        )
    open_problems = Counter(
        Blocker.objects.filter(work_item__project__in=ids)
        .exclude(status=Blocker.Status.RESOLVED)
        .values_list("work_item__project_id", flat=True)
    )
    result: dict[int, ProjectLine] = {}
    for project in projects:
        mine = (table.project_id == project.pk) & tasks
        planned = actual = None
        if mine.any():
            planned, actual = _progress(table, mine)
        result[project.pk] = ProjectLine(
            pk=project.pk,
            code=project.code,
            name=project.name,
            light=lights.get(project.pk, ""),
            planned=planned,
            actual=actual,
            red=red_count.get(project.pk, 0),
            problems=open_problems.get(project.pk, 0),
            investment=_investment_line(investment(project), *figures),
        )
    return _Standing(result, red_rows)


def _progress(table, mask: np.ndarray) -> tuple[float, float]:
    """``weighted_progress`` (the bulletin's rule) of the rows of *table* in *mask*."""
    part = SimpleNamespace(
        planned_value=table.planned_value[mask],
        result=SimpleNamespace(
            planned=table.result.planned[mask], actual=table.result.actual[mask]
        ),
    )
    return tuple(weighted_progress(part))


def _investment_line(row: ProjectStanding | None, year: int, month: int) -> InvestmentLine | None:
    if row is None or row.plan <= 0:
        return None
    position = row.standing
    if is_behind(position.gap):
        where = "behind"
    else:
        where = "ahead" if lines.points(position.gap) > 0 else "level"
    return InvestmentLine(
        year=year,
        month=month,
        done=row.done,
        plan=row.plan,
        rate=position.rate,
        schedule=position.schedule,
        gap=position.gap,
        position=where,
    )


def leader_home(user, city: City, today: date | None = None) -> list[ProjectLine]:
    """我包联的项目 on a leader's home: each project led by *user* (``led_by``) today, its
    investment read for it alone (``project_standing``, the month published today)."""
    today = today or city_today(city)
    projects = list(led_by(user))
    if not projects:
        return []
    year, month = figures_month(city, today)
    found = project_lines(
        city,
        projects,
        today,
        lambda project: project_standing(project, year, month),
        (year, month),
    )
    return [found.lines[project.pk] for project in projects]


# --- what waits for a leader --------------------------------------------------------------


def problem_rows(city: City, leader, today: date) -> list[dict]:
    """The problems at level 3 or 4 awaiting *leader*'s decision (``problems.selectors.
    awaiting_leader``: no 批示 at their level yet), with their colour and level's name."""
    waiting = awaiting_leader(city=city, leader=leader, today=today)
    facts = problem_facts(waiting, city=city, today=today)
    rows = []
    for blocker in waiting:
        fact = facts[blocker.pk]
        rows.append(
            {
                "id": blocker.pk,
                "project": blocker.work_item.project.name,
                "item": blocker.work_item.name,
                "description": blocker.description,
                "category": fact.category,
                "level": blocker.level,
                "level_name": fact.level_name,
                "colour": fact.colour,
                "unit": str(blocker.owner_department),
                "person": blocker.responsible_person,
                "due": blocker.due_on,
                "overdue": fact.overdue,
                "status": str(blocker.get_status_display()),
                "number": number_text(blocker),
                "action": blocker.action_required,
            }
        )
    return rows


def adjustments_waiting(leader) -> list[Adjustment]:
    """节点调整 the office reviewed and sent up, on the projects *leader* owns: what waits
    for a leader's decision (``access.can_decide_adjustment``)."""
    return list(
        Adjustment.objects.filter(project__leader=leader, status=Adjustment.Status.REVIEWED)
        .select_related("project", "work_item")
        .order_by("reviewed_at", "pk")
    )


def _adjustment_row(adjustment: Adjustment) -> dict:
    if adjustment.new_deadline is not None:
        before = adjustment.old_deadline.isoformat() if adjustment.old_deadline else "—"
        change = f"{before} → {adjustment.new_deadline.isoformat()}"
    else:
        change = _("%(before)s → %(after)s days") % {
            "before": adjustment.old_duration_days if adjustment.old_duration_days else "—",
            "after": adjustment.new_duration_days,
        }
    return {
        "id": adjustment.pk,
        "project": adjustment.project.name,
        "item": adjustment.work_item.name,
        "change": change,
        "reason": adjustment.reason,
        "opinion": adjustment.review_note,
    }


# --- the agenda ---------------------------------------------------------------------------


def agenda_title() -> str:
    return _("Monthly 会办 agenda of the key projects city leaders own")


def agendas(city: City, year: int, month: int, leaders: Iterable | None = None) -> list[Agenda]:
    """The agendas of *month* for *leaders* (every leader of the city by default), the
    city's status and investment standing read once for all of them."""
    leaders = list(city_leaders(city) if leaders is None else leaders)
    as_of = agenda_day(city, year, month)
    today = city_today(city)
    owned: dict[int, list[Project]] = {leader.pk: [] for leader in leaders}
    for project in Project.objects.filter(city=city, leader__in=list(owned)).order_by(
        "programme", "start_date", "code"
    ):
        owned[project.leader_id].append(project)
    every = [project for projects in owned.values() for project in projects]
    fy, fm = figures_month(city, as_of)
    standing = city_standing(city, fy, fm) if every else None
    rows = {row.project.pk: row for row in standing.rows} if standing else {}
    found = project_lines(city, every, as_of, lambda project: rows.get(project.pk), (fy, fm))
    office = city.office_name or city.name
    result = []
    for leader in leaders:
        projects = owned[leader.pk]
        result.append(
            Agenda(
                city=city.name,
                office=office,
                leader_id=leader.pk,
                leader=leader_name(leader),
                year=year,
                month=month,
                as_of=as_of,
                title=agenda_title(),
                projects=[found.lines[project.pk] for project in projects],
                red_items=[
                    {"project": project.name, **row}
                    for project in projects
                    for row in found.red_rows[project.pk]
                ],
                problems=problem_rows(city, leader, today),
                adjustments=[_adjustment_row(row) for row in adjustments_waiting(leader)],
            )
        )
    return result


def agenda(city: City, leader, year: int, month: int) -> Agenda:
    """One leader's agenda of *month* (``agendas`` for that leader alone)."""
    return agendas(city, year, month, leaders=[leader])[0]
