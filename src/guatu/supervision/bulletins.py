"""What a 定期通报 says, computed once and kept as plain data (JSON-ready).

The renderers (Word, PDF, Excel, HTML) only lay this content out; a published
bulletin keeps its content as it was, so it can be rendered again later and
say exactly the same thing.
"""

from bisect import bisect_right
from collections import Counter
from copy import copy
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from guatu.baselines.models import Adjustment
from guatu.baselines.units import asking_unit
from guatu.core.errors import CoreError
from guatu.core.escalation import (
    DEFAULT_LADDER,
    ladder_steps,
    red_run,
    rung_levels,
    rung_of,
    window_periods,
)
from guatu.core.periods import Period, parse_period
from guatu.core.status import LIGHT_NAMES, Light
from guatu.investment import lines
from guatu.investment.rankings import red_black_lists
from guatu.investment.rules import figures_month
from guatu.investment.selectors import DIMENSIONS, GroupRow, ProjectStanding, city_standing
from guatu.org import numbering
from guatu.org.clock import city_time, city_today
from guatu.org.models import City
from guatu.problems.selectors import ASSIGNMENT_MARK, Facts, problem_facts, week_lists
from guatu.progress.labels import reason_label
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.overview import (
    Overview,
    Standing,
    progress_overview,
    standings_since,
    weighted_progress,
)
from guatu.progress.selectors import COUNTS, blocker_overdue, blockers_open
from guatu.progress.status import (
    ItemStatus,
    StatusInputs,
    StatusTable,
    rules_in_force,
    status_inputs,
    status_table,
)
from guatu.projects.models import Project, WorkItem
from guatu.risk.services import city_risks, nodes_at_risk
from guatu.supervision.models import Bulletin, EscalationEvent, EscalationLevel
from guatu.supervision.notices import unit_names

CURVE_POINTS = 12
LEVEL_LABELS = dict(EscalationLevel.choices)


@dataclass
class BulletinContent:
    city: str
    office: str
    scope: str
    period: str
    period_label: str
    as_of: str
    title: str
    number_text: str
    counts: dict[str, int]
    previous_counts: dict[str, int]
    planned_value: float
    on_track_value: float
    weighted_planned: float
    weighted_actual: float
    towns: list[Standing] = field(default_factory=list)
    departments: list[Standing] = field(default_factory=list)
    red_items: list[dict] = field(default_factory=list)
    warned_items: list[dict] = field(default_factory=list)
    blockers: list[dict] = field(default_factory=list)
    escalations: list[dict] = field(default_factory=list)
    #: 节点调整 approved in the period, by the unit that asked: count and days moved.
    adjustments: list[dict] = field(default_factory=list)
    #: Schedule risk at the bulletin's date: each project's chance of its deadline, and
    #: the time nodes ahead under even odds (Monte Carlo on the city's own record).
    risk: list[dict] = field(default_factory=list)
    risk_nodes: list[dict] = field(default_factory=list)
    curves: list[dict] = field(default_factory=list)
    #: The published bulletin the changes (较上期) and ``previous_counts`` are against:
    #: its number, period and date; None when none was published before (no change shown).
    previous: dict | None = None
    #: 投资调度 of the month the bulletin's date reports (``investment_content``); None when
    #: the city has no annual plan for that year, or the bulletin is one project's.
    investment: dict | None = None
    #: 问题清单 of the period (``problem_content``): the problems opened (新增), carried on
    #: (推进中) and closed (已销号) in it, with their counts. Bulletins computed before the
    #: list have no such key: they print no such section.
    problems: dict | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def period_as_of(city: City, period: Period) -> date:
    """A period is judged at its end, or today if it has not ended yet."""
    return min(period.end, city_today(city))


def _scope(project: Project | None) -> Q:
    tasks = Q(kind=WorkItem.Kind.TASK)
    return tasks & Q(project=project) if project else tasks


