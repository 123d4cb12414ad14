"""Pages of the supervision office: bulletins, the accountability ladder, scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from guatu.access import can_answer_problem, can_see_escalation, is_supervisor, reads_everything
from guatu.common.pages import bad_query
from guatu.core.periods import period_label
from guatu.org.clock import city_today
from guatu.org.selectors import current_city, current_city_or_404
from guatu.problems.selectors import with_answer_state
from guatu.progress.models import Blocker
from guatu.projects.models import Project
from guatu.supervision import render as formats
from guatu.supervision.bulletins import ladder_choices
from guatu.supervision.lists import BULLETINS, ESCALATIONS
from guatu.supervision.models import Bulletin, EscalationEvent, Score
from guatu.supervision.notices import default_body, fields, template_text
from guatu.supervision.render_assignment import (
    assignment_docx,
    assignment_filename,
    assignment_pdf,
)
from guatu.supervision.render_notice import notice_docx, notice_filename, notice_pdf
from guatu.supervision.selectors import (
    answer_states,
    bulletins_visible,
    divisions_above,
    escalations_visible,
    score_pace,
    unit_scores,
)
from guatu.supervision.services import (
    bulletin_draft,
    bulletin_publish,
    bulletin_rung_decide,
    escalation_resolve,
    notice_template_save,
    publish_summary,
)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def bulletin_list_view(request: HttpRequest) -> HttpResponse:
    # The draft form keeps what was written, and says what is wrong with the 期次 at the field.
    period_errors: list[str] = []
    failed = False
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
            failed = True
            problems = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            period_errors = problems.pop("period", [])
            for found in problems.values():
                for problem in found:
                    messages.error(request, problem)
        else:
            return redirect("supervision:bulletin", pk=bulletin.pk)
    return BULLETINS.respond(
        request,
        lambda query: (
            bulletins_visible(user=request.user)
            .filter(query.where())
            .order_by("-year", "-period", "-id")
        ),
        template="supervision/bulletin_list.html",
        context={
            # The level above drafts for its cities together, never one project of theirs.
            "projects": (
                [] if getattr(request, "above_cities", False) else Project.objects.order_by("code")
            ),
            "may_write": is_supervisor(request.user),
            "period_value": request.POST.get("period", "") if request.method == "POST" else "",
            "project_value": request.POST.get("project", "") if request.method == "POST" else "",
            "period_errors": period_errors,
        },
        status=400 if failed else 200,
    )


@login_required
def bulletin_view(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(bulletins_visible(user=request.user), pk=pk)
    if request.method == "POST":
        if bulletin.city_id in divisions_above(request.user):
            raise Http404("a bulletin of the division above is read here, not written")
        number = request.POST.get("number")
        if not request.POST.get("confirm") and is_supervisor(request.user):
            # 印发 records rungs and tells units: say what first, and ask.
            return render(
                request,
                "supervision/bulletin_confirm.html",
                {"bulletin": bulletin, "number": number, "summary": publish_summary(bulletin)},
            )
        try:
            bulletin = bulletin_publish(
                actor=request.user,
                bulletin=bulletin,
                number=_number(number),
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
            "levels": ladder_choices(),
        },
    )


def _number(text: str | None) -> int | None:
    """The number the office typed (empty: the next of the year)."""
    if not text:
        return None
    if not text.strip().isdigit():
        raise ValidationError({"number": _("A number from 1 to 99999.")})
    return int(text.strip())


@login_required
def bulletin_rung_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep, lower or strike one proposed rung of a draft, with the reason (the office)."""
    bulletin = get_object_or_404(bulletins_visible(user=request.user), pk=pk)
    if bulletin.city_id in divisions_above(request.user):
        raise Http404("a rung is decided on its own city's draft")
    if request.method != "POST":  # the decisions are made in the draft's own section
        return redirect(f"{reverse('supervision:bulletin', args=[bulletin.pk])}#rungs")
    try:
        item = int(request.POST.get("work_item", ""))
    except ValueError:
        raise Http404("no such work item") from None
    try:
        bulletin_rung_decide(
            actor=request.user,
            bulletin=bulletin,
            work_item_id=item,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
            interview_at=request.POST.get("interview_at", ""),
            interview_place=request.POST.get("interview_place", ""),
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request, _("The rung is decided; it is recorded when the bulletin is published.")
        )
    return redirect(f"{reverse('supervision:bulletin', args=[bulletin.pk])}#rungs")


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
    # The PDF opens in the browser (a phone's own viewer); Word and Excel are files to keep.
    response["Content-Disposition"] = content_disposition_header(
        fmt != "pdf",
        _("Bulletin %(period)s") % {"period": period_label(bulletin.period)} + f".{fmt}",
    )
    return response


