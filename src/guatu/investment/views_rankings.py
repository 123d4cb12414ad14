"""红黑榜 on the investment page, and a leader's exemption of one unit for a month.

The lists are ``rankings.red_black_lists`` of the page's own standing, so a unit's figure
on a list is its figure in the table by town or by department. Only a leader approves an
exemption (``services.exemption_grant``), and the approver is the one who records it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import can_approve_exemption, require, role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors, bad_query
from guatu.investment.rankings import red_black_lists
from guatu.investment.selectors import CityStanding
from guatu.investment.services import TEXT_LIMIT, exemption_grant
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city_or_404

#: The 序列's words, as the lists are headed.
SERIES = {"town": gettext_lazy("镇街区序列"), "department": gettext_lazy("部门序列")}


class ExemptionForm(forms.Form):
    """Keep one unit off the month's 红黑榜: which unit, and why."""

    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    month = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)
    unit = forms.ChoiceField(label=gettext_lazy("unit"))
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, city, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (f"town:{town.pk}", town.name) for town in Town.objects.filter(city=city)
        ] + [(f"department:{unit.pk}", unit.name) for unit in Department.objects.filter(city=city)]

    def unit_of(self, city) -> dict:
        kind, _sep, pk = self.cleaned_data["unit"].partition(":")
        model = Town if kind == "town" else Department
        return {kind: model.objects.get(city=city, pk=int(pk))}


def red_black_context(request: HttpRequest, city, standing: CityStanding) -> dict:
    """What the city page shows of the 红黑榜, and the exemption form for a leader."""
    lists = [(SERIES[lists.series], lists) for lists in red_black_lists(city, standing)]
    form = None
    if can_approve_exemption(request.user):
        form = ExemptionForm(city=city, initial={"year": standing.year, "month": standing.month})
    return {"red_black": lists, "exemption_form": form}


@role_required(Role.LEADER)
def exemption_view(request: HttpRequest) -> HttpResponse:
    """A leader exempts one unit from a month's 红黑榜 (POST), then sees the page again."""
    city = current_city_or_404()
    require(
        can_approve_exemption(request.user),
        user=request.user,
        action="investment_exemption",
        target=city,
    )
    if request.method != "POST":
        return redirect("investment:city")
    form = ExemptionForm(request.POST, city=city)
    if form.errors.keys() & {"year", "month"}:  # not a month of the page: a bad request
        return bad_query(request, _("Choose a month of the investment page."))
    data = form.cleaned_data if form.is_valid() else {}
    if data:
        try:
            exemption_grant(
                actor=request.user,
                city=city,
                year=data["year"],
                month=data["month"],
                reason=data["reason"],
                **form.unit_of(city),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The unit is kept off this month's 红黑榜."))
    if form.errors:  # said on the page it came from, beside the lists
        messages.error(
            request,
            "；".join(
                f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}"
                for name, errors in form.errors.items()
            ),
        )
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    query = f"?year={year}&month={month}"
    return redirect(reverse("investment:city") + query + "#red-black")


urlpatterns = [path("investment/exemptions/", exemption_view, name="exemption")]
