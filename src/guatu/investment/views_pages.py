"""The investment pages: the city's month, a project's year, reports, reviews, checks.

Every figure on them is read from ``selectors.city_standing`` and ``project_months`` and
every sentence from ``lines`` — the same calls the dashboard, the 大屏, the bulletin and
the API make — so no page works a figure out its own way. A page lays figures out; each
post calls exactly one service (``monthly_submit``, ``monthly_review``, ``flag_clear``,
``plan_set``, ``rules_change``), which checks the role again and says what is wrong by
field. Reading is for every signed-in official (the wall chart is shared); the office's
work list (reports waiting for review, checks not cleared) is the office's and leaders'.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guatu.access import (
    can_report_investment,
    can_see_investment_files,
    is_supervisor,
    reads_everything,
    require,
    role_required,
)
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors, bad_query
from guatu.core.wallchart import FONT
from guatu.investment import lines
from guatu.investment.forms import (
    FIRST_YEAR,
    LAST_YEAR,
    ClearForm,
    MonthlyReportForm,
    PlanForm,
    ReviewForm,
    RulesForm,
    curve_text,
    rules_initial,
    targets_text,
)
from guatu.investment.models import CheckFlag, InvestmentRuleSet, MonthlyReport
from guatu.investment.rules import DEFAULT_DUE_DAY, figures_month, reporting_month, version_on
from guatu.investment.selectors import (
    DIMENSIONS,
    CityStanding,
    ProjectMonth,
    ProjectStanding,
    city_standing,
    funds_by_source,
    open_flags,
    project_months,
    project_standing,
    waiting_reports,
)
from guatu.investment.services import (
    check_text,
    flag_clear,
    in_force,
    monthly_review,
    monthly_submit,
    plan_set,
    rules_change,
)
from guatu.investment.views_rankings import red_black_context
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project


class BadQuery(Exception):
    """A query value the page cannot use; its message names the parameter."""


def _number(request: HttpRequest, name: str, low: int, high: int, message: str) -> int | None:
    """``?name=`` as a whole number in [low, high]; None when absent; BadQuery otherwise."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or not low <= int(raw) <= high:
        raise BadQuery(message)
    return int(raw)


def _year(request: HttpRequest) -> int | None:
    return _number(
        request,
        "year",
        FIRST_YEAR,
        LAST_YEAR,
        _("年份 (year) must be a whole number from %(first)d to %(last)d.")
        % {"first": FIRST_YEAR, "last": LAST_YEAR},
    )


def city_period(request: HttpRequest, city, today) -> tuple[int, int]:
    """The month the city page shows: ``?year=&month=``, by default the month published
    (its due day passed: ``rules.figures_month``, as the dashboard and the bulletin); an
    earlier year without a month: its December."""
    default_year, default_month = figures_month(city, today)
    year = _year(request)
    month = _number(request, "month", 1, 12, _("月份 (month) must be a whole number from 1 to 12."))
    year = year or default_year
    if month is None:
        month = default_month if year == default_year else 12
    if (year, month) >= (today.year, today.month):
        # A month not yet over has no figures to state: it would read as far behind.
        raise BadQuery(
            _("%(year)d-%(month)02d is not over yet: choose an earlier month.")
            % {"year": year, "month": month}
        )
    return year, month


def may_open_review(user) -> bool:
    """The office's work list: the office, and leaders who read everything."""
    return reads_everything(user)


def _months_choice() -> list[int]:
    return list(range(1, 13))


# --- the city's month ---------------------------------------------------------------


@login_required
def city_view(request: HttpRequest) -> HttpResponse:
    """The city's month as offices publish it: the lines, the tables, who is behind."""
    city = current_city_or_404()
    try:
        year, month = city_period(request, city, city_today(city))
    except BadQuery as bad:
        return bad_query(request, str(bad))
    standing = city_standing(city, year, month)
    return render(
        request,
        "investment/city.html",
        {
            "standing": standing,
            "headline": lines.headline(standing),
            "start_line": lines.start_line(standing),
            "behind_line": lines.behind_line(standing),
            "groups": [(label, standing.groups.get(key, [])) for key, label in DIMENSIONS],
            "year": year,
            "month": month,
            "months": _months_choice(),
            "may_review": may_open_review(request.user),
            "may_use_workbook": request.user.role in (Role.SUPERVISOR, Role.TOWN, Role.DEPARTMENT),
            **red_black_context(request, city, standing),
        },
    )


