"""A project's schedule risk: the chance of each time node, from the city's own record.

Each item's remaining work is drawn from the calibration of its town × phase
(``calibration``), scaled by what is left: a finished item is fixed at the
day it finished, an item under way continues from today with what is left of
its duration (at its recent pace when it has one), an item not started starts
no earlier than today (``durations``). The network, links, calendars and nodes are the
project's own (``projects.scheduling.plan_networks``, the same builder as the
CPM). A what-if (move a node, add days to an item) is applied to the inputs
only: nothing is stored.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guatu.core.risk import RiskInput, RiskResult, run_risk
from guatu.org.clock import city_today
from guatu.progress.models import ProgressReport, ReportReview
from guatu.projects.models import Project, WorkItem
from guatu.projects.scheduling import PlanItem, PlanNetwork, plan_networks
from guatu.risk.calibration import calibrate
from guatu.risk.durations import Durations, item_durations
from guatu.risk.models import ThreePoint

RUNS = 10_000
BATCH = 512
#: Stop when the target's P80 moved, over three batches, less than the larger of this
#: (working days) and RELATIVE of its distance from today.
TOLERANCE = 1.0
RELATIVE = 0.01
TORNADO = 10

__all__ = [
    "AtRisk",
    "Headline",
    "ItemRisk",
    "NodeRisk",
    "ProjectRisk",
    "WhatIf",
    "city_calibration",
    "city_risks",
    "headlines",
    "nodes_at_risk",
    "project_risk",
    "project_risk_cached",
    "what_if_risk",
]


@dataclass(frozen=True)
class WhatIf:
    """Changes tried before anyone commits: item pk → new node date / days added."""

    nodes: dict[int, date] = field(default_factory=dict)
    extra_days: dict[int, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.extra_days)


#: The widest what-if: days added or removed, and years around the project's start.
MAX_EXTRA_DAYS = 1000
MAX_YEARS = 30


def what_if_check(project: Project, what_if: WhatIf) -> None:
    """Refuse a what-if the plan cannot judge, naming the field (page and API alike)."""
    errors: dict[str, list[str]] = {}
    low = project.start_date.replace(year=project.start_date.year - 1)
    high = project.start_date.replace(year=project.start_date.year + MAX_YEARS)
    for day in what_if.nodes.values():
        if not low <= day <= high:
            errors["node_date"] = [
                _("A time node between %(low)s and %(high)s.")
                % {"low": low.isoformat(), "high": high.isoformat()}
            ]
    for days in what_if.extra_days.values():
        if abs(days) > MAX_EXTRA_DAYS:
            errors["delay_days"] = [
                _("At most %(n)d working days either way.") % {"n": MAX_EXTRA_DAYS}
            ]
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class NodeRisk:
    item: PlanItem
    node: date | None
    p10: date
    p50: date
    p80: date
    p90: date
    probability: float | None  # of finishing by the node
    criticality: float


@dataclass(frozen=True)
class ItemRisk:
    """One item's finish distribution (``project_risk(every_item=True)``: the workbook)."""

    item: PlanItem
    p10: date
    p50: date
    p80: date
    p90: date
    criticality: float
    sensitivity: float
    source: str


@dataclass(frozen=True)
class Driver:
    item: PlanItem
    sensitivity: float
    criticality: float
    source: str

    @property
    def bar(self) -> int:
        """The tornado bar's length, 0–100 (a negative correlation draws as long)."""
        return round(min(abs(self.sensitivity), 1.0) * 100)


@dataclass(frozen=True)
class ProjectRisk:
    project: Project
    today: date
    runs: int
    converged: bool
    target: date | None  # the project's deadline
    target_probability: float | None
    finish: tuple[date, date, date, date]  # P10, P50, P80, P90 of the project's finish
    nodes: list[NodeRisk]
    drivers: list[Driver]  # the tornado: the items that move the finish most
    #: label, items using it, median actual/planned and σ (None for the analyst's ranges)
    sources: list[tuple[str, int, float | None, float | None]]
    merge_bias: list[tuple[PlanItem, float]]
    #: Every item's P10–P90, only when asked for (``every_item``).
    items: list[ItemRisk] = field(default_factory=list)


#: Finish samples kept at most when every item's distribution is asked for (float32:
#: 200 MB): a very large project then runs fewer runs rather than taking more memory.
EVERY_ITEM_SAMPLES = 50_000_000


