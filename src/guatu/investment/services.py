"""Writes of 投资调度: rules, annual plans, monthly reports, reviews and cleared checks.

Every path (the page, the API, the 月报 workbook, the demo) comes through here, so the
same roles, checks and events hold whatever wrote. Who may write:

- a monthly report: the project's responsible town, its lead department (牵头单位), or the
  office (``access.can_report_investment``);
- plans, rules, reviews and clearing a check: the office.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.access import can_approve_exemption, can_report_investment, is_supervisor, require
from guatu.audit.services import audit_record
from guatu.baselines.evidence import check_evidence
from guatu.common.events import InvestmentReported, InvestmentReviewed, publish
from guatu.core import investment as core
from guatu.errors import translate
from guatu.investment.models import (
    FUND_SOURCES,
    SPLIT,
    AnnualPlan,
    CheckFlag,
    Exemption,
    InvestmentRuleSet,
    MonthlyReport,
    MonthlyReview,
    MonthPhoto,
)
from guatu.investment.photos import check_photos, month_photos_delete, month_photos_save
from guatu.investment.rules import rules_for
from guatu.investment.selectors import counted
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.projects.models import Project

#: Bounds of a figure in 万元 (DecimalField(14, 2)); a month may be negative (核减).
MAX_MONEY = Decimal("999999999999.99")
#: A stored file's own name is kept to this many characters (the field holds its path too).
NAME_LIMIT = 80
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class MonthFigures:
    """What a unit reports for a month (万元; None: not split)."""

    amount: Decimal
    construction: Decimal | None = None
    equipment: Decimal | None = None
    other: Decimal | None = None
    funds: tuple[tuple[str, Decimal], ...] = ()  # (field, 万元), fields of FUND_SOURCES
    progress_text: str = ""
    in_library: bool = False
    in_statistics: bool = False


def figures_problems(figures: MonthFigures) -> dict[str, list[str]]:
    """Every problem of *figures* by field (the form, the API and the workbook share it)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if abs(figures.amount) > MAX_MONEY:
        add("amount", _("At most %(max)s 万元.") % {"max": MAX_MONEY})
    split = [getattr(figures, name) for name, _label in SPLIT]
    for (name, _label), value in zip(SPLIT, split, strict=True):
        if value is not None and abs(value) > MAX_MONEY:
            add(name, _("At most %(max)s 万元.") % {"max": MAX_MONEY})
    given = [value for value in split if value is not None]
    if given and "amount" not in errors and sum(given) != figures.amount:
        add(
            "amount",
            _("建安工程, 设备购置 and 其他费用 add up to %(sum)s 万元, not %(amount)s.")
            % {"sum": sum(given), "amount": figures.amount},
        )
    known = {name for name, _label in FUND_SOURCES}
    for name, value in figures.funds:
        if name not in known:
            add("funds", _("Unknown source of funds: %(name)s.") % {"name": name})
        elif value < 0:
            add(name, _("Funds in place cannot be negative."))
        elif value > MAX_MONEY:
            add(name, _("At most %(max)s 万元.") % {"max": MAX_MONEY})
    if "\x00" in figures.progress_text:
        add("progress_text", _("The text contains a NUL character; remove it."))
    elif len(figures.progress_text) > TEXT_LIMIT:
        add(
            "progress_text",
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": TEXT_LIMIT, "length": len(figures.progress_text)},
        )
    return errors


def in_force(project: Project, year: int, month: int) -> MonthlyReport | None:
    """The report of *project*'s month that nothing has corrected (None: not reported)."""
    return (
        MonthlyReport.objects.filter(
            project=project, year=year, month=month, superseded_by__isnull=True
        )
        .select_related("review")
        .first()
    )


