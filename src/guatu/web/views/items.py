"""An item's pages: its page with the report, blocker and review forms, the report
form's own address, and its site photos (the list of items: ``lists``)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.access import (
    can_answer_problem,
    can_open_blocker,
    can_propose_adjustment,
    can_report,
    can_see_photos,
    is_supervisor,
    require,
)
from guatu.common.pages import apply_errors
from guatu.org.clock import city_today
from guatu.problems.services import problem_close, problem_reply, problem_request_level
from guatu.progress.held import Holding, held_photos, photos_hold, photos_release
from guatu.progress.models import Blocker, ProgressReport, ReportPhoto
from guatu.progress.selectors import report_history, reports_in_force
from guatu.progress.services import (
    blocker_open,
    report_review,
    report_submit,
)
from guatu.progress.status import items_status
from guatu.projects.models import WorkItem
from guatu.web.forms import BlockerForm, ReportForm, ResolveForm


@dataclass
class _ItemForms:
    """The item page's two forms: blank, or bound to what was just posted."""

    report: ReportForm
    blocker: BlockerForm
    #: The photos of a refused report, kept for the retry (``progress.held``).
    held: Holding | None = None


@login_required
def item_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's page; a post carries out one action (``action``) and comes back here."""
    item = get_object_or_404(
        WorkItem.objects.select_related("project__city", "town", "owner_department", "phase"),
        pk=pk,
    )
    forms = _ItemForms(
        report=ReportForm(item=item, initial={"reported_on": city_today(item.project.city)}),
        blocker=BlockerForm(initial={"owner_department": item.owner_department_id}),
    )
    if request.method == "POST" and _item_action(request, item, forms):
        # The message is at the top of the page: open there, not on the form the post
        # came from (a redirect without a fragment keeps the posted page's #report).
        return redirect(f"{reverse('web:item-detail', args=[item.pk])}#top")
    return render(request, "web/item_detail.html", _item_context(request.user, item, forms))


def _item_action(request: HttpRequest, item: WorkItem, forms: _ItemForms) -> bool:
    """Carry out the posted action; False leaves the page to show the form's errors.

    A refusal of the rules lands on the form that was posted (the report form for
    a blocker's resolution, which has no form of its own), a review's in messages.
    """
    action = request.POST.get("action")
    handler = _ITEM_ACTIONS.get(action)
    if handler is None:
        return False
    try:
        return handler(request, item, forms)
    except ValidationError as error:
        if action == "review":
            for problem in error.messages:
                messages.error(request, problem)
        else:
            apply_errors(forms.blocker if action == "blocker" else forms.report, error)
        return False


def _submit_report(request: HttpRequest, item: WorkItem, forms: _ItemForms) -> bool:
    user = request.user
    require(can_report(user, item), user=user, action="report_submit", target=item)
    forms.report = ReportForm(request.POST, request.FILES, item=item)
    # Photos of an earlier refused try, kept for this one (the file input comes back empty).
    token = request.POST.get("held_photos", "")
    uploads = request.FILES.getlist("photos")
    if not forms.report.is_valid():
        forms.held = photos_hold(uploads, token=token, user=user, item=item)
        return False
    data = forms.report.cleaned_data
    try:
        report_submit(
            work_item=item,
            reported_by=user,
            reported_on=data["reported_on"],
            quantity=data.get("quantity"),
            unit=data.get("unit") or "",
            percent=data.get("percent"),
            note=data["note"],
            above_target=data["above_target"],
            supersedes=data["supersedes"],
            correction_reason=data["correction_reason"],
            photos=[*held_photos(token, user=user, item=item), *data["photos"]],
        )
    except ValidationError:
        forms.held = photos_hold(uploads, token=token, user=user, item=item)
        raise
    photos_release(token, user=user, item=item)
    messages.success(request, _("Report saved."))
    return True