# --- the office's work list ----------------------------------------------------------


@role_required(Role.SUPERVISOR, Role.LEADER)
def review_view(request: HttpRequest) -> HttpResponse:
    """What waits for the office: each report to review and each check to clear, with a
    link to the project's page where it is done."""
    city = current_city_or_404()
    flags = list(open_flags(city))
    for flag in flags:
        flag.text = check_text(flag)
    return render(
        request,
        "investment/review.html",
        {"reports": list(waiting_reports(city)), "flags": flags},
    )


# --- a project's year ----------------------------------------------------------------


@dataclass
class _ProjectForms:
    """The project page's forms: blank, or the one just posted, bound with its errors."""

    report: MonthlyReportForm
    plan: PlanForm
    #: Forms bound to a post, by prefix (``r<report>`` for a review, ``f<flag>`` to clear).
    bound: dict[str, ReviewForm | ClearForm] = field(default_factory=dict)


def _posted_id(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404
    return int(raw)


def _submit(request: HttpRequest, project: Project, forms: _ProjectForms) -> bool:
    """填报本月投资: a month, or the correction of one (the month's report in force)."""
    user = request.user
    require(
        can_report_investment(user, project), user=user, action="investment_report", target=project
    )
    forms.report = MonthlyReportForm(request.POST, request.FILES)
    if not forms.report.is_valid():
        return False
    data = forms.report.cleaned_data
    reason = data["correction_reason"]
    current = in_force(project, data["year"], data["month"])
    # A reason given for a month already reported corrects it; without one the service
    # says the month is reported and how to correct it.
    supersedes = current if current is not None and reason.strip() else None
    try:
        monthly_submit(
            actor=user,
            project=project,
            year=data["year"],
            month=data["month"],
            figures=forms.report.figures(),
            confirmation=data["confirmation"] or None,
            photos=data.get("photos") or [],
            supersedes=supersedes,
            correction_reason=reason if supersedes is not None else "",
        )
    except ValidationError as error:
        apply_errors(forms.report, error)
        return False
    messages.success(request, _("Monthly investment saved."))
    return True


def _review(request: HttpRequest, project: Project, forms: _ProjectForms) -> bool:
    """同意 or 退回 one report waiting for review."""
    require(
        is_supervisor(request.user), user=request.user, action="investment_review", target=project
    )
    report = get_object_or_404(MonthlyReport, pk=_posted_id(request, "report"), project=project)
    form = forms.bound[f"r{report.pk}"] = ReviewForm(request.POST, prefix=f"r{report.pk}")
    if not form.is_valid():
        return False
    try:
        monthly_review(
            actor=request.user,
            report=report,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, _("Review recorded."))
    return True


def _clear(request: HttpRequest, project: Project, forms: _ProjectForms) -> bool:
    """Clear one statistics check, saying why the figure stands."""
    require(
        is_supervisor(request.user),
        user=request.user,
        action="investment_flag_clear",
        target=project,
    )
    flag = get_object_or_404(CheckFlag, pk=_posted_id(request, "flag"), report__project=project)
    form = forms.bound[f"f{flag.pk}"] = ClearForm(request.POST, prefix=f"f{flag.pk}")
    if not form.is_valid():
        return False
    try:
        flag_clear(actor=request.user, flag=flag, note=form.cleaned_data["note"])
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, _("Check cleared."))
    return True


def _plan(request: HttpRequest, project: Project, forms: _ProjectForms) -> bool:
    """年度投资计划 (the office)."""
    require(
        is_supervisor(request.user), user=request.user, action="investment_plan", target=project
    )
    forms.plan = PlanForm(request.POST, prefix="plan")
    if not forms.plan.is_valid():
        return False
    data = forms.plan.cleaned_data
    try:
        plan_set(
            actor=request.user,
            project=project,
            year=data["year"],
            amount=data["amount"],
            curve=data["curve"],
        )
    except ValidationError as error:
        apply_errors(forms.plan, error)
        return False
    messages.success(request, _("Annual investment plan saved."))
    return True


