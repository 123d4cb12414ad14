"""The command-room screen (大屏) and the office's page for its tokens."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.core.wallchart import render_svg
from guatu.org.clock import city_time
from guatu.org.middleware import enter_city
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.screens.models import ScreenToken
from guatu.screens.services import screen_for_token, screen_token_create, screen_token_revoke
from guatu.web.dashboard import dashboard
from guatu.web.wallchart import wall_labels, wall_rows

REFRESH_SECONDS = 180
REFRESH_BOUNDS = (10, 3600)
CHART_ROWS = 10
#: The chart's days around today, and its pixels a day before the screen scales it.
CHART_BEFORE, CHART_AFTER, CHART_REACH = (
    timedelta(days=70),
    timedelta(days=112),
    timedelta(days=150),
)
CHART_PER_DAY = 7.0
LIST_ROWS = {"attention": 6, "towns": 8, "nodes": 6}
URGENCY = {"red": 0, "yellow": 1}


def _urgent_rows(rows):
    """At most CHART_ROWS rows for the screen: red, yellow and critical first, in chart order."""
    ranked = sorted(
        range(len(rows)),
        key=lambda k: (URGENCY.get(rows[k].light, 2), not rows[k].critical, k),
    )
    keep = sorted(ranked[:CHART_ROWS])
    return [rows[k] for k in keep]


def _window(today: date, target: date | None) -> tuple[date, date]:
    """A few months around today, stretched to the project's target when it is near."""
    last = today + CHART_AFTER
    if target is not None and today < target <= today + CHART_REACH:
        last = max(last, target + timedelta(days=14))
    return today - CHART_BEFORE, last


def _refresh(request: HttpRequest) -> int:
    try:
        seconds = int(request.GET.get("refresh", REFRESH_SECONDS))
    except ValueError:
        seconds = REFRESH_SECONDS
    return min(max(seconds, REFRESH_BOUNDS[0]), REFRESH_BOUNDS[1])


@require_safe
def screen_view(request: HttpRequest, token: str) -> HttpResponse:
    """The city at a glance for a wall screen: read-only, no session, refreshing itself.

    Each refresh moves the chart on to the next project (``n``).
    """
    screen = screen_for_token(token)
    enter_city(screen.created_by)  # the city of the office that issued it, whoever looks
    city = current_city_or_404()
    board = dashboard(city=city)
    projects = list(Project.objects.filter(city=city).select_related("city").order_by("code"))
    try:
        turn = int(request.GET.get("n", 0))
    except ValueError:
        turn = 0
    chart = ""
    project = None
    if projects:
        project = projects[turn % len(projects)]
        rows = _urgent_rows(wall_rows(project=project))
        chart = render_svg(
            rows,
            today=board.today,
            target=project.deadline,
            labels=wall_labels(project),
            window=_window(board.today, project.deadline),
            per_day=CHART_PER_DAY,
        )
    refresh = _refresh(request)
    query = f"?n={(turn + 1) % max(len(projects), 1)}"
    if "refresh" in request.GET:
        query += f"&refresh={refresh}"
    response = render(
        request,
        "screens/wall.html",
        {
            "screen": screen,
            "city": city,
            "board": board,
            "attention": board.attention[: LIST_ROWS["attention"]],
            "towns": [row for row in board.towns if row.share is not None][: LIST_ROWS["towns"]],
            "nodes": board.next_nodes[: LIST_ROWS["nodes"]],
            "project": project,
            "turn": (turn % len(projects)) + 1 if projects else 0,
            "projects": len(projects),
            "chart": chart,
            "refresh": refresh,
            "next_url": reverse("screens:wall", args=[token]) + query,
            "shown_at": city_time(city, screen.last_seen_at) if screen.last_seen_at else None,
        },
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@role_required(Role.SUPERVISOR)
def screen_list_view(request: HttpRequest) -> HttpResponse:
    """List the screens' tokens; issue one (shown once) or revoke one."""
    issued = None
    errors: dict = {}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            screen = get_object_or_404(ScreenToken, pk=request.POST.get("screen") or 0)
            screen_token_revoke(actor=request.user, screen=screen)
        else:
            try:
                screen, token = screen_token_create(
                    actor=request.user, name=request.POST.get("name", "")
                )
                issued = (screen, request.build_absolute_uri(reverse("screens:wall", args=[token])))
            except ValidationError as error:
                errors = error.message_dict
    return render(
        request,
        "screens/list.html",
        {
            "screens": ScreenToken.objects.select_related("created_by", "revoked_by"),
            "issued": issued,
            "errors": errors,
        },
        status=422 if errors else 200,
    )