def monthly_submit(
    *,
    actor,
    project: Project,
    year: int,
    month: int,
    figures: MonthFigures,
    confirmation=None,
    supersedes: MonthlyReport | None = None,
    correction_reason: str = "",
    today: date | None = None,
    submitted_at=None,
    photos: Sequence = (),
    announce: bool = True,
) -> MonthlyReport:
    """Record *project*'s investment in *month* of *year*; run the statistics checks.

    A month is reported once; a second figure for it is a correction that names the
    report it *supersedes* and gives its reason (a returned report is corrected the same
    way). A month not yet over, or before 2000, is refused. *photos* (形象进度) and the
    *confirmation* (形象进度确认单) are checked by the rules every upload follows; their
    files are removed if the write fails. Without *announce* the caller publishes
    ``InvestmentReported`` itself (the 月报 workbook: one message for its rows). Raises
    ``ValidationError`` keyed by field with every problem found.
    """
    action = "investment_correct" if supersedes is not None else "investment_report"
    require(can_report_investment(actor, project), user=actor, action=action, target=project)
    today = today or city_today(project.city)
    errors = figures_problems(figures)
    if not 1 <= month <= 12:
        errors.setdefault("month", []).append(_("A month is between 1 and 12."))
    elif (year, month) >= (today.year, today.month):
        errors.setdefault("month", []).append(
            _("%(year)s-%(month)02d is not over yet: a month is reported once it has ended.")
            % {"year": year, "month": month}
        )
    elif year < 2000:
        errors.setdefault("year", []).append(_("Choose a year from 2000 on."))
    if supersedes is not None and not correction_reason.strip():
        errors.setdefault("correction_reason", []).append(_("A correction must give its reason."))
    if len(correction_reason) > TEXT_LIMIT or "\x00" in correction_reason:
        errors.setdefault("correction_reason", []).append(
            _("At most %(limit)d characters, and no NUL.") % {"limit": TEXT_LIMIT}
        )
    if confirmation is not None:
        confirmation, problems = checked_confirmation(confirmation)
        if problems:
            errors.setdefault("confirmation", []).extend(problems)
    checked_photos, photo_problems = check_photos(photos)
    if photo_problems:
        errors.setdefault("photos", []).extend(photo_problems)
    if errors:
        raise ValidationError(errors)
    written: list = []
    try:
        return _stored(
            actor, project, year, month, figures, confirmation, supersedes, correction_reason,
            submitted_at, checked_photos, written, announce,
        )  # fmt: skip
    except BaseException:
        # Files were written before the commit that failed: remove them.
        month_photos_delete([row for row in written if isinstance(row, MonthPhoto)])
        for report in written:
            if isinstance(report, MonthlyReport) and report.confirmation:
                report.confirmation.delete(save=False)
        raise


def checked_confirmation(upload) -> tuple[ContentFile | None, list[str]]:
    """A 形象进度确认单 as checked by its content — a PDF that opens, or a photo — by the
    one rule for every document guatu keeps (``baselines.evidence``), its name shortened
    to what the file field holds; or what is wrong with it."""
    checked, problems = check_evidence([upload])
    if problems:
        return None, problems
    name = checked[0].name
    if len(name) > NAME_LIMIT:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[: NAME_LIMIT - len(suffix) - 1]}.{suffix}" if dot else name[:NAME_LIMIT]
    return ContentFile(checked[0].data, name=name), []


