"""The system administrator's page for starting a new city from its organisation workbook."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import xlsx_response
from guatu.ledger.city_setup import city_init
from guatu.ledger.exporting import organisation_workbook


@role_required(Role.ADMIN)
def city_setup_view(request: HttpRequest) -> HttpResponse:
    """Upload the workbook: check it (nothing written), or create the city and its users."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            return render(
                request,
                "ledger/city_setup.html",
                {"missing": _("Choose the filled-in organisation workbook.")},
                status=422,
            )
        result = city_init(
            source=upload,
            name=upload.name,
            dry_run=request.POST.get("action") != "create",
            actor=request.user,
        )
    status = 422 if result is not None and result.problems else 200
    return render(request, "ledger/city_setup.html", {"result": result}, status=status)


@role_required(Role.ADMIN)
def city_template_view(request: HttpRequest) -> HttpResponse:
    return xlsx_response(organisation_workbook(), _("organisation template") + ".xlsx")
