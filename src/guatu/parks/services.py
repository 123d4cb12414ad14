"""Write paths for parks: criteria versions, applications, evaluations, unit allocation.

Who: the supervision office for every park; a town's officials for their own
town's parks (the park manager, 园区管理方, is the town). Leaders and
departments read.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guatu.access import can_manage_park, is_supervisor, require
from guatu.audit.services import audit_record
from guatu.core.admission import Criteria, Figures, Grading, grade, screen
from guatu.core.enterprise import (
    SECTIONS,
    IndustryCodeError,
    check_credit_code,
)
from guatu.core.enterprise import industry_code as parse_industry
from guatu.core.ledger.cells import CellError, parse_bool, parse_number, plain_text
from guatu.core.ledger.columns import APPLICANTS
from guatu.errors import translate
from guatu.ledger.checking import CellChecker, TooManyProblems, sheets_read
from guatu.ledger.problems import Problem, expected
from guatu.org.clock import city_today
from guatu.parks.models import (
    Application,
    CriteriaSet,
    Enterprise,
    Evaluation,
    GradingScheme,
    Park,
    ParkUnit,
    split_codes,
)

FIGURES = ("tax", "output", "value_added", "energy", "rd", "land_mu", "floor_area", "investment")


def criteria_in_force(park: Park, on: date) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(park=park, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )


def grading_in_force(park: Park, on: date) -> GradingScheme | None:
    return (
        GradingScheme.objects.filter(city_id=park.city_id, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )


def criteria_core(criteria: CriteriaSet, park: Park) -> Criteria:
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return Criteria(
        min_tax_per_mu=number(criteria.min_tax_per_mu),
        min_tax_per_m2=number(criteria.min_tax_per_m2),
        min_investment_per_m2=number(criteria.min_investment_per_m2),
        max_energy_per_value_added=number(criteria.max_energy_per_value_added),
        whitelist=split_codes(criteria.whitelist),
        negative_list=split_codes(criteria.negative_list),
        leading_industries=park.leading_prefixes,
        require_leading_industry=criteria.require_leading_industry,
        environment_veto=criteria.environment_veto,
        safety_veto=criteria.safety_veto,
    )


def grading_core(scheme: GradingScheme | None) -> Grading:
    if scheme is None:
        return Grading()
    default = Grading()
    return Grading(
        weights={k: float(v) for k, v in scheme.weights.items()},
        benchmarks={k: float(v) for k, v in scheme.benchmarks.items()},
        cap=float(scheme.cap),
        mode=scheme.mode,
        cutoffs=tuple(scheme.cutoffs) or default.cutoffs,
        shares=tuple(scheme.shares) or default.shares,
    )


def figures_of(application: Application) -> Figures:
    return Figures(
        tax=float(application.tax),
        output=float(application.output),
        value_added=float(application.value_added),
        energy=float(application.energy),
        employees=application.employees,
        rd=float(application.rd),
        land_mu=float(application.land_mu),
        floor_area=float(application.floor_area),
        investment=float(application.investment),
        industry=application.enterprise.industry,
        environment_ok=application.environment_ok,
        safety_ok=application.safety_ok,
    )


def criteria_change(*, actor, park: Park, valid_from: date, **values: Any) -> CriteriaSet:
    """Publish a new version of *park*'s criteria from *valid_from* (never before today)."""
    require(can_manage_park(actor, park), user=actor, action="park_criteria_change", target=park)
    today = city_today(park.city)
    if valid_from < today:
        raise ValidationError(
            {"valid_from": _("Criteria cannot change the past: choose today or later.")}
        )
    for key in ("whitelist", "negative_list"):
        for prefix in split_codes(values.get(key, "")):
            # A whole section (C) or a code prefix (C33, 3311).
            if len(prefix) == 1 and prefix in SECTIONS:
                continue
            try:
                parse_industry(prefix)
            except IndustryCodeError as error:
                raise ValidationError({key: translate(error)}) from error
    with transaction.atomic():
        top = CriteriaSet.objects.filter(park=park).aggregate(top=Max("version"))["top"] or 0
        criteria = CriteriaSet(
            park=park, version=top + 1, valid_from=valid_from, created_by=actor, **values
        )
        criteria.full_clean()
        criteria.save()
        audit_record(
            user=actor,
            action="park_criteria_change",
            target=park,
            detail={"version": criteria.version, "valid_from": valid_from.isoformat()},
        )
    return criteria