def bulletin_content(
    *, city: City, period: Period, project: Project | None = None, number_text: str = ""
) -> BulletinContent:
    """Assemble the bulletin of *period* for the city (or one *project*)."""
    as_of = period_as_of(city, period)
    overview = progress_overview(
        city=city, as_of=as_of, period_days=period.days, items=_scope(project)
    )
    table = overview.table
    red_items, warned_items = _item_rows(overview)
    on_track = (table.light == Light.GREEN) | (table.light == Light.DONE)
    progress = overview.progress
    scope = project.name if project else city.name
    risk, risk_nodes = risk_rows(city, as_of, project)
    previous = previous_bulletin(city=city, period=period, project=project)
    before = previous.content if previous else {}
    return BulletinContent(
        city=city.name,
        office=city.office_name or _("Key projects office"),
        scope=scope,
        period=period.key,
        period_label=period.label(),
        as_of=as_of.isoformat(),
        title=_("Bulletin on the progress of %(scope)s key projects, %(period)s")
        % {"scope": scope, "period": period.label()},
        number_text=number_text,
        counts=overview.counts,
        previous_counts=dict(before.get("counts") or {}),
        planned_value=round(float(np.nansum(table.planned_value)), 2),
        on_track_value=round(float(np.nansum(np.where(on_track, table.planned_value, 0))), 2),
        weighted_planned=progress.planned,
        weighted_actual=progress.actual,
        towns=_ranked_since(overview.towns(), previous, "towns"),
        departments=_ranked_since(overview.departments(), previous, "departments"),
        red_items=red_items,
        warned_items=warned_items,
        blockers=_blocker_rows(project, as_of),
        escalations=_escalation_rows(city, period, project, overview.inputs),
        adjustments=adjustment_rows(city, period, project),
        risk=risk,
        risk_nodes=risk_nodes,
        curves=_curves(city, project, as_of, period),
        previous=_reference(previous),
        investment=None if project else investment_content(city, as_of),
        problems=problem_content(city, period, as_of, project),
    )


#: The 问题清单's lists, in the order the bulletin prints them.
PROBLEM_LISTS = ("new", "ongoing", "closed")


def problem_content(
    city: City, period: Period, as_of: date, project: Project | None = None
) -> dict:
    """问题清单 of *period*: the problems opened in it (新增), opened before it and still open
    at its end (推进中) and closed in it (已销号) — ``problems.selectors.week_lists`` — each
    with its 文号, category, level, colour at the bulletin's date (``problem_facts``: the
    colour every page shows), unit, 时限 and state; and the counts the sentence says.

    A problem opened and closed in the same period is in both 新增 and 已销号, as the
    office counts it."""
    lists = week_lists(city, period.start, period.end)
    if project is not None:
        lists = {
            key: [b for b in rows if b.work_item.project_id == project.pk]
            for key, rows in lists.items()
        }
    # Each problem as it stood on the bulletin's date: one closed since was still open then.
    then = {b.pk: _as_on(b, as_of) for rows in lists.values() for b in rows}
    unique = list(then.values())
    facts = problem_facts(unique, city=city, today=as_of)
    colours = Counter(facts[b.pk].colour for b in unique)
    counts = {key: len(lists[key]) for key in PROBLEM_LISTS}
    counts.update({colour: colours[colour] for colour in ("red", "yellow", "blue")})
    return {
        "first": period.start.isoformat(),
        "last": period.end.isoformat(),
        "counts": counts,
        **{
            key: [_problem_row(city, then[b.pk], facts[b.pk]) for b in lists[key]]
            for key in PROBLEM_LISTS
        },
    }