def _stored(
    actor, project, year, month, figures, confirmation, supersedes, correction_reason,
    submitted_at, photos, written, announce,
) -> MonthlyReport:  # fmt: skip
    """The write of ``monthly_submit``, its checks passed: one transaction."""
    with transaction.atomic():
        # One report at a time per project: the "once a month" rule is read under the lock.
        list(Project.everywhere.select_for_update().filter(pk=project.pk).values_list("pk"))
        current = in_force(project, year, month)
        if supersedes is None and current is not None:
            raise ValidationError(
                {
                    "month": _(
                        "%(year)s-%(month)02d is already reported (%(amount)s 万元); "
                        "correct that report instead."
                    )
                    % {"year": year, "month": month, "amount": current.amount}
                }
            )
        if supersedes is not None and (current is None or supersedes.pk != current.pk):
            raise ValidationError(
                {"supersedes": _("Correct the month's report in force, not an earlier one.")}
            )
        version, rules = rules_for(project.city, year, month)
        report = MonthlyReport(
            project=project,
            year=year,
            month=month,
            amount=figures.amount,
            construction=figures.construction,
            equipment=figures.equipment,
            other=figures.other,
            progress_text=figures.progress_text,
            in_library=figures.in_library,
            in_statistics=figures.in_statistics,
            reported_by=actor,
            supersedes=supersedes,
            correction_reason=correction_reason,
            rules_version=version,
            **dict(figures.funds),
        )
        if submitted_at is not None:
            report.created_at = submitted_at
        written.append(report)
        if confirmation is not None:
            report.confirmation.save(confirmation.name, confirmation, save=False)
        report.save(force_insert=True)
        month_photos_save(report, photos, written)
        _raise_checks(report, rules, version)
        audit_record(
            user=actor,
            action="investment_correct" if supersedes is not None else "investment_report",
            target=project,
            detail={
                "year": year,
                "month": month,
                "amount": str(figures.amount),
                "supersedes": supersedes.pk if supersedes else None,
                "photos": [photo.image.name for photo in written[1:]],
            },
        )
        if announce:  # a workbook announces its rows together, once they are all written
            publish(InvestmentReported((report,)))
    return report


def _raise_checks(report: MonthlyReport, rules: core.InvestmentRules, version: int | None):
    """Store each statistics check the new *report* raises (read with the project's other
    months in force)."""
    facts = month_facts(report)
    CheckFlag.objects.bulk_create(
        CheckFlag(report=report, check_code=int(check), params=params, rules_version=version)
        for check, params in core.month_checks(facts, rules).items()
    )


def month_facts(report: MonthlyReport) -> core.MonthFigures:
    """What the checks read of *report*'s month: its project's months that count
    (``selectors.counted``: in force, not returned) up to it, and the new report itself."""
    project = report.project
    months = list(
        MonthlyReport.objects.filter(counted(), project=project)
        .exclude(pk=report.supersedes_id)
        .exclude(pk=report.pk)
        .filter(year__lte=report.year)
        .values_list("year", "month", "amount", "confirmation")
    )
    months = [row for row in months if (row[0], row[1]) < (report.year, report.month)]
    months.append((report.year, report.month, report.amount, report.confirmation.name))
    this_year = [row for row in months if row[0] == report.year]
    plan = AnnualPlan.objects.filter(project=project, year=report.year).first()
    return core.MonthFigures(
        amount=float(report.amount),
        year_total=float(sum(row[2] for row in this_year)),
        cumulative=float(sum(row[2] for row in months)),
        annual_plan=float(plan.amount) if plan else 0.0,
        total_investment=float(project.total_investment or 0),
        in_operation=project.stage == Project.Stage.OPERATING,
        under_construction=project.stage in (Project.Stage.STARTED, Project.Stage.BUILDING),
        months_idle=_months_idle(months, report.year, report.month),
        confirmation=any(row[3] for row in this_year),
        in_library=report.in_library,
    )


def _months_idle(months: list[tuple], year: int, month: int) -> int:
    """Months in a row up to (*year*, *month*) with nothing invested — a month not reported
    counts as nothing — back across a year's end, but never before the project's first
    month on record (a project new to guatu has no idle history)."""
    amounts = {(row[0], row[1]): row[2] for row in months}
    first = min(amounts)
    idle = 0
    while (year, month) >= first and amounts.get((year, month), Decimal(0)) == 0:
        idle += 1
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return idle


def check_text(flag: CheckFlag) -> str:
    """The sentence of a raised check, in the active language."""
    return translate(core.CheckMessage(core.CHECKS[core.Check(flag.check_code)], **flag.params))


