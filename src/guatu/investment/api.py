"""投资调度 over the REST API: the city's month, a project's year, reports, reviews, checks.

Thin, as every router of /api/v1/: the figures come from ``selectors.city_standing``
and ``selectors.project_months`` (the one computation the pages, the bulletin and the
大屏 read too), the writes go through ``services`` (which enforce the roles: a report by
the project's responsible town, its lead department or the office; plans, reviews and
cleared checks by the office). Every number and text is bounded at its field, so a year
9999, an amount of 1e30 or a NUL character is a 422 naming the field, never a 500; an id
of another city is a 404 (the models' city-scoped managers). Mounted at the root of
/api/v1/ by ``guatu.api.v1``; every path contains ``investment``.
"""

from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import AfterValidator

from guatu.access import reads_everything, require
from guatu.common.times import LocalDateTime
from guatu.investment.lines import headline
from guatu.investment.models import (
    FUND_SOURCES,
    AnnualPlan,
    CheckFlag,
    MonthlyReport,
    MonthlyReview,
)
from guatu.investment.rankings import red_black_lists
from guatu.investment.rules import figures_month, reporting_month
from guatu.investment.selectors import (
    DIMENSIONS,
    GroupRow,
    city_standing,
    funds_by_source,
    open_flags,
    project_months,
    waiting_reports,
)
from guatu.investment.services import (
    MAX_MONEY,
    TEXT_LIMIT,
    MonthFigures,
    check_text,
    flag_clear,
    monthly_review,
    monthly_submit,
    plan_set,
)
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project

router = Router(tags=["investment"])

#: Rows per page of the office's lists (``?page=``, from 1).
PAGE = 100
#: The last page one may ask for (beyond it a list is empty anyway; a bound, not a limit).
MAX_PAGE = 10_000


def _no_nul(value: str) -> str:
    """PostgreSQL stores no text with a NUL in it: refused at the field, not in the database."""
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


#: A year of 投资调度 (the services' own range: plans 2000–2100).
Year = Annotated[int, Field(ge=2000, le=2100)]
#: A calendar month.
Month = Annotated[int, Field(ge=1, le=12)]
#: A month's figure in 万元, as the database stores it (DecimalField(14, 2)); negative: 核减.
Money = Annotated[
    Decimal,
    Field(ge=-MAX_MONEY, le=MAX_MONEY, max_digits=14, decimal_places=2, allow_inf_nan=False),
]
#: Funds in place or a plan in 万元: never negative.
Amount = Annotated[
    Decimal, Field(ge=0, le=MAX_MONEY, max_digits=14, decimal_places=2, allow_inf_nan=False)
]
#: A text a person writes (形象进度, a reason, a note).
Text = Annotated[str, Field(max_length=TEXT_LIMIT), AfterValidator(_no_nul)]
#: One month's cumulative share of a plan curve, in %.
CurvePoint = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


# --- out ---------------------------------------------------------------------------------


class InvestmentGroupOut(Schema):
    key: str | int | None = Field(
        description="The category's or level's code, the town's or department's id; "
        "null: not set (or the city)."
    )
    label: str
    count: int
    done: float = Field(description="Invested January to the month (万元).")
    plan: float = Field(description="The year's plans (万元).")
    rate: float = Field(description="完成率: done ÷ plan, %.")
    schedule: float = Field(
        description="序时进度: the share of the plans due by the month's end, %."
    )
    gap: float = Field(description="超(+)/欠(−)序时, percentage points.")
    light: str = Field(description="none, green, yellow or red (the city's thresholds).")


class InvestmentDimensionOut(Schema):
    key: str = Field(description="category, level, town or department")
    label: str
    rows: list[InvestmentGroupOut]


class InvestmentBehindOut(Schema):
    id: int
    code: str
    name: str
    done: float
    plan: float
    rate: float
    schedule: float
    gap: float
    light: str
    reason: str = Field(description="开工滞后 or 投资滞后, as the offices write it.")


class InvestmentProjectRefOut(Schema):
    id: int
    code: str
    name: str
    preparation: str = Field(description="前期进展: where a project not yet started stands.")


