"""One rung of the ladder on its own page: its facts and notice, its unit's answers (整改反馈)
with their files, and for the unit the form to answer; each answer's files, to those who
may read them (the unit, leaders and the office: ``access.can_see_notice_answers``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import (
    can_answer_notice,
    can_see_escalation,
    can_see_notice_answers,
    is_supervisor,
    require,
)
from guatu.common.forms import MultipleFileField, MultipleFileInput
from guatu.common.pages import apply_errors
from guatu.org.clock import city_today
from guatu.progress.services import NOTE_LIMIT
from guatu.supervision.models import EscalationEvent, NoticeReplyFile
from guatu.supervision.notices import notice_body, number_text
from guatu.supervision.replies import CONTENT_TYPES, MAX_FILES, notice_reply, stored_suffix
from guatu.supervision.selectors import answer_state

#: What the file picker offers (the service checks what each file is, whatever it offers).
SUFFIXES = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".webp"]
ACCEPT = ",".join([*SUFFIXES, *sorted(set(CONTENT_TYPES.values()))])


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What was done (整改情况)"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NOTE_LIMIT}),
    )
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy(
            "Up to %(count)d files: PDF, Word, Excel or photos (JPEG, PNG, WebP), 10 MB each."
        )
        % {"count": MAX_FILES},
    )


@login_required
def escalation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the rung; POST: its unit answers (anyone else is refused, 403, audited)."""
    event = get_object_or_404(
        EscalationEvent.objects.select_related(
            "work_item__project__city", "town", "department", "issued_by", "city"
        ),
        pk=pk,
    )
    user = request.user
    require(can_see_escalation(user, event), user=user, action="escalation_read", target=event)
    may_answer = can_answer_notice(user, event)
    form, status = ReplyForm(), 200
    if request.method == "POST":
        require(may_answer, user=user, action="notice_reply", target=event)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                notice_reply(
                    actor=user,
                    escalation=event,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Your answer was sent to the supervision office."))
                return redirect("supervision:escalation", pk=event.pk)
        status = 400
    see_answers = can_see_notice_answers(user, event)
    replies = (
        list(event.replies.select_related("created_by").prefetch_related("files"))
        if see_answers
        else []
    )
    return render(
        request,
        "supervision/escalation.html",
        {
            "event": event,
            "number": number_text(event),
            "body": notice_body(event),
            "answer": answer_state(event, city_today(event.work_item.project.city)),
            "see_answers": see_answers,
            "replies": replies,
            "may_answer": may_answer and event.resolved_at is None,
            "may_resolve": is_supervisor(user) and event.resolved_at is None,
            "form": form,
        },
        status=status,
    )


@login_required
def reply_file_view(request: HttpRequest, pk: int) -> FileResponse:
    """A file of an answer, always as a download, to the rung's unit, leaders and the office."""
    record = get_object_or_404(NoticeReplyFile.objects.select_related("reply__escalation"), pk=pk)
    escalation = record.reply.escalation
    require(
        can_see_notice_answers(request.user, escalation),
        user=request.user,
        action="notice_reply_read",
        target=escalation,
    )
    suffix = stored_suffix(record)
    response = FileResponse(
        record.file.open("rb"),
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        as_attachment=True,
        filename=download_name(record.name, suffix),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_name(name: str, suffix: str) -> str:
    """The file's own name, ending as what it was checked to be (``回执`` → ``回执.pdf``)."""
    ends = (".jpg", ".jpeg") if suffix == "jpeg" else (f".{suffix}",)
    return name if name.lower().endswith(ends) else f"{name}{ends[0]}"