@login_required
def escalation_list_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = request.POST.get("event", "")
        if not raw.isdigit():
            raise Http404("no such rung")
        event = get_object_or_404(EscalationEvent, pk=int(raw))
        try:
            escalation_resolve(actor=request.user, event=event, note=request.POST.get("note", ""))
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        return redirect("supervision:escalations")
    # A town or a department lists its own unit's rungs only; each row says where its
    # unit's answer (整改反馈) stands, and ?overdue=1 keeps the rungs whose answer is late.
    overdue_count = 0

    def rows(query):
        nonlocal overdue_count
        events = list(
            escalations_visible(user=request.user)
            .filter(query.where())
            .order_by("resolved_at", "-period", "id")
        )
        states = answer_states(events)
        for event in events:
            event.answer = states[event.pk]
        overdue_count = sum(event.answer.state == "overdue" for event in events)
        return events

    return ESCALATIONS.respond(
        request,
        rows,
        template="supervision/escalations.html",
        context={
            "overdue_count": lambda: overdue_count,
            "may_resolve": is_supervisor(request.user),
        },
    )


@login_required
def notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A rung's notice in Word, named as the office files it (督办单-石柱镇-….docx)."""
    event = _notice_event(request, pk)
    response = HttpResponse(notice_docx(event), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = content_disposition_header(
        True, notice_filename(event, "docx")
    )
    return response


@login_required
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same notice as a PDF that opens in the browser (a town official's phone)."""
    event = _notice_event(request, pk)
    response = HttpResponse(notice_pdf(event), content_type=CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = content_disposition_header(
        False, notice_filename(event, "pdf")
    )
    return response


@login_required
def notice_templates_view(request: HttpRequest) -> HttpResponse:
    """The office's wording of each rung's notice, with the fields it may use."""
    city = current_city_or_404()
    if request.method == "POST":
        try:
            notice_template_save(
                actor=request.user,
                city=city,
                level=request.POST.get("level", ""),
                body=request.POST.get("body", ""),
            )
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _("Saved: notices issued from now on use this text."))
        return redirect("supervision:notice-templates")
    return render(
        request,
        "supervision/notice_templates.html",
        {
            "levels": [
                (code, name, template_text(city, code), default_body(code))
                for code, name in ladder_choices()
            ],
            "fields": fields(),
            "may_write": is_supervisor(request.user),
        },
    )


def _notice_event(request: HttpRequest, pk: int) -> EscalationEvent:
    """A rung's notice: a town or department reads its own unit's only."""
    event = get_object_or_404(
        EscalationEvent.objects.select_related(
            "work_item__project__city", "town", "department", "city"
        ),
        pk=pk,
    )
    if not can_see_escalation(request.user, event):
        raise Http404("another unit's notice")
    return event


def _assigned_problem(request: HttpRequest, pk: int) -> Blocker:
    """A problem's 交办单: read by the office, the leaders and the problem's own unit (its
    owner department, or the town of its item); a problem not yet 交办ed has none."""
    blocker = get_object_or_404(
        with_answer_state(
            Blocker.objects.select_related(
                "work_item__project__city", "work_item__project__leader", "town", "owner_department"
            )
        ),
        pk=pk,
    )
    if blocker.number is None:
        raise Http404("this problem has no 交办单 yet")
    if not (reads_everything(request.user) or can_answer_problem(request.user, blocker)):
        raise PermissionDenied("another unit's 交办单")
    return blocker


@login_required
def assignment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem's 交办单 in Word, named as the office files it (交办单-石柱镇-….docx)."""
    blocker = _assigned_problem(request, pk)
    response = HttpResponse(assignment_docx(blocker), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = content_disposition_header(
        True, assignment_filename(blocker, "docx")
    )
    return response


@login_required
def assignment_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same 交办单 as a PDF that opens in the browser (a town official's phone)."""
    blocker = _assigned_problem(request, pk)
    response = HttpResponse(assignment_pdf(blocker), content_type=CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = content_disposition_header(
        False, assignment_filename(blocker, "pdf")
    )
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
    pace = score_pace(current_city(), year)
    return render(
        request,
        "supervision/scores.html",
        {
            "year": year,
            "towns": unit_scores(year=year, unit="town", pace=pace),
            "departments": unit_scores(year=year, unit="department", pace=pace),
        },
    )