def _evaluate(application: Application, criteria: CriteriaSet, scheme, cohort, actor, on):
    results = screen(figures_of(application), criteria_core(criteria, application.park))
    scores, grades = grade([figures_of(a) for a in cohort], grading_core(scheme))
    index = next(i for i, a in enumerate(cohort) if a.pk == application.pk)
    admitted = all(result.passed for result in results)
    return Evaluation(
        application=application,
        criteria=criteria,
        grading=scheme,
        evaluated_on=on,
        admitted=admitted,
        results=[
            {
                "key": r.key,
                "label": r.label,
                "value": r.value,
                "threshold": r.threshold,
                "passed": r.passed,
            }
            for r in results
        ],
        score=Decimal(str(scores[index])),
        grade=grades[index],
        created_by=actor,
    )


def _decide(application: Application, evaluation: Evaluation) -> None:
    """Admit or reject *application* by *evaluation*, unless it already has its unit."""
    if application.status != Application.Status.ALLOCATED:
        application.status = (
            Application.Status.ADMITTED if evaluation.admitted else Application.Status.REJECTED
        )
        application.save(update_fields=["status"])


def application_evaluate(*, actor, application: Application, on: date | None = None) -> Evaluation:
    """Screen *application* under the criteria in force *on* (today) and grade it.

    The grade is the city's 亩均 grading; in ``share`` mode the ranking is the
    park's current applications. The application becomes admitted (waiting
    for a unit) or rejected, unless it already has a unit.
    """
    park = application.park
    require(
        can_manage_park(actor, park), user=actor, action="application_evaluate", target=application
    )
    on = on or city_today(park.city)
    criteria = criteria_in_force(park, on)
    if criteria is None:
        raise ValidationError(_("%(park)s has no admission criteria yet.") % {"park": park})
    scheme = grading_in_force(park, on)
    cohort = list(park.applications.select_related("enterprise", "park"))
    with transaction.atomic():
        evaluation = _evaluate(application, criteria, scheme, cohort, actor, on)
        evaluation.save()
        _decide(application, evaluation)
        audit_record(
            user=actor,
            action="application_evaluate",
            target=application,
            detail={
                "criteria_version": criteria.version,
                "admitted": evaluation.admitted,
                "grade": evaluation.grade,
            },
        )
    return evaluation


def unit_allocate(
    *, actor, application: Application, unit: ParkUnit, status: str = ParkUnit.Status.LET
) -> ParkUnit:
    """Give a vacant *unit* of the park to an admitted *application* (let, sold or reserved)."""
    park = application.park
    require(can_manage_park(actor, park), user=actor, action="unit_allocate", target=unit)
    if unit.park_id != park.pk:
        raise ValidationError({"unit": _("That unit belongs to another park.")})
    if application.status != Application.Status.ADMITTED:
        raise ValidationError(
            {"unit": _("Only an admitted application waiting for a unit can be given one.")}
        )
    if status not in (ParkUnit.Status.LET, ParkUnit.Status.SOLD, ParkUnit.Status.RESERVED):
        raise ValidationError({"status": _("Choose let, sold or reserved.")})
    with transaction.atomic():
        locked = ParkUnit.objects.select_for_update().get(pk=unit.pk)
        if locked.status != ParkUnit.Status.VACANT:
            raise ValidationError({"unit": _("That unit is not vacant.")})
        locked.status = status
        locked.enterprise = application.enterprise
        locked.save(update_fields=["status", "enterprise"])
        application.status = Application.Status.ALLOCATED
        application.save(update_fields=["status"])
        audit_record(
            user=actor,
            action="unit_allocate",
            target=locked,
            detail={"application": application.pk, "status": status},
        )
    return locked