class InvestmentStartOut(Schema):
    started: int
    total: int
    rate: float = Field(description="新开工率, %.")
    target: float | None = Field(description="The target in force at the month's end, %.")
    not_started: list[InvestmentProjectRefOut]


class InvestmentRankedOut(Schema):
    name: str
    gap: float = Field(description="超(+)/欠(−)序时 in percentage points, as in the table.")
    rank: int


class InvestmentListsOut(Schema):
    series: str = Field(description="town or department")
    red: list[InvestmentRankedOut]
    black: list[InvestmentRankedOut]
    exempt: list[str] = Field(description="Units a leader kept off the lists this month.")


class InvestmentCityOut(Schema):
    year: int
    month: int
    rules_version: int | None
    headline: str = Field(description="The month's standard line, as the bulletin prints it.")
    total: InvestmentGroupOut
    groups: list[InvestmentDimensionOut]
    behind: list[InvestmentBehindOut] = Field(description="未达序时, furthest behind first.")
    start: InvestmentStartOut
    waiting_review: int
    open_checks: int
    unreported: list[int] = Field(description="Ids of the projects with a plan whose month is "
                                  "not reported (or whose report was returned).")  # fmt: skip
    red_black: list[InvestmentListsOut] = Field(description="红黑榜, one 序列 each.")


class InvestmentReviewOut(Schema):
    decision: str = Field(description="approved or returned")
    decision_label: str
    note: str
    reviewed_by: str
    reviewed_at: LocalDateTime


class InvestmentCheckOut(Schema):
    id: int
    check: int = Field(description="The statistics check (core.investment.Check).")
    text: str = Field(description="What it says, in the request's language.")
    rules_version: int | None
    cleared: bool
    cleared_by: str | None
    cleared_at: LocalDateTime | None
    note: str = Field(description="Why the figure stands (the office's, once cleared).")


class InvestmentFundOut(Schema):
    source: str
    label: str
    amount: Decimal


class InvestmentReportOut(Schema):
    id: int
    project: int
    project_code: str
    project_name: str
    year: int
    month: int
    amount: Decimal
    construction: Decimal | None
    equipment: Decimal | None
    other: Decimal | None
    funds: list[InvestmentFundOut]
    progress_text: str
    in_library: bool
    in_statistics: bool
    confirmation: bool = Field(description="A 形象进度确认单 is attached (through the page).")
    reported_by: str
    created_at: LocalDateTime
    supersedes: int | None
    superseded_by: int | None
    correction_reason: str
    rules_version: int | None
    counts: bool = Field(description="In force and not returned: it counts in the figures.")
    review: InvestmentReviewOut | None
    checks: list[InvestmentCheckOut]


class InvestmentPlanOut(Schema):
    year: int
    amount: Decimal
    curve: list[float] | None = Field(description="The project's own curve (%), else null.")
    set_by: str | None
    set_at: LocalDateTime


class InvestmentMonthOut(Schema):
    month: int
    plan_due: float = Field(description="The plan due by the month's end, cumulative (万元).")
    done: float | None = Field(description="Invested by the month's end (null: not reported).")
    amount: float | None
    report: int | None


class ProjectInvestmentOut(Schema):
    id: int
    code: str
    name: str
    project_code: str
    total_investment: Decimal | None
    level: str
    category: str
    stage: str
    year: int
    plan: InvestmentPlanOut | None
    months: list[InvestmentMonthOut]
    funds: list[InvestmentFundOut] = Field(
        description="资金到位 of the year by source (reports that count)."
    )
    reports: list[InvestmentReportOut] = Field(
        description="Every report of the year, corrections included."
    )


# --- in ----------------------------------------------------------------------------------


class InvestmentFundsIn(Schema):
    fund_central: Amount = Decimal(0)
    fund_provincial: Amount = Decimal(0)
    fund_local: Amount = Decimal(0)
    fund_bond: Amount = Decimal(0)
    fund_loan: Amount = Decimal(0)
    fund_self: Amount = Decimal(0)
    fund_other: Amount = Decimal(0)