def project_risk(
    project: Project, *, today: date | None = None, what_if: WhatIf | None = None,
    runs: int = RUNS, seed: int = 1, calibration=None, plan: PlanNetwork | None = None,
    estimates: dict | None = None, every_item: bool = False, settle: bool = True,
) -> ProjectRisk | None:  # fmt: skip
    """The Monte Carlo risk of *project* as of *today*; None if it has no scheduled item.

    *calibration*, *plan* and *estimates* (item pk → ``ThreePoint``) may come
    from the caller, as ``city_risks`` fetches them once for every project.
    With *every_item*, each item's finish is kept and its P10–P90 returned too
    (the nodes' figures are the same: the draws do not depend on what is kept).
    With *settle* False, exactly *runs* runs (a what-if, run as long as today's).
    """
    today = today or city_today(project.city)
    what_if = what_if or WhatIf()
    what_if_check(project, what_if)
    plan = plan or plan_networks([project], data_dates={project.pk: today})[project.pk]
    items = plan.items
    n = len(items)
    if n == 0 or any(item.early_start is None for item in items):
        return None
    calibration = calibration or city_calibration(project.city, today)
    now = plan.progress.data_date if plan.progress is not None else 0
    if estimates is None:
        rows = ThreePoint.objects.filter(work_item__project=project)
        estimates = {e.work_item_id: e for e in rows}
    durations = item_durations(
        plan, extra_days=what_if.extra_days, calibration=calibration, estimates=estimates
    )
    nodes = [i for i, item in enumerate(items) if item.deadline or item.pk in what_if.nodes]
    data = RiskInput(
        durations.network,
        dist=durations.dist,
        p1=durations.p1,
        p2=durations.p2,
        p3=durations.p3,
        constraints=durations.constraints,
        group_a=_groups([item.town_id for item in items]),
        group_b=_groups([item.phase_id for item in items]),
        rho_a=0.2,
        rho_b=0.2,
        track=np.arange(n, dtype=np.int64) if every_item else np.array(nodes, dtype=np.int64),
    )
    if every_item:
        runs = min(runs, max(3 * BATCH, EVERY_ITEM_SAMPLES // n))
    result = run_risk(
        data, runs=runs, batch=BATCH, seed=seed, tolerance=TOLERANCE if settle else None,
        relative=RELATIVE,
        origin=float(now),
    )  # fmt: skip
    return _project_risk_of(project, today, plan, what_if, durations, result, nodes, every_item)


def _project_risk_of(
    project: Project,
    today: date,
    plan: PlanNetwork,
    what_if: WhatIf,
    durations: Durations,
    result: RiskResult,
    nodes: list[int],
    every_item: bool,
) -> ProjectRisk:
    """The run's *result* as dates and chances: the project, its nodes, drivers, sources."""
    items, axis, n = plan.items, plan.axis, len(plan.items)
    source_of = durations.source_of
    kept = list(range(n)) if every_item else nodes  # the items whose finishes were kept
    quantiles = result.quantiles() if kept else np.zeros((0, 4))
    kept_dates = _dates(axis, quantiles, [items[i].kind == WorkItem.Kind.MILESTONE for i in kept])
    item_rows = [
        ItemRisk(
            items[i], *kept_dates[i], float(result.criticality[i]), float(result.sensitivity[i]),
            source_of.get(i, ""),
        )
        for i in range(n)
        if every_item
    ]  # fmt: skip
    finish_q = np.quantile(result.project_finish, [0.1, 0.5, 0.8, 0.9])
    target_probability = None
    if plan.deadline is not None:
        target_probability = float((result.project_finish <= plan.deadline + 1e-7).mean())
    return ProjectRisk(
        project=project,
        today=today,
        runs=result.runs,
        converged=result.converged,
        target=project.deadline,
        target_probability=target_probability,
        finish=tuple(_dates(axis, finish_q[None, :], [False])[0]),
        nodes=_node_rows(plan, what_if, result, nodes, kept, kept_dates),
        drivers=_drivers(items, result, source_of),
        sources=[
            (label, count, fit.median_ratio if fit else None, fit.sigma if fit else None)
            for label, (count, fit) in sorted(durations.used.items(), key=lambda kv: -kv[1][0])
        ],
        merge_bias=_merges(items, result),
        items=item_rows,
    )


def _node_rows(
    plan: PlanNetwork,
    what_if: WhatIf,
    result: RiskResult,
    nodes: list[int],
    kept: list[int],
    kept_dates: list[list[date]],
) -> list[NodeRisk]:
    """Each time node's P10–P90 and its chance of finishing by its date (or the what-if's)."""
    items = plan.items
    row_of = {i: k for k, i in enumerate(kept)}
    deadlines = [what_if.nodes.get(items[i].pk, items[i].deadline) for i in nodes]
    known = [j for j, node in enumerate(deadlines) if node is not None]
    chances: list[float | None] = [None] * len(nodes)
    if known:
        limits = plan.axis.offset_of_finish([deadlines[j] for j in known]).astype(np.float64)
        finishes = result.finish[[row_of[nodes[j]] for j in known]]
        met = (finishes <= limits[:, None] + 1e-7).mean(axis=1)
        for j, chance in zip(known, met, strict=True):
            chances[j] = float(chance)
    return [
        NodeRisk(
            items[i], deadlines[j], *kept_dates[row_of[i]], chances[j],
            float(result.criticality[i]),
        )
        for j, i in enumerate(nodes)
    ]  # fmt: skip


def _drivers(items: list[PlanItem], result: RiskResult, source_of: dict[int, str]) -> list[Driver]:
    """The items whose duration moves the finish most (the tornado), strongest first."""
    order = np.argsort(-np.abs(result.sensitivity))[:TORNADO]
    return [
        Driver(items[i], float(result.sensitivity[i]), float(result.criticality[i]),
               source_of.get(i, ""))
        for i in order if abs(result.sensitivity[i]) > 0.01
    ]  # fmt: skip


def _merges(items: list[PlanItem], result: RiskResult) -> list[tuple[PlanItem, float]]:
    """The five merge points whose bias (the wait for the last branch) is largest."""
    return [
        (items[i], float(result.merge_bias[i]))
        for i in np.argsort(-np.nan_to_num(result.merge_bias, nan=-1))[:5]
        if not np.isnan(result.merge_bias[i]) and result.merge_bias[i] > 0.05
    ]


def what_if_risk(
    project: Project, what_if: WhatIf, *, every_item: bool = False
) -> tuple[ProjectRisk | None, ProjectRisk | None]:
    """Today's risk and the same runs with *what_if* applied: (today, tried).

    The tried plan runs exactly as many runs as today's, with the same seed,
    so every draw is the same and a node the change cannot reach keeps its
    figures to the day: what moves is what the change moves (page and API).
    """
    today = project_risk_cached(project)
    if today is None or not what_if:
        return today, None
    tried = project_risk(
        project, what_if=what_if, runs=today.runs, settle=False, every_item=every_item
    )
    return today, tried


@dataclass(frozen=True)
class Headline:
    """One lead line of the page: a date and the chance of meeting it, and with a
    what-if, the date tried (``new``, the same when the change does not move it) and
    the chance of meeting that one."""

    name: str | None  # the moved node's work item; None: the project's target
    old: date | None  # None: the item had no time node before
    before: float | None
    new: date | None = None  # None: no what-if
    after: float | None = None

    @property
    def moved(self) -> bool:
        return self.new is not None and self.new != self.old


def headlines(risk: ProjectRisk | None, tried: ProjectRisk | None) -> list[Headline]:
    """The page's lead: each node the what-if moves (its old date and today's chance of
    meeting it → its new date and the chance with the change, read from the same rows
    as the table), then the project's target, unless a moved node carried it (the key
    time node, whose line then says what the target's would)."""
    if risk is None:
        return []
    lines: list[Headline] = []
    if tried is not None:
        before = {row.item.pk: row for row in risk.nodes}
        for row in tried.nodes:
            old = before.get(row.item.pk)
            old_date = old.node if old else None
            if row.node != old_date:
                lines.append(
                    Headline(
                        row.item.name, old_date, old.probability if old else None,
                        row.node, row.probability,
                    )
                )  # fmt: skip
    if risk.target is not None and all(line.old != risk.target for line in lines):
        lines.append(
            Headline(
                None, risk.target, risk.target_probability,
                tried.target if tried else None, tried.target_probability if tried else None,
            )
        )  # fmt: skip
    return lines


def _dates(axis, offsets: np.ndarray, milestone: list[bool]) -> list[list[date]]:
    """Calendar dates of (rows × quantiles) finish offsets: a fractional offset is the
    day it falls in; a milestone's row reads as milestone dates."""
    whole = np.ceil(offsets - 1e-9).astype(np.int64)
    if whole.size == 0:
        return [[] for _ in milestone]
    finishes = axis.finish_dates(whole.ravel()).reshape(whole.shape)
    points = axis.milestone_dates(whole.ravel()).reshape(whole.shape)
    chosen = np.where(np.array(milestone, dtype=bool)[:, None], points, finishes)
    return [[day.item() for day in row] for row in chosen]


def _groups(keys: list) -> np.ndarray:
    """Dense factor indices for *keys* (None: no factor)."""
    index: dict = {}
    return np.array(
        [-1 if key is None else index.setdefault(key, len(index)) for key in keys], dtype=np.int64
    )


@dataclass(frozen=True)
class AtRisk:
    """A time node still ahead whose chance is under even odds (dashboard, bulletin)."""

    project_code: str
    project_name: str
    item_pk: int
    item_name: str
    node: date
    p80: date
    probability: float


def _version(city) -> str:
    """Changes whenever a figure the risk reads changes: a report, the office's review of
    one (a confirmed report above target starts to count), a schedule, an estimate."""
    from django.db.models import Count, Max

    reports = ProgressReport.objects.filter(work_item__project__city=city).aggregate(
        last=Max("id")
    )["last"]
    reviews = ReportReview.objects.filter(report__work_item__project__city=city).aggregate(
        last=Max("id")
    )["last"]
    plans = Project.objects.filter(city=city).aggregate(last=Max("scheduled_at"))["last"]
    estimates = ThreePoint.objects.filter(work_item__project__city=city).aggregate(
        last=Max("set_at"), count=Count("id")
    )
    stamps = [
        int(moment.timestamp() * 1_000_000) if moment else 0
        for moment in (plans, estimates["last"])
    ]
    return f"{reports}-{reviews}-{stamps[0]}-{stamps[1]}-{estimates['count']}"


def _key(city, name: str, today: date, version: str) -> str:
    return f"guatu:risk:{city.pk}:{name}:{today.isoformat()}:{version}"


def _cached(city, name: str, today: date, compute, version: str | None = None):
    """*compute*'s answer for *name* on *today*, kept until a figure of *city* changes."""
    from django.core.cache import cache

    key = _key(city, name, today, version or _version(city))
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


#: How long a computed risk is kept at most (a new figure replaces it at once).
CACHE_SECONDS = 600


def city_calibration(city, today: date, version: str | None = None):
    """The city's calibration of *today* (``calibrate``), kept until a figure changes: every
    project's risk reads the same one. *version*: ``_version`` if the caller has it."""
    return _cached(city, "calibration", today, lambda: calibrate(city, today), version)


def city_risks(city, *, today: date | None = None) -> list[ProjectRisk]:
    """Every scheduled project's risk (one calibration for all), cached until a figure changes."""
    today = today or city_today(city)
    version = _version(city)

    def compute() -> list[ProjectRisk]:
        calibration = city_calibration(city, today, version)
        projects = list(Project.objects.filter(city=city).select_related("city").order_by("code"))
        plans = plan_networks(projects, data_dates={p.pk: today for p in projects})
        estimates: dict[int, dict] = {}
        for e in ThreePoint.objects.filter(work_item__project__city=city).select_related(
            "work_item"
        ):
            estimates.setdefault(e.work_item.project_id, {})[e.work_item_id] = e
        risks = (
            project_risk(
                p, today=today, calibration=calibration, plan=plans[p.pk],
                estimates=estimates.get(p.pk, {}),
            )
            for p in projects
        )  # fmt: skip
        return [risk for risk in risks if risk is not None]

    return _cached(city, "city", today, compute, version)


def project_risk_cached(project: Project, *, today: date | None = None) -> ProjectRisk | None:
    """``project_risk`` of today, kept until a report, schedule or estimate changes.

    When the city's risks of the same figures are already computed (the
    dashboard's card, the bulletin), the project's is taken from them: the
    same inputs and seed give the same runs.
    """
    from django.core.cache import cache

    today = today or city_today(project.city)
    version = _version(project.city)
    city = cache.get(_key(project.city, "city", today, version))
    if city is not None:
        return next((risk for risk in city if risk.project.pk == project.pk), None)
    found = _cached(
        project.city,
        f"p{project.pk}",
        today,
        lambda: (
            project_risk(
                project, today=today, calibration=city_calibration(project.city, today, version)
            )
            or False
        ),  # False: cached "no schedule"
        version,
    )
    return found or None


def nodes_at_risk(city, *, today: date | None = None, below: float = 0.5) -> list[AtRisk]:
    """Time nodes not yet due whose chance of being met is under *below*, worst first."""
    today = today or city_today(city)
    found = [
        AtRisk(
            risk.project.code, risk.project.name, row.item.pk, row.item.name, row.node, row.p80,
            row.probability,
        )
        for risk in city_risks(city, today=today)
        for row in risk.nodes
        if row.node and row.node >= today and row.probability is not None
        and row.probability < below
    ]  # fmt: skip
    return sorted(found, key=lambda r: (r.probability, r.node))
