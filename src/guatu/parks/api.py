"""Park endpoints of the REST API: parks with occupancy, ranked applications, decisions."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from guatu.access import can_see_applications, require
from guatu.parks.models import Application, Park, ParkUnit
from guatu.parks.selectors import applications_ranked, park_list, park_occupancy
from guatu.parks.services import application_evaluate, applications_screen, unit_allocate

router = Router(tags=["parks"])


class ParkOut(Schema):
    code: str
    name: str
    town: str
    land_area_mu: float
    floor_area_m2: float
    units: int
    vacant_units: int
    occupancy_percent: float | None
    applications: int


class CriterionOut(Schema):
    key: str
    label: str
    value: str
    threshold: str
    passed: bool


class EvaluationOut(Schema):
    evaluated_on: date
    criteria_version: int
    admitted: bool
    score: float
    grade: str
    results: list[CriterionOut]


class ApplicationOut(Schema):
    id: int
    enterprise: str
    credit_code: str
    industry: str
    status: str
    latest: EvaluationOut | None


class AllocationIn(Schema):
    application: int
    unit: str
    status: str = ParkUnit.Status.LET


class ProblemsOut(Schema):
    message: str
    field: str | None
    errors: dict[str, list[str]]


def _evaluation_out(evaluation) -> EvaluationOut | None:
    if evaluation is None:
        return None
    return EvaluationOut(
        evaluated_on=evaluation.evaluated_on,
        criteria_version=evaluation.criteria.version,
        admitted=evaluation.admitted,
        score=float(evaluation.score),
        grade=evaluation.grade,
        results=[CriterionOut(**result) for result in evaluation.results],
    )


def _application_out(application: Application, latest) -> ApplicationOut:
    return ApplicationOut(
        id=application.pk,
        enterprise=application.enterprise.name,
        credit_code=application.enterprise.credit_code,
        industry=application.enterprise.industry,
        status=application.status,
        latest=_evaluation_out(latest),
    )


@router.get("", response=list[ParkOut], summary="Parks with their occupancy")
def parks(request):
    result = []
    for park in park_list():
        occupancy = park_occupancy(park)
        result.append(
            ParkOut(
                code=park.code,
                name=park.name,
                town=park.town.name,
                land_area_mu=float(park.land_area_mu),
                floor_area_m2=float(park.floor_area_m2),
                units=occupancy.units,
                vacant_units=occupancy.vacant,
                occupancy_percent=occupancy.share,
                applications=park.applications.count(),
            )
        )
    return result


@router.get(
    "/{code}/applications",
    response=list[ApplicationOut],
    summary="A park's applications with their latest decision, admitted first, by score",
)
def applications(request, code: str):
    park = get_object_or_404(Park, code=code)
    require(
        can_see_applications(request.user, park),
        user=request.user,
        action="application_read",
        target=park,
    )
    return [_application_out(a, a.latest) for a in applications_ranked(park)]


@router.post(
    "/applications/{application_id}/evaluate",
    response=ApplicationOut,
    summary="Evaluate an application under the criteria in force today (park's town or supervisor)",
)
def evaluate(request, application_id: int):
    application = get_object_or_404(
        Application.objects.select_related("park__city", "enterprise"), pk=application_id
    )
    evaluation = application_evaluate(actor=request.user, application=application)
    return _application_out(application, evaluation)


@router.post(
    "/{code}/screen",
    response={200: list[ApplicationOut], 422: ProblemsOut},
    summary="Screen a list of applicants (.xlsx/.csv), all or nothing; ranked decisions",
)
def screen(request, code: str, file: File[UploadedFile]):
    park = get_object_or_404(Park.objects.select_related("city"), code=code)
    result = applications_screen(actor=request.user, park=park, source=file, name=file.name)
    if not result.ok:
        return Status(
            422,
            {
                "message": str(result.problems[0]),
                "field": "file",
                "errors": {"file": [str(problem) for problem in result.problems]},
            },
        )
    return Status(200, [_application_out(e.application, e) for e in result.evaluations])


@router.post("/{code}/allocate", response=ApplicationOut, summary="Give a vacant unit")
def allocate(request, code: str, payload: AllocationIn):
    park = get_object_or_404(Park.objects.select_related("city"), code=code)
    application = get_object_or_404(
        Application.objects.select_related("enterprise", "park__city"),
        pk=payload.application,
        park=park,
    )
    unit = get_object_or_404(ParkUnit, park=park, code=payload.unit)
    unit_allocate(actor=request.user, application=application, unit=unit, status=payload.status)
    application.refresh_from_db()
    return _application_out(application, application.evaluations.first())
