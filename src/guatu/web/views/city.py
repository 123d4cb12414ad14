"""The city's pages: the dashboard, the towns' ranking and a town's items."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from guatu.access import can_report
from guatu.accounts.models import Role
from guatu.notify.todo import todo_of_request
from guatu.org.clock import city_today
from guatu.org.models import Town
from guatu.org.selectors import current_city, oversees_cities
from guatu.progress.overview import progress_overview
from guatu.progress.status import items_status, rules_in_force
from guatu.projects.models import WorkItem
from guatu.supervision.agenda import leader_home
from guatu.web.dashboard import dashboard


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    if oversees_cities(request.user):
        return redirect("web:region")  # the level above starts from its cities
    city = current_city()
    if city is None:
        return redirect("web:project-list")
    board = dashboard(city=city)
    # A leader's home shows the projects they own first (领导包联).
    led = leader_home(request.user, city, board.today) if request.user.role == Role.LEADER else None
    return render(
        request,
        "web/dashboard.html",
        {
            "board": board,
            "entries": todo_of_request(request),
            "led": led,
            "agenda_month": f"{board.today:%Y-%m}",
        },
    )


@login_required
def town_list_view(request: HttpRequest) -> HttpResponse:
    city = current_city()
    ranking = progress_overview(city=city).towns() if city else []
    return render(
        request,
        "web/town_list.html",
        {
            "ranking": ranking,
            "today": city_today(city),
            "rules": rules_in_force(city, city_today(city))[2] if city else None,
        },
    )


@login_required
def town_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    town = get_object_or_404(Town.objects.select_related("city"), pk=pk)
    items = list(
        WorkItem.objects.filter(town=town)
        .select_related("project", "phase")
        .order_by("project__code", "order")
    )
    statuses = items_status(items=items)
    return render(
        request,
        "web/town_detail.html",
        {
            "town": town,
            "rows": [
                (item, statuses.get(item.pk), can_report(request.user, item)) for item in items
            ],
            "today": city_today(town.city),
        },
    )