def _problem_row(city: City, blocker: Blocker, facts: Facts) -> dict:
    """One problem of the list as the bulletin prints it (its 文号 empty before 交办)."""
    number = (
        numbering.number_text(city, blocker.year, blocker.number, ASSIGNMENT_MARK)
        if blocker.number is not None and blocker.year is not None
        else ""
    )
    return {
        "pk": blocker.pk,
        "number": number,
        "project": blocker.work_item.project.name,
        "item": blocker.work_item.name,
        "description": blocker.description,
        "category": facts.category,
        "level": blocker.level,
        "level_name": facts.level_name,
        "colour": facts.colour,
        "unit": unit_names(blocker.town, blocker.owner_department),
        "person": blocker.responsible_person,
        "due": blocker.due_on.isoformat(),
        "state": str(Blocker.Status(blocker.status).label),
    }


def _as_on(blocker: Blocker, day: date) -> Blocker:
    """*blocker* as it stood on *day*: one closed after it was then answered (if its first
    answer came by then) or open. Only its status is put back; its level and 时限 are now's."""
    Status = Blocker.Status
    if blocker.status != Status.RESOLVED or (
        blocker.resolved_on is not None and blocker.resolved_on <= day
    ):
        return blocker
    then = copy(blocker)
    answered = blocker.first_reply_on is not None and blocker.first_reply_on <= day
    then.status = Status.REPLIED if answered else Status.OPEN
    return then


def investment_content(city: City, as_of: date) -> dict | None:
    """投资调度 as the bulletin of *as_of* prints it: the month published on that day
    (``figures_month``: its due day passed), its standard lines, the sums by category,
    level, town and lead department, the projects behind their 序时 and every project's
    month (the Excel sheet).

    Everything is read from ``city_standing`` and the sentences from ``investment.lines``,
    so the bulletin says what the dashboard, the 大屏 and the API say. A city without an
    annual plan for the year (``has_figures``) gets no section (None): a new city's
    bulletin is unchanged.
    """
    standing = city_standing(city, *figures_month(city, as_of))
    if not standing.has_figures:
        return None
    return {
        "year": standing.year,
        "month": standing.month,
        "headline": lines.headline(standing),
        "start": lines.start_line(standing),
        "behind_line": lines.behind_line(standing),
        "red_black": lines.red_black_line(red_black_lists(city, standing)),
        "total": _group_row(standing.total),
        "groups": [
            {"key": key, "label": str(label), "rows": [_group_row(g) for g in standing.groups[key]]}
            for key, label in DIMENSIONS
        ],
        "behind": [_investment_row(row) for row in standing.behind],
        "projects": [_investment_row(row) for row in standing.rows],
        "waiting_review": standing.waiting_review,
        "unreported": len(standing.unreported),
    }


def _group_row(row: GroupRow) -> dict:
    """A category's, level's, town's or department's sums (万元, %, percentage points)."""
    return {
        # The unit's id (a town's, a department's), the category's or level's code: the
        # score reads the printed figures by it, never by a name.
        "key": row.key,
        "label": row.label,
        "count": row.count,
        "plan": row.plan,
        "done": row.done,
        "rate": row.rate,
        "schedule": row.schedule,
        "gap": row.gap,
        "light": row.light,
    }


def _investment_row(row: ProjectStanding) -> dict:
    """One project's month as the standing has it: who builds and leads it, the plan, the
    month's and the year's investment, 完成率, 序时, the gap, the light and why it is behind."""
    project = row.project
    return {
        "project_code": project.project_code,
        "code": project.code,
        "project": project.name,
        "builder": project.builder,
        "department": project.owner_department.name,
        "town": project.responsible_town.name if project.responsible_town else "",
        "plan": row.plan,
        "month_done": row.month_done,
        "done": row.done,
        "rate": row.standing.rate,
        "schedule": row.standing.schedule,
        "gap": row.standing.gap,
        "light": row.light,
        "reason": row.reason,
        "reported": row.reported,
    }