def _open_blocker(request: HttpRequest, item: WorkItem, forms: _ItemForms) -> bool:
    user = request.user
    require(can_open_blocker(user, item), user=user, action="blocker_open", target=item)
    forms.blocker = BlockerForm(request.POST)
    if not forms.blocker.is_valid():
        return False
    data = forms.blocker.cleaned_data
    blocker_open(
        actor=user,
        work_item=item,
        description=data["description"],
        owner_department=data["owner_department"],
        responsible_person=data["responsible_person"],
        opened_on=city_today(item.project.city),
        due_on=data["due_on"],
    )
    messages.success(request, _("Blocker opened."))
    return True


def _review_report(request: HttpRequest, item: WorkItem, forms: _ItemForms) -> bool:
    report = get_object_or_404(ProgressReport, pk=request.POST.get("report"), work_item=item)
    report_review(
        actor=request.user,
        report=report,
        confirm=request.POST.get("decision") == "confirm",
        note=request.POST.get("note", "")[:2000],
    )
    messages.success(request, _("Review recorded."))
    return True


def _settle_blocker(request: HttpRequest, item: WorkItem, forms: _ItemForms) -> bool:
    """Escalate or resolve one of the item's blockers (``action``)."""
    blocker = get_object_or_404(Blocker, pk=request.POST.get("blocker"), work_item=item)
    if request.POST.get("action") == "escalate":
        problem_request_level(
            actor=request.user, blocker=blocker, reason=request.POST.get("reason", "")[:2000]
        )
        return True
    resolve = ResolveForm(request.POST)
    if not resolve.is_valid():
        raise ValidationError(_("Enter the resolution."))
    # The office's word closes it (核实销号); a unit's is its answer (反馈), for the office
    # to verify (docs/PROBLEMS.md).
    settle = problem_close if is_supervisor(request.user) else problem_reply
    settle(actor=request.user, blocker=blocker, text=resolve.cleaned_data["resolution"])
    return True


_ITEM_ACTIONS: dict[str, Callable[[HttpRequest, WorkItem, _ItemForms], bool]] = {
    "report": _submit_report,
    "blocker": _open_blocker,
    "review": _review_report,
    "resolve": _settle_blocker,
    "escalate": _settle_blocker,
}


def _item_context(user, item: WorkItem, forms: _ItemForms) -> dict:
    """What the item page shows: status, history, blockers, and the forms the user may use."""
    return {
        "item": item,
        "status": items_status(items=[item]).get(item.pk),
        "today": city_today(item.project.city),
        "history": report_history(work_item_id=item.pk).reverse(),  # the newest first
        "last_report": reports_in_force(work_item_ids=[item.pk]).last(),
        "held": forms.held,
        "blockers": item.blockers.select_related("owner_department").order_by("due_on"),
        "report_form": forms.report if can_report(user, item) else None,
        "blocker_form": forms.blocker if can_open_blocker(user, item) else None,
        "may_manage": {
            b.pk: is_supervisor(user) or can_answer_problem(user, b) for b in item.blockers.all()
        },
        "may_review": is_supervisor(user),
        "may_see_photos": can_see_photos(user, item),
        "open_adjustment": item.adjustments.filter(status__in=["pending", "reviewed"]).first(),
        "may_propose": can_propose_adjustment(user, item),
    }


@login_required
def item_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report form's own address (a link a town official can keep on the phone)."""
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=pk)
    require(can_report(request.user, item), user=request.user, action="report_form", target=item)
    return redirect(f"{reverse('web:item-detail', args=[item.pk])}#report")


@login_required
def photo_view(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Serve a site photo to those who may see it (never a public URL).

    *kind*: ``thumb``, ``full`` (the displayed copy with its 水印) or
    ``original`` (the file as uploaded, kept as evidence).
    """
    photo = get_object_or_404(ReportPhoto.objects.select_related("report__work_item"), pk=pk)
    require(
        can_see_photos(request.user, photo.report.work_item),
        user=request.user,
        action="photo_read",
        target=photo.report.work_item,
    )
    if kind == "thumb":
        return FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    if kind == "full" and photo.display:  # the copy with the 水印
        return FileResponse(photo.display.open("rb"), content_type="image/jpeg")
    if kind in ("full", "original"):  # the file as uploaded, EXIF and all
        return FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    raise Http404