class InvestmentMonthIn(Schema):
    year: Year
    month: Month
    amount: Money = Field(description="本月完成投资 (万元).")
    construction: Money | None = Field(None, description="建安工程 (万元).")
    equipment: Money | None = Field(None, description="设备购置 (万元).")
    other: Money | None = Field(None, description="其他费用 (万元).")
    funds: InvestmentFundsIn = Field(
        default_factory=InvestmentFundsIn, description="资金到位 by source (万元)."
    )
    progress_text: Text = ""
    in_library: bool = False
    in_statistics: bool = False
    supersedes: int | None = Field(
        None, description="A correction: the id of the month's report in force it replaces."
    )
    correction_reason: Text = ""


class InvestmentReviewIn(Schema):
    approve: bool
    note: Text = Field("", description="Required to return a report.")


class InvestmentClearIn(Schema):
    note: Text = Field(description="Why the figure stands.")


class InvestmentPlanIn(Schema):
    amount: Amount = Field(description="年度投资计划 (万元).")
    curve: Annotated[list[CurvePoint], Field(min_length=12, max_length=12)] | None = Field(
        None, description="Twelve cumulative percentages rising to 100; null: the city's."
    )


# --- shaping -----------------------------------------------------------------------------


def _group(row: GroupRow) -> InvestmentGroupOut:
    return InvestmentGroupOut(**vars(row))