def previous_bulletin(
    *, city: City, period: Period, project: Project | None = None
) -> Bulletin | None:
    """The bulletin a new one of *period* compares with (较上期): the last one published for
    the same city and scope (the whole city, or the same project) whose period is of the same
    kind (a week with a week …) and ended before *period* began; None when there is none.

    Of two published for the same period (a re-issue), the later counts.
    """
    published = Bulletin.objects.filter(
        city=city, project=project, status=Bulletin.Status.PUBLISHED
    ).values_list("pk", "period", "published_at")
    found = []
    for pk, key, published_at in published:
        try:
            earlier = parse_period(key)
        except CoreError:
            continue
        if earlier.kind is period.kind and earlier.end < period.start:
            found.append((earlier.end, published_at, pk))
    return Bulletin.objects.get(pk=max(found)[2]) if found else None


def _ranked_since(standings: list[Standing], previous: Bulletin | None, key: str):
    """The towns or departments with work in scope, each change against the share the
    *previous* bulletin printed for it (none without a previous bulletin)."""
    earlier = {s["pk"]: s["share"] for s in previous.content.get(key) or []} if previous else None
    return [s for s in standings_since(standings, earlier) if sum(s.counts.values())]


def _reference(bulletin: Bulletin | None) -> dict | None:
    """What a bulletin says of the one it compares with: its number, period and date."""
    if bulletin is None:
        return None
    return {
        "pk": bulletin.pk,
        "number_text": bulletin.content.get("number_text", ""),
        "period": bulletin.period,
        "period_label": bulletin.content.get("period_label") or bulletin.period,
        "as_of": bulletin.content.get("as_of", ""),
    }


def _item_rows(overview: Overview) -> tuple[list[dict], list[dict]]:
    """The red items and the warned ones (not red), in the overview's order.

    Only the items a bulletin names are loaded as objects: the red and the warned.
    """
    table = overview.table
    listed = overview.listed(red=True, warned=True)
    items = WorkItem.objects.select_related("project", "town", "owner_department").in_bulk(
        table.pks[listed].tolist()
    )
    red, warned = [], []
    for i in listed.tolist():
        status = table.status(i)
        row = _item_row(items[int(table.pks[i])], status)
        if table.light[i] == Light.RED:
            red.append(row)
        elif status.warning:
            warned.append(row)
    return red, warned


def _item_row(item: WorkItem, status: ItemStatus) -> dict:
    """A listed item: where it is, its light and figures, its dates and why (blank when on
    track, done or not started)."""
    return {
        "project": item.project.name,
        "item": item.name,
        "town": item.town.name if item.town else "",
        "department": str(item.owner_department or ""),
        "light": status.light,
        "planned": status.planned,
        "actual": status.actual,
        "lag": status.lag,
        "late_finish": item.late_finish.isoformat(),
        "forecast": status.forecast_finish.isoformat() if status.forecast_finish else "",
        "reason": ""
        if status.reason in ("on_track", "done", "not_started")
        else reason_label(status.reason),
    }


def _blocker_rows(project: Project | None, as_of: date) -> list[dict]:
    """The open blockers (of the city, or of one *project*), soonest due first."""
    blockers = (
        blockers_open()
        .select_related("work_item__project", "owner_department", "town")
        .order_by("due_on")
    )
    if project:
        blockers = blockers.filter(work_item__project=project)
    return [
        {
            "description": b.description,
            "item": b.work_item.name,
            "project": b.work_item.project.name,
            "town": b.town.name if b.town else "",
            "department": str(b.owner_department),
            "person": b.responsible_person,
            "due": b.due_on.isoformat(),
            "overdue": blocker_overdue(b, today=as_of),
            "status": b.get_status_display(),
        }
        for b in blockers
    ]


