"""The monthly 会办 agendas of the city's leaders: the list with a month picker, each as
Word and PDF.

The office (which prepares the meetings) sees every leader's; a leader sees their own
only, and asking for another leader's is refused (403, audited). Towns and departments
do not open these pages (403, audited); another city's leader answers 404 (the scope).
"""

import re

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from guatu.access import can_read_agenda, is_supervisor, require, role_required
from guatu.accounts.models import Role, User
from guatu.common.pages import bad_query
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.projects.selectors import city_leaders
from guatu.supervision.agenda import agenda, leader_name, month_problem
from guatu.supervision.render_agenda import agenda_docx, agenda_filename, agenda_pdf

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _month(request: HttpRequest, city) -> tuple[int, int] | str:
    """The month asked for (``?month=2019-11``; this month when none), or what is wrong."""
    text = request.GET.get("month", "").strip()
    if not text:
        today = city_today(city)
        return today.year, today.month
    match = MONTH.fullmatch(text[:10])
    if match is None:
        return _("month: write it as YYYY-MM, e.g. 2019-11.")
    year, month = int(match[1]), int(match[2])
    problem = month_problem(city, year, month)
    return _("month: %(problem)s") % {"problem": problem} if problem else (year, month)


@role_required(Role.SUPERVISOR, Role.LEADER)
def agenda_list_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    month = _month(request, city)
    if isinstance(month, str):
        return bad_query(request, month)
    year, number = month
    leaders = city_leaders(city).annotate(projects=Count("led_projects"))
    if not is_supervisor(request.user):
        leaders = leaders.filter(pk=request.user.pk)
    return render(
        request,
        "supervision/agenda_list.html",
        {
            "leaders": [(leader, leader_name(leader)) for leader in leaders],
            "month": f"{year}-{number:02d}",
            "latest": f"{city_today(city):%Y-%m}",
        },
    )


@role_required(Role.SUPERVISOR, Role.LEADER)
def agenda_file_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    city = current_city_or_404()
    leader = get_object_or_404(User.objects.filter(role=Role.LEADER), pk=pk)
    require(can_read_agenda(request.user, leader), user=request.user, action="agenda_read",
            target=leader)  # fmt: skip
    month = _month(request, city)
    if isinstance(month, str):
        return bad_query(request, month)
    found = agenda(city, leader, *month)
    data = agenda_docx(found) if fmt == "docx" else agenda_pdf(found)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    # Word is saved; the PDF opens in the browser (a leader's phone).
    response["Content-Disposition"] = content_disposition_header(
        fmt == "docx", agenda_filename(found, fmt)
    )
    return response


def agenda_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    return agenda_file_view(request, pk, "docx")


def agenda_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return agenda_file_view(request, pk, "pdf")
