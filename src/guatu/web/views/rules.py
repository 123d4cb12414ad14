"""The status rules page: the rules in force and their versions; the office sets new ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guatu.access import is_supervisor
from guatu.common.pages import apply_errors
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.progress.services import status_rules_change
from guatu.progress.status import rules_in_force
from guatu.web.forms import RulesForm


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    today = city_today(city)
    current = rules_in_force(city, today)[2]
    initial = {
        "valid_from": today,
        "window_days": 28,
        "yellow_lag": 10,
        "red_lag": 30,
        "ladder_reset_after": 1,
    }
    if current:
        initial.update(
            yellow_lag=current.yellow_lag,
            red_lag=current.red_lag,
            window_days=current.window_days,
            s_curve=current.s_curve,
            ladder_reset_after=current.ladder_reset_after,
            ladder_from=current.ladder_from,
        )
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            status_rules_change(actor=request.user, city=city, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("New rules saved."))
            return redirect("web:rules")
    return render(
        request,
        "web/rules.html",
        {
            "form": form if is_supervisor(request.user) else None,
            "versions": city.status_rules.select_related("created_by").order_by("-version"),
            "current": current,
            "today": today,
        },
    )