def risk_rows(city: City, as_of: date, project: Project | None = None):
    """The chance of each project's deadline and the nodes ahead under even odds, as of
    the bulletin's date (``risk.services``: the same figures as the risk pages)."""
    risks = [
        r for r in city_risks(city, today=as_of) if project is None or r.project.pk == project.pk
    ]
    targets = [
        {
            "project": r.project.name,
            "target": r.target.isoformat(),
            "probability": round(r.target_probability * 100),
            "p80": r.finish[2].isoformat(),
        }
        for r in sorted(risks, key=lambda r: (r.target_probability or 0.0, r.target or as_of))
        if r.target is not None and r.target_probability is not None and r.target >= as_of
    ]  # the least likely first: the printed bulletin shows the first of them
    nodes = [
        {
            "project": row.project_name,
            "item": row.item_name,
            "node": row.node.isoformat(),
            "probability": round(row.probability * 100),
            "p80": row.p80.isoformat(),
        }
        for row in nodes_at_risk(city, today=as_of)  # the dashboard's rule, worst first
        if project is None or row.project_code == project.code
    ]
    return targets, nodes


def adjustment_rows(city: City, period: Period, project: Project | None = None) -> list[dict]:
    """节点调整 a leader approved in *period* (city time), per asking unit: how many, how many
    days the nodes moved in all, and which items."""
    found: dict[str, dict] = {}
    approved = Adjustment.objects.filter(
        project__city=city, status=Adjustment.Status.APPROVED, decided_at__isnull=False
    ).select_related("work_item", "proposed_by__town", "proposed_by__department")
    if project is not None:
        approved = approved.filter(project=project)
    for row in approved.order_by("decided_at"):
        day = city_time(city, row.decided_at).date()
        if not period.start <= day <= period.end:
            continue
        unit = asking_unit(row)
        entry = found.setdefault(unit, {"unit": unit, "count": 0, "days": 0, "items": []})
        entry["count"] += 1
        entry["days"] += max(row.days_moved or 0, 0)
        entry["items"].append(row.work_item.name)
    return sorted(found.values(), key=lambda e: (-e["count"], -e["days"], e["unit"]))


def _escalation_rows(
    city: City, period: Period, project: Project | None, inputs: StatusInputs | None = None
) -> list[dict]:
    """The period's rungs: those already recorded, and those the ladder proposes besides.

    A proposed rung (``recorded`` false) is only a proposal until the bulletin
    that lists it is published.
    """
    recorded = {
        e.work_item_id: e
        for e in EscalationEvent.objects.filter(period=period.key).select_related(
            "work_item__project", "town", "department"
        )
        if project is None or e.work_item.project_id == project.pk
    }
    proposals = [
        p
        for p in escalations_propose(city=city, period=period, project=project, inputs=inputs)
        if p["work_item"] not in recorded
    ]
    items = WorkItem.objects.select_related("project", "town", "owner_department").in_bulk(
        [p["work_item"] for p in proposals]
    )
    rows = [
        _escalation_row(e.work_item, e.level, e.evidence, e.town, e.department, recorded=True)
        for e in recorded.values()
    ]
    for proposal in proposals:
        item = items[proposal["work_item"]]
        rows.append(
            _escalation_row(
                item,
                proposal["level"],
                proposal["evidence"],
                item.town,
                item.owner_department,
                recorded=False,
            )
        )
    return sorted(rows, key=escalation_order)


def escalation_order(row: dict) -> tuple:
    """Highest rung first, then by project and item: the bulletin's and the draft's order."""
    order = {level: k for k, level in enumerate(EscalationLevel.values)}
    return (-order.get(row["level_code"], 0), row["project"], row["item"])


def _escalation_row(item, level, evidence, town, department, *, recorded: bool) -> dict:
    return {
        "level": level_label(level),
        "level_code": level,
        "item": item.name,
        "project": item.project.name,
        "town": town.name if town else "",
        "department": str(department or ""),
        "reason": evidence.get("reason", ""),
        "work_item": item.pk,
        "evidence": evidence,
        "recorded": recorded,
    }