def _user(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _funds(pairs) -> list[InvestmentFundOut]:
    return [
        InvestmentFundOut(source=name, label=str(label), amount=amount)
        for (name, label), (_shown, amount) in zip(FUND_SOURCES, pairs, strict=True)
    ]


def _reports(queryset) -> list[MonthlyReport]:
    return list(
        queryset.select_related(
            "project", "reported_by", "superseded_by", "review__reviewed_by"
        ).prefetch_related("flags__cleared_by")
    )


def _review(report: MonthlyReport) -> MonthlyReview | None:
    try:
        return report.review
    except MonthlyReview.DoesNotExist:
        return None


def _superseded_by(report: MonthlyReport) -> MonthlyReport | None:
    try:
        return report.superseded_by
    except MonthlyReport.DoesNotExist:
        return None


def _check(flag: CheckFlag) -> InvestmentCheckOut:
    return InvestmentCheckOut(
        id=flag.pk,
        check=flag.check_code,
        text=check_text(flag),
        rules_version=flag.rules_version,
        cleared=flag.cleared_at is not None,
        cleared_by=_user(flag.cleared_by),
        cleared_at=flag.cleared_at,
        note=flag.clear_note,
    )


def _report(report: MonthlyReport) -> InvestmentReportOut:
    review, later = _review(report), _superseded_by(report)
    return InvestmentReportOut(
        id=report.pk,
        project=report.project_id,
        project_code=report.project.code,
        project_name=report.project.name,
        year=report.year,
        month=report.month,
        amount=report.amount,
        construction=report.construction,
        equipment=report.equipment,
        other=report.other,
        funds=_funds(report.funds),
        progress_text=report.progress_text,
        in_library=report.in_library,
        in_statistics=report.in_statistics,
        confirmation=bool(report.confirmation),
        reported_by=_user(report.reported_by),
        created_at=report.created_at,
        supersedes=report.supersedes_id,
        superseded_by=later.pk if later else None,
        correction_reason=report.correction_reason,
        rules_version=report.rules_version,
        counts=later is None
        and (review is None or review.decision != MonthlyReview.Decision.RETURNED),
        review=None
        if review is None
        else InvestmentReviewOut(
            decision=review.decision,
            decision_label=str(review.get_decision_display()),
            note=review.note,
            reviewed_by=_user(review.reviewed_by),
            reviewed_at=review.reviewed_at,
        ),
        checks=[_check(flag) for flag in report.flags.all()],
    )


def _one_report(pk: int) -> InvestmentReportOut:
    return _report(_reports(MonthlyReport.objects.filter(pk=pk))[0])


def _last_month(city) -> tuple[int, int]:
    """The month shown when none is asked for: the month published (its due day passed),
    as on the page, the dashboard and the bulletin."""
    return figures_month(city, city_today(city))


# --- the city ----------------------------------------------------------------------------


@router.get(
    "/investment/city",
    response=InvestmentCityOut,
    summary="The city's investment in a month: the headline line, totals by category, level, "
    "town and department, 未达序时 with reasons, 开工率 (default: the last month ended)",
)
def city(request, year: Year | None = None, month: Month | None = None):
    here = current_city_or_404()
    last_year, last_month = _last_month(here)
    if year is None:
        year = last_year
    if month is None:
        # A past year is shown as it ended; this one to its last month ended.
        month = last_month if year == last_year else 12
    today = city_today(here)
    if (year, month) >= (today.year, today.month):
        raise ValidationError(
            {
                "month": _("%(year)d-%(month)02d is not over yet: choose an earlier month.")
                % {"year": year, "month": month}
            }
        )
    standing = city_standing(here, year, month)
    start = standing.start
    lists = red_black_lists(here, standing)
    return InvestmentCityOut(
        red_black=[
            InvestmentListsOut(
                series=found.series,
                red=[InvestmentRankedOut(name=p.name, gap=p.gap, rank=p.rank) for p in found.red],
                black=[
                    InvestmentRankedOut(name=p.name, gap=p.gap, rank=p.rank) for p in found.black
                ],
                exempt=[str(e.town or e.department) for e in found.exempt],
            )
            for found in lists
        ],
        year=standing.year,
        month=standing.month,
        rules_version=standing.rules_version,
        headline=headline(standing),
        total=_group(standing.total),
        groups=[
            InvestmentDimensionOut(
                key=key, label=str(label), rows=[_group(row) for row in standing.groups[key]]
            )
            for key, label in DIMENSIONS
        ],
        behind=[
            InvestmentBehindOut(
                id=row.project.pk,
                code=row.project.code,
                name=row.project.name,
                done=row.done,
                plan=row.plan,
                rate=row.standing.rate,
                schedule=row.standing.schedule,
                gap=row.standing.gap,
                light=row.light,
                reason=row.reason,
            )
            for row in standing.behind
        ],
        start=InvestmentStartOut(
            started=start.started,
            total=start.total,
            rate=start.rate,
            target=start.target,
            not_started=[
                InvestmentProjectRefOut(
                    id=p.pk, code=p.code, name=p.name, preparation=p.preparation
                )
                for p in start.not_started
            ],
        ),
        waiting_review=standing.waiting_review,
        open_checks=standing.open_checks,
        unreported=[project.pk for project in standing.unreported],
    )


@router.get(
    "/investment/reports",
    response=list[InvestmentReportOut],
    summary="The office's lists: reports waiting for review, or with a statistics check not "
    f"yet cleared; oldest first, {PAGE} a page (?page= from 1)",
)
def reports(
    request,
    status: Literal["waiting", "open_checks"] = "waiting",
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1,
):
    # The review page's lists (investment/review/), for those who may open that page.
    here = current_city_or_404()
    require(
        reads_everything(request.user),
        user=request.user,
        action="investment_review_list",
        target=here,
    )
    listed = waiting_reports(here).values("pk")
    if status == "open_checks":
        listed = open_flags(here).values("report")
    rows = MonthlyReport.objects.filter(pk__in=listed).order_by("year", "month", "created_at", "id")
    start = (page - 1) * PAGE
    return [_report(report) for report in _reports(rows[start : start + PAGE])]


# --- a project ---------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/investment",
    response=ProjectInvestmentOut,
    summary="A project's investment in a year: its plan, the twelve months (plan due and done), "
    "funds by source, every report with its review and checks (default: this year)",
)
def project_investment(request, project_id: int, year: Year | None = None):
    project = get_object_or_404(Project.objects.select_related("city"), pk=project_id)
    # As the project's page: its months up to the last one that has ended.
    last_year, last_month = reporting_month(city_today(project.city))
    year = year or last_year
    upto = 12 if year < last_year else (last_month if year == last_year else 0)
    plan = project.annual_plans.filter(year=year).select_related("set_by").first()
    history = _reports(MonthlyReport.objects.filter(project=project, year=year))
    return ProjectInvestmentOut(
        id=project.pk,
        code=project.code,
        name=project.name,
        project_code=project.project_code,
        total_investment=project.total_investment,
        level=project.level,
        category=project.category,
        stage=project.stage,
        year=year,
        plan=None
        if plan is None
        else InvestmentPlanOut(
            year=plan.year,
            amount=plan.amount,
            curve=plan.curve,
            set_by=_user(plan.set_by),
            set_at=plan.set_at,
        ),
        months=[
            InvestmentMonthOut(
                month=row.month,
                plan_due=row.plan_due,
                done=row.done,
                amount=row.amount,
                report=row.report.pk if row.report else None,
            )
            for row in project_months(project, year, upto)
        ],
        funds=_funds(funds_by_source(project, year)),
        reports=[_report(report) for report in history],
    )