_ACTIONS: dict[str, Callable[[HttpRequest, Project, _ProjectForms], bool]] = {
    "report": _submit,
    "review": _review,
    "clear": _clear,
    "plan": _plan,
}


def project_period(request: HttpRequest, today) -> tuple[int, int]:
    """The year the project page shows (``?year=``) and the last month of it that has
    ended (0: the year has not begun; 12: a past year)."""
    current_year, current_month = reporting_month(today)
    year = _year(request) or current_year
    if year == current_year:
        return year, current_month
    return year, 12 if year < current_year else 0


@login_required
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's year: the S-curve, the monthly bars, funds by source, the reports'
    history with their reviews and checks, and the forms the user's role may use."""
    project = get_object_or_404(
        Project.objects.select_related("city", "responsible_town", "owner_department"), pk=pk
    )
    today = city_today(project.city)
    try:
        year, upto = project_period(request, today)
    except BadQuery as bad:
        return bad_query(request, str(bad))
    default_year, default_month = reporting_month(today)
    forms = _ProjectForms(
        report=MonthlyReportForm(initial={"year": default_year, "month": default_month}),
        plan=PlanForm(prefix="plan", initial={"year": year}),
    )
    if request.method == "POST":
        handler = _ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            return bad_query(request, _("Choose what to do: report, review, clear or plan."))
        if handler(request, project, forms):
            # A plan set for another year opens that year's page.
            shown = forms.plan.cleaned_data["year"] if handler is _plan else year
            return redirect(f"{reverse('investment:project', args=[project.pk])}?year={shown}")
    return render(
        request, "investment/project.html", _project_context(request, project, year, upto, forms)
    )


def _project_context(request, project: Project, year: int, upto: int, forms) -> dict:
    user = request.user
    office = is_supervisor(user)
    months = project_months(project, year, upto)
    reports = _history(project, year, office, forms)
    plan = project.annual_plans.filter(year=year).first()
    if plan is not None and not forms.plan.is_bound:
        forms.plan = PlanForm(
            prefix="plan",
            initial={"year": year, "amount": plan.amount, "curve": curve_text(plan.curve)},
        )
    return {
        "project": project,
        "office": office,
        "year": year,
        "upto": upto,
        "years": _year_links(year),
        "panel": _published_panel(project, year),
        "months": months,
        "s_curve": s_curve_svg(months, upto),
        "bars": bars_svg(months, upto),
        "funds": funds_by_source(project, year),
        "plan": plan,
        "reports": reports,
        "report_form": forms.report if can_report_investment(user, project) else None,
        "plan_form": forms.plan if office else None,
        "may_see_files": can_see_investment_files(user, project),
    }


def _published_panel(project: Project, year: int) -> "Panel | None":
    """The panel of *year* as published (``figures_month``, as the project's own page, the
    dashboard and the bulletin show it); a past year as it ended; none before it began."""
    published_year, published_month = figures_month(project.city, city_today(project.city))
    if year > published_year:
        return None
    return project_panel(
        project, year=year, month=published_month if year == published_year else 12
    )


def _year_links(year: int) -> list[int]:
    return [y for y in (year - 1, year + 1) if FIRST_YEAR <= y <= LAST_YEAR]


def _history(project: Project, year: int, office: bool, forms: _ProjectForms) -> list:
    """Every report of *year*, the newest month first, corrections beside what they
    corrected: who, when, the review, each check's sentence and whether it is cleared; the
    office's forms (review, clear) on those still waiting."""
    reports = list(
        MonthlyReport.objects.filter(project=project, year=year)
        .select_related("reported_by", "review__reviewed_by", "supersedes")
        .prefetch_related(
            Prefetch("flags", queryset=CheckFlag.objects.select_related("cleared_by")), "photos"
        )
        .order_by("-month", "-created_at", "-id")
    )
    corrected = {report.supersedes_id for report in reports if report.supersedes_id}
    for report in reports:
        report.in_force = report.pk not in corrected
        report.decision = getattr(report, "review", None)
        report.funds_given = [(label, amount) for label, amount in report.funds if amount]
        returned = report.decision is not None and report.decision.decision == "returned"
        waiting = office and report.in_force and report.decision is None
        report.review_form = (
            forms.bound.get(f"r{report.pk}") or ReviewForm(prefix=f"r{report.pk}")
            if waiting
            else None
        )
        report.checks = [
            (
                flag,
                check_text(flag),
                forms.bound.get(f"f{flag.pk}") or ClearForm(prefix=f"f{flag.pk}")
                if office and flag.cleared_at is None and report.in_force and not returned
                else None,
            )
            for flag in report.flags.all()
        ]
    return reports