def _curves(city: City, project: Project | None, as_of: date, period: Period) -> list[dict]:
    """Planned and actual progress (weighted by investment) of the key projects, over time."""
    projects = (
        [project]
        if project
        else list(
            Project.objects.filter(city=city)
            .annotate(value=Sum("work_items__planned_value"))
            .order_by("-value", "code")[:3]
        )
    )
    curves = []
    for chosen in projects:
        inputs = status_inputs(items=_scope(chosen), up_to=as_of, city=city)
        if not inputs.rows:
            continue
        points = []
        for k in range(CURVE_POINTS - 1, -1, -1):
            day = as_of - timedelta(days=period.days * k)
            progress = weighted_progress(status_table(as_of=day, inputs=inputs))
            points.append(
                {"date": day.isoformat(), "planned": progress.planned, "actual": progress.actual}
            )
        curves.append({"project": chosen.name, "points": points})
    return curves


def escalations_propose(
    *,
    city: City,
    period: Period,
    project: Project | None = None,
    ladder=None,
    inputs: StatusInputs | None = None,
) -> list[dict]:
    """Return the rungs the ladder proposes for *period*: computed, nothing stored.

    One rung above the item's last issued rung while it stays red, the first
    rung the first time (``guatu.core.escalation.ladder_steps``). A draft
    bulletin lists these for the supervision office to keep, lower or strike;
    they become escalation events only when the bulletin is published
    (``escalations_record``). *inputs* already fetched for the period's scope
    (the bulletin's overview) are reused.
    """
    window = _ladder_window(city, period, _scope(project), ladder or ladder_in_use(), inputs)
    levels = rung_levels(window.rungs, window.ladder)
    chosen = [i for i, level in enumerate(levels) if level]
    evidence = _evidence(window, chosen)
    return [
        {"work_item": int(window.tables[-1].pks[i]), "level": levels[i], "evidence": evidence[i]}
        for i in chosen
    ]


def escalation_evidence(*, city: City, period: Period, work_item: WorkItem) -> dict:
    """The evidence of one item's escalation for *period* (lights of the ladder's periods …)."""
    window = _ladder_window(city, period, Q(pk=work_item.pk), ladder_in_use())
    return _evidence(window, [0])[0]


def ladder_in_use():
    """The ladder's rungs: the deployment's ``GUATU_ESCALATION_LADDER`` or DESIGN.md's."""
    return getattr(settings, "GUATU_ESCALATION_LADDER", DEFAULT_LADDER)


def ladder_choices() -> list[tuple[str, str]]:
    """The ladder's levels, lowest first, with their names (the office's drop-down)."""
    return [(code, level_label(code)) for _threshold, code in sorted(ladder_in_use())]


def level_label(code: str) -> str:
    return str(LEVEL_LABELS.get(code, code))


@dataclass
class LadderWindow:
    """The periods the ladder looks back over (oldest first) and what it found there."""

    ladder: tuple
    dates: list[date]
    tables: list[StatusTable]
    #: (items × periods): red at the period's end; under supervision then.
    red: np.ndarray
    supervised: np.ndarray
    #: Each item's rung for this bulletin (1-based; 0 none).
    rungs: np.ndarray


def _ladder_window(city: City, period: Period, items: Q, ladder, inputs=None) -> LadderWindow:
    """Each item's lights over the ladder's periods, when it came under supervision, the
    rung it got last, and so the rung it gets now."""
    as_of = period_as_of(city, period)
    _rules, _days, version = rules_in_force(city, as_of)
    reset_after = version.ladder_reset_after if version else 1
    count = window_periods(ladder, reset_after)
    # Each earlier period judged at its own end (a month's at the month's end), as its
    # bulletin judged it; this one at its data date.
    dates, earlier = [as_of], period
    for _k in range(count - 1):
        earlier = earlier.previous()
        dates.append(min(earlier.end, as_of))
    dates.reverse()
    if inputs is None:
        inputs = status_inputs(items=items, up_to=as_of, city=city)
    tables = [status_table(as_of=day, inputs=inputs) for day in dates]
    red = np.stack([t.light == Light.RED for t in tables], axis=1)
    pks = [int(pk) for pk in tables[-1].pks]
    since = _supervised_from(pks, version.ladder_from if version else None)
    supervised = np.array([[day.toordinal() for day in dates]]) >= since[:, None]
    last, last_at = _last_rungs(pks, period, dates, ladder)
    rungs = ladder_steps(red, supervised, last, last_at, ladder=ladder, reset_after=reset_after)
    return LadderWindow(tuple(ladder), dates, tables, red, supervised, rungs)


