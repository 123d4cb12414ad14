"""Pages of the supervision office: bulletins, the accountability ladder, scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guatu.access import is_supervisor
from guatu.common.pages import bad_query
from guatu.org.clock import city_today
from guatu.org.selectors import current_city, current_city_or_404
from guatu.projects.models import Project
from guatu.supervision import render as formats
from guatu.supervision.models import Bulletin, EscalationEvent, Score
from guatu.supervision.selectors import bulletins_visible, divisions_above
from guatu.supervision.services import bulletin_draft, bulletin_publish, escalation_resolve

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def bulletin_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        project = Project.objects.filter(code=request.POST.get("project") or "").first()
        try:
            bulletin = bulletin_draft(
                actor=request.user,
                city=current_city_or_404(),
                period_text=request.POST.get("period", ""),
                project=project,
            )
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            return redirect("supervision:bulletin", pk=bulletin.pk)
    return render(
        request,
        "supervision/bulletin_list.html",
        {
            "bulletins": bulletins_visible(user=request.user),
            # The level above drafts for its cities together, never one project of theirs.
            "projects": (
                [] if getattr(request, "above_cities", False) else Project.objects.order_by("code")
            ),
            "may_write": is_supervisor(request.user),
        },
    )


@login_required
def bulletin_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(bulletins_visible(user=request.user), pk=pk)
    if request.method == "POST":
        if bulletin.city_id in divisions_above(request.user):
            raise Http404("a bulletin of the division above is read here, not written")
        number = request.POST.get("number")
        try:
            bulletin = bulletin_publish(
                actor=request.user, bulletin=bulletin, number=int(number) if number else None
            )
        except (ValidationError, ValueError) as error:
            for problem in getattr(error, "messages", [str(error)]):
                messages.error(request, problem)
        else:
            messages.success(
                request, _("Published as %(number)s.") % {"number": bulletin.content["number_text"]}
            )
        return redirect("supervision:bulletin", pk=bulletin.pk)
    return render(
        request,
        "supervision/bulletin.html",
        {
            "bulletin": bulletin,
            "body": formats.to_html(bulletin.content),
            "may_publish": bulletin.status == Bulletin.Status.DRAFT and is_supervisor(request.user),
        },
    )


@login_required
def bulletin_file_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download a bulletin: the stored file once published, freshly laid out while a draft."""
    bulletin = get_object_or_404(bulletins_visible(user=request.user), pk=pk)
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    stored = getattr(bulletin, fmt)
    if bulletin.status == Bulletin.Status.PUBLISHED and stored:
        with stored.open("rb") as handle:
            data = handle.read()
    else:
        data = {"docx": formats.to_docx, "pdf": formats.to_pdf, "xlsx": formats.to_xlsx}[fmt](
            bulletin.content
        )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.period}.{fmt}"'
    return response


@login_required
def escalation_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        event = get_object_or_404(EscalationEvent, pk=request.POST.get("event"))
        try:
            escalation_resolve(actor=request.user, event=event, note=request.POST.get("note", ""))
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        return redirect("supervision:escalations")
    return render(
        request,
        "supervision/escalations.html",
        {
            "events": EscalationEvent.objects.select_related(
                "work_item__project", "town", "department"
            ).order_by("resolved_at", "-period", "id"),
            "may_resolve": is_supervisor(request.user),
        },
    )


@login_required
def notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        EscalationEvent.objects.select_related("work_item__project__city", "town", "department"),
        pk=pk,
    )
    response = HttpResponse(formats.notice_docx(event), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = f'attachment; filename="notice-{event.pk}.docx"'
    return response


@login_required
def score_view(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("year", "").strip()
    if asked and not (asked.isascii() and asked.isdigit() and 1900 < int(asked) < 3000):
        return bad_query(
            request, _("“%(value)s” is not a year: write it like 2019.") % {"value": asked[:20]}
        )
    latest = Score.objects.order_by("-year").values_list("year", flat=True).first()
    year = int(asked) if asked else (latest or city_today(current_city()).year)
    scores = Score.objects.filter(year=year)

    def ranking(field: str):
        return (
            scores.filter(**{f"{field}__isnull": False})
            .values(f"{field}__name")
            .annotate(average=Avg("score"), periods=Count("id"))
            .order_by("-average")
        )

    return render(
        request,
        "supervision/scores.html",
        {
            "year": year,
            "towns": ranking("town"),
            "departments": ranking("department"),
        },
    )