@login_required
def confirmation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's 形象进度确认单, to those who report the project and those who read
    everything (never a public address)."""
    report = get_object_or_404(MonthlyReport.objects.select_related("project"), pk=pk)
    project = report.project
    require(
        can_see_investment_files(request.user, project),
        user=request.user,
        action="investment_confirmation_read",
        target=project,
    )
    if not report.confirmation:
        raise Http404
    # Read whole (at most 10 MB, checked on upload) so no file handle outlives the request.
    try:
        with report.confirmation.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # the row outlived its file (a restore without its media)
        raise Http404 from None
    name = PurePosixPath(report.confirmation.name).name
    response = HttpResponse(
        data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- the panel on the project's page -------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """The project's investment in a few figures, for its page (``_project_panel.html``)."""

    project: Project
    year: int
    month: int
    #: The project's row of ``city_standing`` (None: no annual plan for the year).
    row: ProjectStanding | None


def project_panel(
    project: Project,
    *,
    year: int | None = None,
    month: int | None = None,
    standing: CityStanding | None = None,
) -> Panel:
    """The panel of *project* for *month* of *year* (default: the month published), its row
    of the city's standing (*standing* when the caller has it, else read for it alone)."""
    if year is None or month is None:
        year, month = figures_month(project.city, city_today(project.city))
    if standing is not None:
        row = next((row for row in standing.rows if row.project.pk == project.pk), None)
    else:
        row = project_standing(project, year, month)
    return Panel(project=project, year=year, month=month, row=row)


# --- the charts ----------------------------------------------------------------------

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 480, 248, 56, 24, 44, 34
PLAN_STROKE, ACTUAL_STROKE, BAR_FILL, NEGATIVE_FILL = "#667085", "#d92d20", "#2e90fa", "#b42318"