def _supervised_from(pks: list[int], ladder_from: date | None) -> np.ndarray:
    """Each item's first day under supervision (as an ordinal): its project's, or the
    office's start of the ladder when that is later."""
    floor = ladder_from.toordinal() if ladder_from else 0
    since = dict(WorkItem.objects.filter(pk__in=pks).values_list("pk", "project__supervised_from"))
    return np.array(
        [max(since[pk].toordinal() if since.get(pk) else 0, floor) for pk in pks],
        dtype=np.int64,
    )


def _last_rungs(pks: list[int], period: Period, dates: list[date], ladder):
    """Each item's last rung issued before *period*, and the window's column of its period
    (-1 when it lies before the window; the rung 0 when there is none)."""
    last = np.zeros(len(pks), dtype=np.int64)
    last_at = np.full(len(pks), -1, dtype=np.int64)
    periods: dict[str, Period | None] = {}
    latest: dict[int, tuple[date, str]] = {}
    events = (
        EscalationEvent.objects.filter(work_item_id__in=pks)
        .exclude(period=period.key)
        .values_list("work_item_id", "level", "period")
    )
    for item, level, key in events:
        if key not in periods:
            try:
                periods[key] = parse_period(key)
            except CoreError:
                periods[key] = None
        issued = periods[key]
        # Rungs climb within one series: a monthly bulletin's ladder is not a weekly one's.
        if issued is None or issued.kind is not period.kind or issued.end >= period.start:
            continue
        end = issued.end
        if item not in latest or end > latest[item][0]:
            latest[item] = (end, level)
    row = {pk: k for k, pk in enumerate(pks)}
    for item, (end, level) in latest.items():
        last[row[item]] = rung_of(level, ladder)
        last_at[row[item]] = bisect_right(dates, end) - 1
    return last, last_at


def _evidence(window: LadderWindow, chosen: list[int]) -> dict:
    """What a notice cites, per chosen row: the lights period by period (those under
    supervision only, so the count in its reason is the count in its table), lag, dates,
    reports."""
    latest = window.tables[-1]
    dates = window.dates
    pks = [int(latest.pks[i]) for i in chosen]
    late = dict(WorkItem.objects.filter(pk__in=pks).values_list("pk", "late_finish"))
    last_report = dict(
        ProgressReport.objects.filter(COUNTS, work_item_id__in=pks, reported_on__lte=dates[-1])
        .order_by("work_item_id", "reported_on")
        .values_list("work_item_id", "reported_on")
    )
    runs = red_run(window.red, window.supervised)
    found = {}
    for i, pk in zip(chosen, pks, strict=True):
        status = latest.status(i)
        shown = [k for k in range(len(dates)) if window.supervised[i, k]]
        run = int(runs[i])
        found[i] = {
            "reason": _("red for %(n)d periods in a row") % {"n": run}
            if run
            else reason_label(status.reason),
            "as_of": dates[-1].isoformat(),
            "lights": [LIGHT_NAMES[window.tables[k].light[i]] for k in shown],
            "dates": [dates[k].isoformat() for k in shown],
            "red_periods": run,
            "planned": status.planned,
            "actual": status.actual,
            "lag": status.lag,
            "late_finish": late[pk].isoformat() if late.get(pk) else None,
            "last_report": last_report[pk].isoformat() if pk in last_report else None,
        }
    return found