@router.post(
    "/projects/{project_id}/investment/reports",
    response={201: InvestmentReportOut},
    summary="Report a month's investment (the project's responsible town, its lead department, "
    "the office); a correction names the report it supersedes and gives its reason",
)
def report_submit(request, project_id: int, payload: InvestmentMonthIn):
    project = get_object_or_404(Project.objects.select_related("city"), pk=project_id)
    supersedes = None
    if payload.supersedes is not None:
        supersedes = MonthlyReport.objects.filter(pk=payload.supersedes, project=project).first()
        if supersedes is None:
            raise ValidationError(
                {"supersedes": _("Correct the month's report in force, not an earlier one.")}
            )
    figures = MonthFigures(
        amount=payload.amount,
        construction=payload.construction,
        equipment=payload.equipment,
        other=payload.other,
        funds=tuple((name, getattr(payload.funds, name)) for name, _label in FUND_SOURCES),
        progress_text=payload.progress_text,
        in_library=payload.in_library,
        in_statistics=payload.in_statistics,
    )
    report = monthly_submit(
        actor=request.user,
        project=project,
        year=payload.year,
        month=payload.month,
        figures=figures,
        supersedes=supersedes,
        correction_reason=payload.correction_reason,
    )
    return Status(201, _one_report(report.pk))


@router.put(
    "/projects/{project_id}/investment/plans/{year}",
    response=InvestmentPlanOut,
    summary="Set a project's 年度投资计划 for a year, with its own curve or none (the office)",
)
def plan_put(request, project_id: int, year: Year, payload: InvestmentPlanIn):
    project = get_object_or_404(Project.objects.select_related("city"), pk=project_id)
    plan = plan_set(
        actor=request.user,
        project=project,
        year=year,
        amount=payload.amount,
        curve=payload.curve,
    )
    plan = AnnualPlan.objects.select_related("set_by").get(pk=plan.pk)  # as stored: 6000.00
    return InvestmentPlanOut(
        year=plan.year,
        amount=plan.amount,
        curve=plan.curve,
        set_by=_user(plan.set_by),
        set_at=plan.set_at,
    )


# --- the office --------------------------------------------------------------------------


@router.post(
    "/investment/reports/{investment_report_id}/review",
    response=InvestmentReportOut,
    summary="同意 or 退回 a monthly report (the office); returning needs a note, approving "
    "needs every check cleared",
)
def review(request, investment_report_id: int, payload: InvestmentReviewIn):
    report = get_object_or_404(
        MonthlyReport.objects.select_related("project"), pk=investment_report_id
    )
    monthly_review(actor=request.user, report=report, approve=payload.approve, note=payload.note)
    return _one_report(report.pk)


@router.post(
    "/investment/checks/{check_id}/clear",
    response=InvestmentCheckOut,
    summary="Clear a statistics check, saying why the figure stands (the office)",
)
def check_clear(request, check_id: int, payload: InvestmentClearIn):
    flag = get_object_or_404(CheckFlag.objects.select_related("report__project"), pk=check_id)
    flag = flag_clear(actor=request.user, flag=flag, note=payload.note)
    return _check(CheckFlag.objects.select_related("cleared_by").get(pk=flag.pk))