def flag_clear(*, actor, flag: CheckFlag, note: str, at=None) -> CheckFlag:
    """Clear a raised check: the office has looked and says why the figure stands."""
    require(
        is_supervisor(actor), user=actor, action="investment_flag_clear", target=flag.report.project
    )
    if not note.strip():
        raise ValidationError({"note": _("Say why the figure stands.")})
    if len(note) > TEXT_LIMIT or "\x00" in note:
        raise ValidationError(
            {"note": _("At most %(limit)d characters, and no NUL.") % {"limit": TEXT_LIMIT}}
        )
    with transaction.atomic():
        flag = CheckFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.cleared_at is not None:
            raise ValidationError(_("This check has already been cleared."))
        # *at* loads past history (the demo's story); requests never pass it.
        flag.cleared_by, flag.cleared_at, flag.clear_note = actor, at or timezone.now(), note
        flag.save(update_fields=["cleared_by", "cleared_at", "clear_note"])
        audit_record(
            user=actor,
            action="investment_flag_clear",
            target=flag.report.project,
            detail={"report": flag.report_id, "check": flag.check_code, "note": note},
        )
    return flag


def monthly_review(
    *, actor, report: MonthlyReport, approve: bool, note: str = "", at=None
) -> MonthlyReview:
    """同意 or 退回 a monthly report (the office). A report with a check not yet cleared is
    not approved; a returned one says why, stops counting, and is corrected by its unit."""
    require(is_supervisor(actor), user=actor, action="investment_review", target=report.project)
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the report is returned.")})
    if len(note) > TEXT_LIMIT or "\x00" in note:
        raise ValidationError(
            {"note": _("At most %(limit)d characters, and no NUL.") % {"limit": TEXT_LIMIT}}
        )
    with transaction.atomic():
        list(Project.everywhere.select_for_update().filter(pk=report.project_id).values_list("pk"))
        if MonthlyReview.objects.filter(report=report).exists():
            raise ValidationError(_("This report has already been reviewed."))
        if MonthlyReport.objects.filter(supersedes=report).exists():
            raise ValidationError(_("This report has been corrected; review the correction."))
        if approve and report.flags.filter(cleared_at__isnull=True).exists():
            raise ValidationError(
                _(
                    "Clear each statistics check of this report (say why the figure stands) "
                    "before approving it, or return it."
                )
            )
        review = MonthlyReview(
            report=report,
            decision=MonthlyReview.Decision.APPROVED
            if approve
            else MonthlyReview.Decision.RETURNED,
            note=note,
            reviewed_by=actor,
        )
        if at is not None:  # past history (the demo's story); requests never pass it
            review.reviewed_at = at
        review.save(force_insert=True)
        audit_record(
            user=actor,
            action="investment_review",
            target=report.project,
            detail={"report": report.pk, "decision": review.decision, "note": note},
        )
        publish(InvestmentReviewed(review))
    return review


