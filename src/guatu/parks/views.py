"""Park pages: parks and occupancy, a park's units, criteria and ranked applicants, decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import can_manage_park, can_see_applications, is_supervisor, require
from guatu.common.listing import Column, Filter, ListSpec
from guatu.common.pages import apply_errors, xlsx_response
from guatu.core.admission import indicators
from guatu.org.clock import city_today
from guatu.org.models import Town
from guatu.org.selectors import current_city_or_404
from guatu.parks.forms import (
    INDICATOR_LABELS,
    AllocationForm,
    CriteriaForm,
    GradingForm,
    ScreeningForm,
)
from guatu.parks.models import Application, GradingScheme, Park
from guatu.parks.results import screening_workbook
from guatu.parks.selectors import applications_ranked, park_list, park_occupancy, waiting_list
from guatu.parks.services import (
    application_evaluate,
    applications_screen,
    criteria_change,
    criteria_in_force,
    figures_of,
    grading_change,
    unit_allocate,
)


def _towns():
    return Town.objects.order_by("order", "name")


def _occupancy_share(row) -> float | None:
    share = row[1].share
    return None if share is None else round(float(share), 1)


PARKS = ListSpec(
    name=gettext_lazy("Parks (小微企业园)"),
    columns=(
        Column(
            "name",
            gettext_lazy("Park"),
            lambda row: row[0].name,
            link=lambda row: reverse("parks:park", args=[row[0].code]),
        ),
        Column("town", gettext_lazy("Town"), lambda row: str(row[0].town)),
        Column("land", gettext_lazy("Land (亩)"), lambda row: row[0].land_area_mu, kind="num"),
        Column(
            "floor", gettext_lazy("Floor area (㎡)"), lambda row: row[0].floor_area_m2, kind="num"
        ),
        Column("units", gettext_lazy("Units"), lambda row: row[1].units, kind="num"),
        Column("vacant", gettext_lazy("Vacant"), lambda row: row[1].vacant, kind="num"),
        Column("occupancy", gettext_lazy("Occupancy %"), _occupancy_share, kind="num"),
        Column("applications", gettext_lazy("Applications"), lambda row: row[2], kind="num"),
        Column(
            "industries",
            gettext_lazy("Leading industries"),
            lambda row: row[0].leading_industries_note,
        ),
    ),
    filters=(Filter.units("town", gettext_lazy("Town"), _towns),),
    search=("name", "code", "leading_industries_note", "town__name"),
)


@login_required
def park_list_view(request: HttpRequest) -> HttpResponse:
    def rows(query):
        parks = park_list().filter(query.where()).annotate(application_count=Count("applications"))
        return [(park, park_occupancy(park), park.application_count) for park in parks]

    return PARKS.respond(request, rows, template="parks/park_list.html")


def _park_context(request, park: Park, **extra):
    today = city_today(park.city)
    manage = can_manage_park(request.user, park)
    return {
        "park": park,
        "occupancy": park_occupancy(park),
        "units": park.units.select_related("enterprise"),
        "criteria": criteria_in_force(park, today),
        "versions": park.criteria.select_related("created_by"),
        "applications": applications_ranked(park)
        if can_see_applications(request.user, park)
        else None,
        "waiting": waiting_list(park),
        "can_manage": manage,
        "criteria_form": extra.pop("criteria_form", CriteriaForm(initial={"valid_from": today}))
        if manage
        else None,
        "screening_form": extra.pop("screening_form", ScreeningForm()) if manage else None,
        "allocation_form": AllocationForm(park=park) if manage else None,
        **extra,
    }


def _managed_park(request: HttpRequest, code: str) -> Park:
    """The park *code*, if the user may decide for it (its town or the supervision office)."""
    park = get_object_or_404(Park.objects.select_related("town", "city"), code=code)
    require(
        can_manage_park(request.user, park), user=request.user, action="park_manage", target=park
    )
    return park


@login_required
def park_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    park = get_object_or_404(Park.objects.select_related("town", "city"), code=code)
    return render(request, "parks/park_detail.html", _park_context(request, park))


@login_required
def criteria_view(request: HttpRequest, code: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("parks:park", code=code)
    park = _managed_park(request, code)
    form = CriteriaForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data.copy()
        valid_from = values.pop("valid_from")
        try:
            criteria = criteria_change(
                actor=request.user, park=park, valid_from=valid_from, **values
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Criteria version %(version)d saved.") % {"version": criteria.version}
            )
            return redirect("parks:park", code=code)
    context = _park_context(request, park, criteria_form=form)
    return render(request, "parks/park_detail.html", context, status=400)


@login_required
def screen_view(request: HttpRequest, code: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("parks:park", code=code)
    park = _managed_park(request, code)
    form = ScreeningForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "parks/park_detail.html",
            _park_context(request, park, screening_form=form),
            status=400,
        )
    upload = form.cleaned_data["file"]
    result = applications_screen(actor=request.user, park=park, source=upload, name=upload.name)
    if not result.ok:
        context = _park_context(request, park, screening_form=form, problems=result.problems)
        return render(request, "parks/park_detail.html", context, status=422)
    admitted = sum(1 for e in result.evaluations if e.admitted)
    for note in result.notes:
        messages.info(request, note)
    messages.success(
        request,
        _("Screened %(count)d applicants: %(admitted)d admitted, %(rejected)d rejected.")
        % {
            "count": len(result.evaluations),
            "admitted": admitted,
            "rejected": len(result.evaluations) - admitted,
        },
    )
    return redirect("parks:park", code=code)


@login_required
def results_view(request: HttpRequest, code: str) -> HttpResponse:
    park = get_object_or_404(Park, code=code)
    require(
        can_see_applications(request.user, park),
        user=request.user,
        action="park_results",
        target=park,
    )
    return xlsx_response(screening_workbook(park), f"{park.name}-入园评价.xlsx")


@login_required
def allocate_view(request: HttpRequest, code: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("parks:park", code=code)
    park = _managed_park(request, code)
    form = AllocationForm(request.POST, park=park)
    if form.is_valid():
        application = get_object_or_404(Application, pk=form.cleaned_data["application"], park=park)
        try:
            unit = unit_allocate(
                actor=request.user,
                application=application,
                unit=form.cleaned_data["unit"],
                status=form.cleaned_data["status"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(unit)s given to %(enterprise)s.")
                % {"unit": unit.code, "enterprise": application.enterprise.name},
            )
    else:
        messages.error(request, _("Choose a vacant unit."))
    return redirect("parks:park", code=code)


@login_required
def application_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("enterprise", "park__town", "park__city"), pk=pk
    )
    park = application.park
    require(
        can_see_applications(request.user, park),
        user=request.user,
        action="application_read",
        target=application,
    )
    if request.method == "POST":
        require(
            can_manage_park(request.user, park),
            user=request.user,
            action="application_evaluate",
            target=application,
        )
        try:
            application_evaluate(actor=request.user, application=application)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Evaluated under the criteria in force today."))
        return redirect("parks:application", pk=pk)
    evaluations = application.evaluations.select_related("criteria", "grading", "created_by")
    return render(
        request,
        "parks/application.html",
        {
            "application": application,
            "park": park,
            "indicators": indicators(figures_of(application)),
            "evaluations": evaluations,
            "can_manage": can_manage_park(request.user, park),
        },
    )


@login_required
def grading_view(request: HttpRequest) -> HttpResponse:
    """The city's 亩均 grading versions; the supervision office publishes a new one."""
    city = current_city_or_404()
    versions = list(GradingScheme.objects.filter(city=city).select_related("created_by"))
    manage = is_supervisor(request.user)
    form = None
    if manage:
        current = versions[0] if versions else None
        initial = {"valid_from": city_today(city)}
        if current is not None:
            initial |= {f"weight_{k}": v for k, v in current.weights.items()}
            initial |= {f"benchmark_{k}": v for k, v in current.benchmarks.items()}
            initial |= {"cap": current.cap, "mode": current.mode}
        form = GradingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(manage, user=request.user, action="grading_change", target=city)
        if form.is_valid():
            try:
                scheme = grading_change(actor=request.user, city=city, **form.scheme())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("Grading version %(version)d saved.") % {"version": scheme.version}
                )
                return redirect("parks:grading")
    return render(
        request,
        "parks/grading.html",
        {"versions": versions, "form": form, "labels": INDICATOR_LABELS},
        status=400 if form is not None and form.errors else 200,
    )