@dataclass
class ScreeningResult:
    """A batch screening: problems (nothing written) or the evaluations, best first."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    #: Sheets not read (hidden, or not the applicants' sheet), said rather than skipped.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def applications_screen(
    *,
    actor,
    park: Park,
    source: str | IO[bytes],
    name: str | None = None,
    on: date | None = None,
) -> ScreeningResult:
    """Read a list of applicants (xlsx/csv), check every cell, then file and screen them all.

    All or nothing, as the ledger: every problem is reported with its sheet,
    row and column, and if there is one nothing is written. An applicant
    already on file for the same year is re-screened with the new figures.
    """
    require(can_manage_park(actor, park), user=actor, action="applications_screen", target=park)
    on = on or city_today(park.city)
    file_name = name or str(source)
    result = ScreeningResult(file=file_name)
    book = sheets_read(
        source, name=file_name, specs=(APPLICANTS,), problems=result.problems, notes=result.notes
    )
    if book is None:
        return result
    criteria = criteria_in_force(park, on)
    if criteria is None:
        result.problems.append(
            Problem(
                file_name,
                None,
                None,
                "",
                _("%(park)s has no admission criteria yet.") % {"park": park},
            )
        )
        return result
    rows = []
    try:
        for table in book.tables:
            check = CellChecker(table, result.problems, on.year)
            seen: dict[str, int] = {}
            for number, row in table.rows:
                check.start(number, row)
                rows.append(_applicant_row(check, on, seen))
    except TooManyProblems:
        pass
    if result.problems:
        return result
    scheme = grading_in_force(park, on)
    with transaction.atomic():
        applications = []
        for values in rows:
            enterprise, _created = Enterprise.objects.update_or_create(
                city=park.city,
                credit_code=values.pop("credit_code"),
                defaults={"name": values.pop("name"), "industry": values.pop("industry")},
            )
            application, _created = Application.objects.update_or_create(
                park=park,
                enterprise=enterprise,
                year=values.pop("year"),
                defaults={**values, "submitted_on": on},
            )
            applications.append(application)
        cohort = list(park.applications.select_related("enterprise", "park"))
        for application in applications:
            evaluation = _evaluate(application, criteria, scheme, cohort, actor, on)
            evaluation.save()
            _decide(application, evaluation)
            result.evaluations.append(evaluation)
        audit_record(
            user=actor,
            action="applications_screen",
            target=park,
            detail={"file": file_name, "applicants": len(applications)},
        )
    result.evaluations.sort(key=lambda e: (not e.admitted, -e.score))
    return result


def _applicant_row(check: CellChecker, on: date, seen: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {"name": check.text("name", max_length=100, required=True)}
    credit_code = check.cell(
        "credit_code", lambda v: check_credit_code(plain_text(v)), required=True
    )
    if credit_code is not None:
        values["credit_code"] = credit_code
        if credit_code in seen:
            check.fail(
                "credit_code",
                _("this enterprise already appears in row %(row)d.") % {"row": seen[credit_code]},
            )
        seen[credit_code] = check.number
    industry = check.cell("industry", lambda v: parse_industry(plain_text(v)), required=True)
    if industry is not None:
        values["industry"] = industry
    year = check.cell("year", parse_number) if check.has("year") else None
    values["year"] = int(year) if year is not None else on.year - 1
    for key in (*FIGURES, "employees"):
        number = check.cell(key, parse_number, required=True)
        if number is None:
            continue
        if number < 0:
            check.fail(key, _("a figure cannot be negative."))
        elif key == "floor_area" and number == 0:
            check.fail(key, _("the floor area requested must be greater than zero."))
        elif key == "employees" and number != int(number):
            check.fail(key, expected(_("a whole number of people")))
        values[key] = int(number) if key == "employees" else number
    for key in ("environment_ok", "safety_ok"):
        value = check.raw(key) if check.has(key) else None
        try:
            values[key] = True if value is None else parse_bool(value)
        except CellError as error:
            check.fail(key, expected(translate(error)))
    return values


def grading_change(
    *,
    actor,
    city,
    valid_from: date,
    weights: dict[str, float],
    benchmarks: dict[str, float],
    cap: Decimal,
    mode: str,
    cutoffs: list[float],
    shares: list[float],
) -> GradingScheme:
    """Publish a new version of the city's 亩均 grading (supervision office only)."""
    require(is_supervisor(actor), user=actor, action="grading_change", target=city)
    errors: dict[str, list[str]] = {}
    if valid_from < city_today(city):
        errors["valid_from"] = [_("Grading cannot change the past: choose today or later.")]
    if abs(sum(weights.values()) - 100) > 1e-6:
        errors["weights"] = [
            _("The weights add up to %(total)s, not 100.") % {"total": sum(weights.values())}
        ]
    if any(value <= 0 for value in benchmarks.values()):
        errors["benchmarks"] = [_("Benchmarks must be greater than zero.")]
    if mode == GradingScheme.Mode.SCORE and not (
        len(cutoffs) == 3 and cutoffs[0] >= cutoffs[1] >= cutoffs[2]
    ):
        errors["cutoffs"] = [_("Give three cut-offs, from A down to C.")]
    if mode == GradingScheme.Mode.SHARE and not (
        len(shares) == 3 and all(0 <= s <= 1 for s in shares) and sum(shares) <= 1
    ):
        errors["shares"] = [_("Give three shares between 0 and 1 that add up to at most 1.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        top = GradingScheme.objects.filter(city=city).aggregate(top=Max("version"))["top"] or 0
        scheme = GradingScheme.objects.create(
            city=city,
            version=top + 1,
            valid_from=valid_from,
            weights=weights,
            benchmarks=benchmarks,
            cap=cap,
            mode=mode,
            cutoffs=cutoffs,
            shares=shares,
            created_by=actor,
        )
        audit_record(
            user=actor,
            action="grading_change",
            target=city,
            detail={"version": scheme.version, "valid_from": valid_from.isoformat()},
        )
    return scheme