def plan_set(
    *, actor, project: Project, year: int, amount: Decimal, curve: Sequence[float] | None = None
) -> AnnualPlan:
    """Set *project*'s 年度投资计划 for *year* (the office; a mid-year change is audited
    with the figure it replaces)."""
    require(is_supervisor(actor), user=actor, action="investment_plan", target=project)
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Choose a year between 2000 and 2100.")]
    if amount < 0 or amount > MAX_MONEY:
        errors["amount"] = [_("Between 0 and %(max)s 万元.") % {"max": MAX_MONEY}]
    if curve is not None and (problem := curve_problem(curve)):
        errors["curve"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The project's row is the lock: a year's first plan has no row of its own to lock.
        list(Project.everywhere.select_for_update().filter(pk=project.pk).values_list("pk"))
        plan = AnnualPlan.objects.filter(project=project, year=year).first()
        before = str(plan.amount) if plan else None
        if plan is None:
            plan = AnnualPlan(project=project, year=year)
        plan.amount, plan.curve, plan.set_by, plan.set_at = amount, curve, actor, timezone.now()
        plan.save()
        audit_record(
            user=actor,
            action="investment_plan",
            target=project,
            detail={"year": year, "amount": str(amount), "before": before},
        )
    return plan


def curve_problem(curve: Sequence[float]) -> str | None:
    """What is wrong with a plan curve (twelve cumulative percentages rising to 100)."""
    try:
        values = [float(value) for value in curve]
    except (TypeError, ValueError, OverflowError):
        return _("A plan curve is twelve numbers.")
    if len(values) != 12:
        return _("A plan curve is twelve numbers (this has %(count)d).") % {"count": len(values)}
    if any(not 0 <= value <= 100 for value in values) or values[-1] != 100:
        return _("Each month's share is between 0 and 100, and December's is 100.")
    if any(later < earlier for earlier, later in pairwise(values)):
        return _("A plan curve never falls from one month to the next.")
    return None


def rules_change(*, actor, city, valid_from: date | None = None, **fields) -> InvestmentRuleSet:
    """Add a version of the city's investment rules from *valid_from* (never in the past)."""
    require(is_supervisor(actor), user=actor, action="investment_rules", target=city)
    today = city_today(city)
    valid_from = valid_from or today
    if valid_from < today:
        raise ValidationError(
            {
                "valid_from": _(
                    "Investment rules cannot be changed for the past: choose %(today)s or later."
                )
                % {"today": today}
            }
        )
    if fields.get("curve") is not None and (problem := curve_problem(fields["curve"])):
        raise ValidationError({"curve": problem})
    with transaction.atomic():
        # The city's row is the lock: the first version has no row of its own to lock.
        list(City.everywhere.select_for_update().filter(pk=city.pk).values_list("pk"))
        latest = InvestmentRuleSet.objects.filter(city=city).order_by("-version").first()
        rules = InvestmentRuleSet(
            city=city,
            version=(latest.version + 1) if latest else 1,
            valid_from=valid_from,
            created_by=actor,
            **fields,
        )
        rules.full_clean(exclude=("city", "created_by"))
        rules.save(force_insert=True)
        audit_record(
            user=actor,
            action="investment_rules",
            target=city,
            detail={"version": rules.version, "valid_from": valid_from.isoformat()},
        )
    return rules


def exemption_grant(
    *, actor, city, year: int, month: int, reason: str, town=None, department=None
) -> Exemption:
    """Keep one town or department off *month*'s 红黑榜: a leader approves it, with a reason."""
    require(can_approve_exemption(actor), user=actor, action="investment_exemption", target=city)
    errors: dict[str, list[str]] = {}
    if (town is None) == (department is None):
        errors["unit"] = [_("Choose one town or one department.")]
    elif (town or department).city_id != city.pk:
        errors["unit"] = [_("Choose a unit of this city.")]
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        errors["month"] = [_("Choose a month between 2000 and 2100.")]
    if not reason.strip():
        errors["reason"] = [_("An exemption gives its reason.")]
    elif len(reason) > TEXT_LIMIT or "\x00" in reason:
        errors["reason"] = [_("At most %(limit)d characters, and no NUL.") % {"limit": TEXT_LIMIT}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        list(City.everywhere.select_for_update().filter(pk=city.pk).values_list("pk"))
        if Exemption.objects.filter(
            city=city, year=year, month=month, town=town, department=department
        ).exists():
            raise ValidationError({"unit": _("This unit is already exempted for that month.")})
        exemption = Exemption.objects.create(
            city=city,
            year=year,
            month=month,
            town=town,
            department=department,
            reason=reason,
            approved_by=actor,
        )
        audit_record(
            user=actor,
            action="investment_exemption",
            target=city,
            detail={
                "year": year,
                "month": month,
                "unit": str(town or department),
                "reason": reason,
            },
        )
    return exemption
