"""The command-room screen (大屏) and the office's page for its tokens."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.org.clock import city_time
from guatu.org.middleware import enter_city
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.screens.chart import screen_chart, urgent_rows
from guatu.screens.models import ScreenToken
from guatu.screens.panels import attention_list, investment_line, rotation, town_board
from guatu.screens.services import screen_for_token, screen_token_create, screen_token_revoke
from guatu.web.dashboard import dashboard
from guatu.web.layout_map import has_places, screen_map
from guatu.web.wallchart import wall_labels, wall_rows

REFRESH_SECONDS = 180
REFRESH_BOUNDS = (10, 3600)
#: How often a refused screen asks again: it shows the city as soon as its link works.
RETRY_SECONDS = 60
#: Table rows each list has on the screen (a line for what is left out comes under).
LIST_ROWS = {"attention": 9, "towns": 10, "nodes": 9}


def _refresh(request: HttpRequest, default: int = REFRESH_SECONDS) -> int:
    try:
        seconds = int(request.GET.get("refresh", default))
    except ValueError:
        seconds = default
    return min(max(seconds, REFRESH_BOUNDS[0]), REFRESH_BOUNDS[1])


@require_safe
def screen_view(request: HttpRequest, token: str) -> HttpResponse:
    """The city at a glance for a wall screen: read-only, no session, refreshing itself.

    Each refresh moves the chart on to the next project (``n``). A revoked or unknown
    link gets a page of its own that names no city and asks again every minute.
    """
    try:
        screen = screen_for_token(token)
    except PermissionDenied:
        return _screen_page(
            render(
                request,
                "screens/refused.html",
                {"refresh": _refresh(request, RETRY_SECONDS)},
                status=403,
            )
        )
    enter_city(screen.created_by)  # the city of the office that issued it, whoever looks
    city = current_city_or_404()
    board = dashboard(city=city)
    projects = list(Project.objects.filter(city=city).select_related("city").order_by("code"))
    try:
        turn = int(request.GET.get("n", 0))
    except ValueError:
        turn = 0
    # The charts take turns, and the map comes round among them (``panels.rotation``).
    with_map = has_places(city)
    now = rotation(turn, len(projects), with_map=with_map)
    chart = place_map = ""
    project = None
    if now.project is not None:
        project = projects[now.project]
        chart = screen_chart(
            urgent_rows(wall_rows(project=project)),
            today=board.today,
            target=project.deadline,
            labels=wall_labels(project),
            title=project.name,
            subtitle=_("project %(turn)s of %(count)s, the most urgent rows")
            % {"turn": now.project + 1, "count": len(projects)},
        )
    elif with_map:
        place_map = screen_map(city, today=board.today)
    refresh = _refresh(request)
    query = f"?n={(turn + 1) % now.turns}"
    if "refresh" in request.GET:
        query += f"&refresh={refresh}"
    return _screen_page(
        render(
            request,
            "screens/wall.html",
            {
                "screen": screen,
                "city": city,
                "board": board,
                "attention": attention_list(
                    board.attention, board.counts, rows=LIST_ROWS["attention"]
                ),
                "towns": town_board(board.towns, rows=LIST_ROWS["towns"]),
                "nodes": board.next_nodes[: LIST_ROWS["nodes"]],
                "investment": investment_line(city, board.today),
                "project": project,
                "turn": now.project + 1 if now.project is not None else 0,
                "projects": len(projects),
                "chart": chart,
                "place_map": place_map,
                "refresh": refresh,
                "next_url": reverse("screens:wall", args=[token]) + query,
                "shown_at": city_time(city, screen.last_seen_at) if screen.last_seen_at else None,
            },
        )
    )


def _screen_page(response: HttpResponse) -> HttpResponse:
    """Never kept by a cache or a search engine."""
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