def _wan(value: float) -> str:
    """A figure in 万元 for a chart's label: whole above 100, else one decimal."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _frame(title: str, low: float, high: float) -> tuple[list[str], Callable]:
    """The SVG's head, its value axis (0, half, top) and the month labels; returns the
    parts and the function from a value to its y."""
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'font-family="{FONT}" font-size="11" role="img" aria-label="{escape(title)}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        f'<text x="4" y="16" font-size="12" font-weight="bold">{escape(title)}</text>'
    ]
    for value in sorted({low, 0.0, (low + high) / 2, high}):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(value):.1f}" '
            f'stroke="#e4e7ec"/><text x="{LEFT - 4}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{escape(_wan(value))}</text>'
        )
    for month in range(1, 13):
        parts.append(
            f'<text x="{_x(month):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
            f"{month}</text>"
        )
    unit, month_word = escape(_("万元")), escape(_("month"))
    parts.append(
        f'<text x="{LEFT - 4}" y="{TOP - 12}" text-anchor="end" fill="#667085">{unit}</text>'
        f'<text x="{WIDTH - 2}" y="{HEIGHT - BOTTOM + 14}" text-anchor="end" fill="#667085">'
        f"{month_word}</text>"
    )
    return parts, y


def _x(month: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / 12
    return LEFT + step * (month - 0.5)


def s_curve_svg(months: list[ProjectMonth], upto: int) -> SafeString:
    """Plan cumulative (dashed grey) against actual cumulative (red), month by month,
    with the last figures of each written at their end."""
    done = [(m.month, m.done) for m in months if m.done is not None and m.month <= upto]
    values = [m.plan_due for m in months] + [value for _month, value in done] + [0.0]
    parts, y = _frame(_("Cumulative: plan and actual"), min(values), max(values))
    plan = " ".join(
        f"{'M' if k == 0 else 'L'}{_x(m.month):.1f} {y(m.plan_due):.1f}"
        for k, m in enumerate(months)
    )
    parts.append(
        f'<path d="{plan}" fill="none" stroke="{PLAN_STROKE}" stroke-width="2" '
        'stroke-dasharray="6 3"/>'
    )
    if months:
        last = months[-1]
        parts.append(
            f'<text x="{_x(12):.1f}" y="{y(last.plan_due) - 6:.1f}" text-anchor="end" '
            f'fill="{PLAN_STROKE}">{escape(_wan(last.plan_due))}</text>'
        )
    if done:
        actual = " ".join(
            f"{'M' if k == 0 else 'L'}{_x(month):.1f} {y(value):.1f}"
            for k, (month, value) in enumerate(done)
        )
        parts.append(
            f'<path d="{actual}" fill="none" stroke="{ACTUAL_STROKE}" stroke-width="2.5"/>'
        )
        for month, value in done:
            parts.append(
                f'<circle cx="{_x(month):.1f}" cy="{y(value):.1f}" r="2.5" fill="{ACTUAL_STROKE}"/>'
            )
        month, value = done[-1]
        parts.append(
            f'<text x="{_x(month):.1f}" y="{y(value) - 6:.1f}" text-anchor="middle" '
            f'fill="{ACTUAL_STROKE}" font-weight="bold">{escape(_wan(value))}</text>'
        )
    planned, actual = escape(_("plan")), escape(_("actual"))
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 4}" fill="{PLAN_STROKE}">- - {planned}</text>'
        f'<text x="{LEFT + 70}" y="{HEIGHT - 4}" fill="{ACTUAL_STROKE}">—— {actual}</text></svg>'
    )
    return mark_safe("".join(parts))  # every text in it is escaped above


def bars_svg(months: list[ProjectMonth], upto: int) -> SafeString:
    """Each month's investment as a bar (below the line when negative), its figure on it."""
    amounts = [(m.month, m.amount) for m in months if m.amount is not None and m.month <= upto]
    values = [value for _month, value in amounts] + [0.0]
    parts, y = _frame(_("Investment by month"), min(values), max(values))
    width = (WIDTH - LEFT - RIGHT) / 12 * 0.6
    for month, value in amounts:
        top, bottom = sorted((y(value), y(0.0)))
        fill = NEGATIVE_FILL if value < 0 else BAR_FILL
        parts.append(
            f'<rect x="{_x(month) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{max(bottom - top, 0.5):.1f}" fill="{fill}"/>'
            f'<text x="{_x(month):.1f}" y="{(top - 3 if value >= 0 else bottom + 11):.1f}" '
            f'text-anchor="middle" font-size="9">{escape(_wan(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above


# --- the rules -----------------------------------------------------------------------


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    """The investment rules in force and every version; the office adds a version."""
    city = current_city_or_404()
    today = city_today(city)
    versions = list(
        InvestmentRuleSet.objects.filter(city=city)
        .select_related("created_by")
        .order_by("-version")
    )
    current = version_on(city, today)
    office = is_supervisor(request.user)
    form = RulesForm(initial=rules_initial(current, today, DEFAULT_DUE_DAY))
    if request.method == "POST":
        require(office, user=request.user, action="investment_rules", target=city)
        form = RulesForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            # Left empty: kept as the latest version has them, never reset to a default.
            base = versions[0] if versions else None
            for name in ("score_weight", "list_size"):
                if data[name] is None:
                    data[name] = (
                        getattr(base, name)
                        if base
                        else rules_initial(None, today, DEFAULT_DUE_DAY)[name]
                    )
            try:
                rules_change(actor=request.user, city=city, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("New investment rules saved."))
                return redirect("investment:rules")
    for version in versions:
        version.curve_shown = curve_text(version.curve)
        version.targets_shown = targets_text(version.start_targets) if version.start_targets else ""
    return render(
        request,
        "investment/rules.html",
        {
            "versions": versions,
            "current": current,
            "defaults": rules_initial(None, today, DEFAULT_DUE_DAY),
            # The columns are named as the model names its fields (and the form its inputs).
            "labels": {f.name: f.verbose_name for f in InvestmentRuleSet._meta.fields},
            "form": form if office else None,
        },
    )


urlpatterns = [
    path("investment/", city_view, name="city"),
    path("investment/review/", review_view, name="review"),
    path("investment/rules/", rules_view, name="rules"),
    path("investment/reports/<int:pk>/confirmation/", confirmation_view, name="confirmation"),
    path("projects/<int:pk>/investment/", project_view, name="project"),
]
