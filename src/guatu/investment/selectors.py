"""The city's investment standing for a month: one computation every page lays out.

The dashboard's line, the investment page's tables, the project page, the 大屏, the
bulletin and the API all read ``city_standing`` (and ``project_months`` for one project),
so they agree on every figure. What counts: each month's report in force (nothing has
corrected it) that the office has not returned; a report waiting for review counts, and
the pages say how many are waiting.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.core import investment as core
from guatu.investment.models import FUND_SOURCES, AnnualPlan, CheckFlag, MonthlyReport
from guatu.investment.rules import month_end, rules_for
from guatu.org.models import Department, Town
from guatu.projects.models import Project

#: The dimensions a city's figures are summed by (key, label).
DIMENSIONS = (
    ("category", gettext_lazy("by category")),
    ("level", gettext_lazy("by level")),
    ("town", gettext_lazy("by town")),
    ("department", gettext_lazy("by lead department")),
)
#: Why a project is behind its 序时, as the offices write it.
REASON_START = gettext_lazy("开工滞后")
REASON_INVESTMENT = gettext_lazy("投资滞后")


def counted() -> Q:
    """The reports that count: in force and not returned."""
    return Q(superseded_by__isnull=True) & ~Q(review__decision="returned")


@dataclass
class ProjectStanding:
    project: Project
    plan: float
    done: float  # January to the month
    month_done: float  # the month alone
    share: float
    standing: core.Standing
    light: str
    reported: bool  # the month is reported (and counts)
    started: bool
    reason: str = ""


@dataclass
class GroupRow:
    key: object  # the category's or level's code, the town's or department's id; None: not set
    label: str
    count: int
    done: float
    plan: float
    rate: float
    schedule: float
    gap: float
    light: str


@dataclass
class StartRate:
    started: int
    total: int
    rate: float
    target: float | None
    not_started: list[Project]
    target_month: int | None = None  # the month the target in force falls due


@dataclass
class CityStanding:
    year: int
    month: int
    rules_version: int | None
    rows: list[ProjectStanding]
    total: GroupRow
    groups: dict[str, list[GroupRow]] = field(default_factory=dict)
    start: StartRate | None = None
    waiting_review: int = 0
    open_checks: int = 0
    unreported: list[Project] = field(default_factory=list)
    #: Projects with investment reported this year but no annual plan: outside the sums (a
    #: rate needs a plan), named on the page so that nothing is left out unsaid.
    unplanned: list[Project] = field(default_factory=list)

    @property
    def behind(self) -> list[ProjectStanding]:
        """未达序时: the projects behind their 序时, furthest behind first."""
        rows = [row for row in self.rows if row.plan > 0 and core.is_behind(row.standing.gap)]
        return sorted(rows, key=lambda row: row.standing.gap)

    @property
    def has_figures(self) -> bool:
        return self.total.plan > 0


def month_share(plan: AnnualPlan | None, rules: core.InvestmentRules, month: int) -> float:
    """The share of *plan* due by the end of *month*: the project's curve, else the city's."""
    curve = plan.curve if plan is not None else None
    return core.schedule_share(month, [float(v) / 100 for v in curve] if curve else rules.curve)


def city_standing(city, year: int, month: int) -> CityStanding:
    """Every project with a plan for *year*, January to *month*, and the sums of them.

    A page reads it once, so it is kept lean: plans and reports are read as values, the
    towns and departments once each (not joined to every project), each group's name
    worked out once."""
    version, rules = rules_for(city, year, month)
    plans = {
        project_id: (float(amount), curve)
        for project_id, amount, curve in AnnualPlan.objects.filter(
            project__city=city, year=year
        ).values_list("project_id", "amount", "curve")
    }
    projects = list(
        Project.objects.filter(city=city)
        .filter(Q(pk__in=plans.keys()) | Q(category=Project.Category.NEW))
        .order_by("code")
    )
    _attach_units(city, projects)
    # Summed as the database stores them (exact 万元 to the fen), then made floats.
    exact: dict[int, Decimal] = defaultdict(Decimal)
    this_month: dict[int, float] = defaultdict(float)
    reported: set[int] = set()
    for project_id, report_month, amount in MonthlyReport.objects.filter(
        counted(), project__city=city, year=year, month__lte=month
    ).values_list("project_id", "month", "amount"):
        exact[project_id] += amount
        if report_month == month:
            this_month[project_id] = float(amount)
            reported.add(project_id)
    end = month_end(year, month)
    rows = [
        _row(
            project,
            plans.get(project.pk, (0.0, None)),
            exact.get(project.pk, Decimal(0)),
            this_month[project.pk],
            project.pk in reported,
            rules,
            month,
            end,
        )
        for project in projects
    ]
    planned = [row for row in rows if row.plan > 0]
    standing = CityStanding(
        year=year,
        month=month,
        rules_version=version,
        rows=planned,
        total=_groups(planned, [0] * len(planned), [(None, _("the city"))], rules)[0],
    )
    for key, _label in DIMENSIONS:
        keys, index = _labels(planned, key)
        standing.groups[key] = _groups(planned, index, keys, rules)
    standing.start = _start_rate(rows, end, month, rules)
    standing.waiting_review = waiting_reports(city, year, month).count()
    standing.open_checks = open_flags(city, year, month).count()
    standing.unreported = [row.project for row in planned if not row.reported]
    planned_ids = {row.project.pk for row in planned}
    if outside := [pk for pk, amount in exact.items() if pk not in planned_ids and amount]:
        standing.unplanned = list(Project.objects.filter(pk__in=outside).order_by("code"))
    return standing


def _row(
    project: Project,
    plan: tuple[float, list | None],
    done: Decimal,
    month_done: float,
    reported: bool,
    rules: core.InvestmentRules,
    month: int,
    end: date,
) -> ProjectStanding:
    """One project's month: its position against its 序时, light and why it is behind —
    the one rule for a project's row, in the city's standing and on its own page."""
    amount, curve = plan
    share = core.schedule_share(month, [v / 100 for v in curve] if curve else rules.curve)
    position = core.standing(done=float(done), plan=amount, share=share)
    started = project.groundbreaking is not None and project.groundbreaking <= end
    row = ProjectStanding(
        project=project,
        plan=amount,
        done=float(done),
        month_done=month_done,
        share=share,
        standing=position,
        light=core.LIGHTS[core.light_of(position.gap, rules, has_plan=amount > 0)],
        reported=reported,
        started=started,
    )
    if amount > 0 and core.is_behind(position.gap):
        late_start = project.category == Project.Category.NEW and not started
        row.reason = str(REASON_START if late_start else REASON_INVESTMENT)
    return row


def project_standing(project: Project, year: int, month: int) -> ProjectStanding | None:
    """*project*'s row of the city's standing for *month* of *year*, read for it alone (its
    page needs one row, not the city's thousand): None without a plan for the year."""
    _version, rules = rules_for(project.city, year, month)
    plan = AnnualPlan.objects.filter(project=project, year=year).values_list("amount", "curve")
    found = plan.first()
    if found is None or found[0] <= 0:
        return None
    done, month_done, reported = Decimal(0), 0.0, False
    for report_month, amount in MonthlyReport.objects.filter(
        counted(), project=project, year=year, month__lte=month
    ).values_list("month", "amount"):
        done += amount
        if report_month == month:
            month_done, reported = float(amount), True
    return _row(
        project,
        (float(found[0]), found[1]),
        done,
        month_done,
        reported,
        rules,
        month,
        month_end(year, month),
    )


def _attach_units(city, projects: list[Project]) -> None:
    """Give each project its responsible town and lead department, read once for the
    city rather than joined to every row."""
    towns = {town.pk: town for town in Town.objects.filter(city=city)}
    departments = {unit.pk: unit for unit in Department.objects.filter(city=city)}
    town_field = Project._meta.get_field("responsible_town")
    department_field = Project._meta.get_field("owner_department")
    for project in projects:
        town_field.set_cached_value(project, towns.get(project.responsible_town_id))
        department_field.set_cached_value(project, departments.get(project.owner_department_id))


def _upto(year: int | None, month: int | None, prefix: str = "") -> Q:
    """The months of *year* up to *month* (no year: every month)."""
    if year is None:
        return Q()
    return Q(**{f"{prefix}year": year, f"{prefix}month__lte": month or 12})


def waiting_reports(city, year: int | None = None, month: int | None = None):
    """Reports waiting for the office: in force, not reviewed — of *year* up to *month*
    when given (a month's standing counts its own), else all (the review page, the 待办,
    the API's list)."""
    return (
        MonthlyReport.objects.filter(
            _upto(year, month), project__city=city, superseded_by__isnull=True, review__isnull=True
        )
        .select_related("project", "reported_by")
        .prefetch_related(
            Prefetch("flags", queryset=CheckFlag.objects.filter(cleared_at__isnull=True))
        )
        .order_by("year", "month", "created_at", "id")
    )


def open_flags(city, year: int | None = None, month: int | None = None):
    """Checks not cleared on reports in force and not returned: a returned month's checks
    wait for its correction (the review page, the 待办, the API and the count); of *year*
    up to *month* when given."""
    return (
        CheckFlag.objects.filter(
            _upto(year, month, "report__"),
            report__project__city=city,
            report__superseded_by__isnull=True,
            cleared_at__isnull=True,
        )
        .exclude(report__review__decision="returned")
        .select_related("report__project")
        .order_by("report__year", "report__month", "report__project__code", "check_code")
    )


def _labels(rows: list[ProjectStanding], key: str) -> tuple[list[tuple[object, str]], list]:
    """The groups of dimension *key* — (key, name) pairs in order of first appearance; a
    town or department is keyed by its id, never by its name — and each row's group index.
    Each group's name is worked out once."""
    unset = _("not set")
    if key in ("category", "level"):
        names = {value: str(label) for value, label in Project._meta.get_field(key).flatchoices}
        pairs = [(getattr(row.project, key) or None, row.project) for row in rows]

        def name(found, project) -> str:
            return names.get(found) or unset
    elif key == "town":
        pairs = [(row.project.responsible_town_id, row.project) for row in rows]

        def name(found, project) -> str:
            return project.responsible_town.name if found else unset
    else:
        pairs = [(row.project.owner_department_id, row.project) for row in rows]

        def name(found, project) -> str:
            return project.owner_department.name

    groups: list[tuple[object, str]] = []
    seen: dict[object, int] = {}
    index = []
    for found, project in pairs:
        if found not in seen:
            seen[found] = len(groups)
            groups.append((found, name(found, project)))
        index.append(seen[found])
    return groups, index


def _groups(
    rows, index: list[int], keys: list[tuple[object, str]], rules: core.InvestmentRules
) -> list[GroupRow]:
    """Sum *rows* into the groups *keys* (``index[i]``: row i's group) with the core's
    one roll-up."""
    sums = core.rollup(
        np.array(index, dtype=np.int64),
        len(keys),
        done=np.array([row.done for row in rows], dtype=float),
        plan=np.array([row.plan for row in rows], dtype=float),
        share=np.array([row.share for row in rows], dtype=float),
    )
    lights = sums.lights(rules)
    return [
        GroupRow(
            key=key,
            label=label,
            count=int(sums.count[i]),
            done=float(sums.done[i]),
            plan=float(sums.plan[i]),
            rate=float(sums.rate[i]),
            schedule=float(sums.schedule[i]),
            gap=float(sums.gap[i]),
            light=core.LIGHTS[int(lights[i])],
        )
        for i, (key, label) in enumerate(keys)
    ]


def _start_rate(rows, end: date, month: int, rules) -> StartRate:
    """开工率 of the year's 新开工 projects: those with a plan for the year (a project
    listed as 新开工 with no plan this year is another year's)."""
    new = [row for row in rows if row.project.category == Project.Category.NEW and row.plan > 0]
    started, total, rate = core.start_rate([row.project.groundbreaking for row in new], end)
    return StartRate(
        started=started,
        total=total,
        rate=rate,
        target=core.quarter_target(month, rules),
        not_started=[row.project for row in new if not row.started],
        target_month=max((m for m, _share in rules.start_targets if m <= month), default=None),
    )


@dataclass
class ProjectMonth:
    month: int
    plan_due: float  # cumulative plan due by the month's end
    done: float | None  # cumulative done (None: not reported yet, or a future month)
    amount: float | None
    report: MonthlyReport | None


def project_months(project: Project, year: int, upto: int) -> list[ProjectMonth]:
    """*project*'s twelve months of *year*: the plan's cumulative curve and what was done
    (reported months up to *upto*), for the S-curve and the monthly bars."""
    _version, rules = rules_for(project.city, year, max(upto, 1))
    plan = AnnualPlan.objects.filter(project=project, year=year).first()
    amount = float(plan.amount) if plan else 0.0
    reports = {
        report.month: report
        for report in MonthlyReport.objects.filter(counted(), project=project, year=year)
    }
    months, total = [], Decimal(0)
    for month in range(1, 13):
        report = reports.get(month) if month <= upto else None
        if report is not None:
            total += report.amount
        months.append(
            ProjectMonth(
                month=month,
                plan_due=amount * month_share(plan, rules, month),
                done=float(total) if month <= upto and any(m <= month for m in reports) else None,
                amount=float(report.amount) if report else None,
                report=report,
            )
        )
    return months


def funds_by_source(project: Project, year: int) -> list[tuple[str, Decimal]]:
    """资金到位 of *year* by source (the reports that count)."""
    totals = {name: Decimal(0) for name, _label in FUND_SOURCES}
    for report in MonthlyReport.objects.filter(counted(), project=project, year=year):
        for name in totals:
            totals[name] += getattr(report, name)
    return [(str(label), totals[name]) for name, label in FUND_SOURCES]
