"""本周待填报: the home of a town's or a department's official — their own work this week.

A town official opens guatu on a phone to report, not to read the city's
dashboard: this page lists the items they report on that are under way, those
not yet reported this week first, each with its last figure and a report
button; then their open blockers. Leaders and the supervision office land on
the dashboard as before.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from guatu.access import reports_own_items
from guatu.notify.todo import todo_of_request
from guatu.org.clock import city_today
from guatu.org.selectors import current_city
from guatu.progress.my_work import my_work


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: one's own work for those who report, the dashboard for others."""
    if reports_own_items(request.user):
        return redirect("web:my-work")
    return redirect("web:dashboard")


@login_required
def my_work_view(request: HttpRequest) -> HttpResponse:
    if not reports_own_items(request.user):
        return redirect("web:dashboard")
    today = city_today(current_city())
    work = my_work(request.user, today)
    return render(
        request,
        "web/my_work.html",
        {
            "today": today,
            "rows": work.rows,
            "due": sum(not row.reported_this_week for row in work.rows),
            "blockers": work.blockers,
            "lights": work.lights,
            "entries": todo_of_request(request),
        },
    )
