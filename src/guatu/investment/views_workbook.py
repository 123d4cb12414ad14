"""The 月报 workbook: download the month's template, upload it filled in (all or nothing).

Only the officials who report investment use these pages (the office, towns and
departments); a town's or a department's table lists the projects it reports. The
upload is checked whole and written whole (``investment.workbook``): the page shows
every problem at its sheet, row and column, or what was written.
"""

from pathlib import Path

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import bad_query, xlsx_response
from guatu.investment.rules import reporting_month
from guatu.investment.workbook import (
    FIRST_YEAR,
    LAST_YEAR,
    own_unit,
    workbook_export,
    workbook_filename,
    workbook_import,
)
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404

#: Who reports investment, and so uses the table.
REPORTERS = (Role.SUPERVISOR, Role.TOWN, Role.DEPARTMENT)
MONTHS = [(month, f"{month}月") for month in range(1, 13)]
#: The month chooser sits on the page beside the upload form: its own ids.
SHOW_ID = "show_%s"


class MonthForm(forms.Form):
    """The month a table is for."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), choices=MONTHS, coerce=int)


class WorkbookUploadForm(MonthForm):
    file = forms.FileField(
        label=gettext_lazy("The filled-in 月报 (.xlsx)"),
        help_text=gettext_lazy("The table downloaded above, its figures filled in."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("Upload an .xlsx file (the 月报 template)."))
        return upload


@role_required(*REPORTERS)
def workbook_download(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's table for the signed-in official (their unit's projects, or all)."""
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404(_("There is no 月报 for that month."))
    city = current_city_or_404()
    data = workbook_export(city=city, year=year, month=month, actor=request.user)
    return xlsx_response(data, workbook_filename(city, year, month, own_unit(request.user)))


@role_required(*REPORTERS)
def workbook_upload(request: HttpRequest) -> HttpResponse:
    """GET: the page, for the month asked (``?year=&month=``) or the last one ended;
    POST: check the upload and write it, all or nothing."""
    city = current_city_or_404()
    default_year, default_month = reporting_month(city_today(city))
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, form, None, status=400)
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        upload = form.cleaned_data["file"]
        result = workbook_import(
            actor=request.user, city=city, source=upload, name=upload.name, year=year, month=month
        )
        return _page(
            request,
            WorkbookUploadForm(initial={"year": year, "month": month}),
            result,
            year=year,
            month=month,
            status=200 if result.ok else 422,
        )
    if "year" in request.GET or "month" in request.GET:
        chosen = MonthForm(request.GET, auto_id=SHOW_ID)
        if not chosen.is_valid():
            return bad_query(
                request,
                _("Choose a month of a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        year, month = chosen.cleaned_data["year"], chosen.cleaned_data["month"]
    else:
        year, month = default_year, default_month
        chosen = None
    form = WorkbookUploadForm(initial={"year": year, "month": month})
    return _page(request, form, None, chosen=chosen, year=year, month=month)


def _page(
    request: HttpRequest,
    form: forms.Form,
    result,
    *,
    chosen: forms.Form | None = None,
    year: int | None = None,
    month: int | None = None,
    status: int = 200,
) -> HttpResponse:
    if year is None or month is None:
        year, month = reporting_month(city_today(current_city_or_404()))
    return render(
        request,
        "investment/workbook.html",
        {
            "form": form,
            "chosen": chosen or MonthForm(initial={"year": year, "month": month}, auto_id=SHOW_ID),
            "year": year,
            "month": month,
            "unit": own_unit(request.user),
            "result": result,
        },
        status=status,
    )


urlpatterns = [
    path(
        "investment/workbook/<int:year>/<int:month>/",
        workbook_download,
        name="workbook-download",
    ),
    path("investment/workbook/upload/", workbook_upload, name="workbook-upload"),
]
