"""The blocker board: every open blocker (卡点) by owner department, overdue first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.progress.selectors import blocker_overdue, blockers_open


@login_required
def blocker_board_view(request: HttpRequest) -> HttpResponse:
    """Open blockers by owner department, overdue first."""
    today = city_today(current_city_or_404())
    open_blockers = blockers_open().select_related("work_item__project", "owner_department", "town")
    by_department: dict = {}
    for blocker in sorted(
        open_blockers, key=lambda b: (not blocker_overdue(b, today=today), b.due_on)
    ):
        by_department.setdefault(blocker.owner_department, []).append(blocker)
    departments = sorted(
        by_department.items(),
        key=lambda pair: (-sum(blocker_overdue(b, today=today) for b in pair[1]), str(pair[0])),
    )
    return render(request, "web/blocker_board.html", {"departments": departments, "today": today})
