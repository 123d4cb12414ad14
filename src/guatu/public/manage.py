"""The office's page for the public one (``/public/manage/``): what waits to be published
and its 20-working-day clock, which projects are disclosed, their approvals, the month's
photos, and publishing a month. Each post calls one service, which checks the role again
and names what is wrong by field; the page is the office's alone."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors, bad_query
from guatu.investment.models import MonthlyReport, MonthPhoto
from guatu.investment.rules import reporting_month
from guatu.investment.selectors import counted
from guatu.org.clock import city_today
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.public.forms import ApprovalForm, MonthField, PublishForm
from guatu.public.items import items_due
from guatu.public.models import Approval, Disclosure, PhotoChoice, Snapshot
from guatu.public.services import (
    FIRST_YEAR,
    approval_add,
    approval_remove,
    disclosure_set,
    photo_choose,
    snapshot_publish,
)

_ID = re.compile(r"\d{1,12}")


def _posted(request: HttpRequest, name: str) -> int:
    """An id posted as *name*; 404 when it is not one (nothing of it can exist)."""
    text = request.POST.get(name, "")
    if not _ID.fullmatch(text):
        raise Http404(name)
    return int(text)


def _month_text(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _photo_month(request: HttpRequest, today) -> tuple[int, int] | None:
    """The month whose photos are offered (``?month=2019-10``; the last ended month)."""
    text = request.GET.get("month", "").strip()
    if not text:
        return reporting_month(today)
    try:
        year, month = MonthField().clean(text[:7])
    except ValidationError:
        return None
    return (year, month) if FIRST_YEAR <= year <= today.year else None


@role_required(Role.SUPERVISOR)
def manage_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    today = city_today(city)
    chosen_month = _photo_month(request, today)
    if chosen_month is None:
        return bad_query(request, _("month: write it as YYYY-MM, e.g. 2019-11."))
    projects = Project.objects.filter(city=city).order_by("code")
    disclosed = Project.objects.filter(city=city, disclosure__disclosed=True).order_by("code")
    approval_form = ApprovalForm(projects=projects, prefix="approval")
    publish_form = PublishForm(initial={"month": _month_text(reporting_month(today))})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "disclose":
            project = get_object_or_404(projects, pk=_posted(request, "project"))
            disclosure_set(
                actor=request.user, project=project, disclosed=request.POST.get("on") == "1"
            )
            return redirect(reverse("public:manage") + "#projects")
        if action == "approval":
            approval_form = ApprovalForm(request.POST, projects=projects, prefix="approval")
            if approval_form.is_valid():
                data = approval_form.cleaned_data
                try:
                    approval_add(actor=request.user, **data)
                except ValidationError as error:
                    apply_errors(approval_form, error)
                else:
                    messages.success(request, _("Approval recorded."))
                    return redirect(reverse("public:manage") + "#approvals")
        elif action == "approval_remove":
            approval = get_object_or_404(Approval, pk=_posted(request, "approval"))
            approval_remove(actor=request.user, approval=approval)
            messages.success(request, _("Approval removed."))
            return redirect(reverse("public:manage") + "#approvals")
        elif action == "photo":
            return _photo(request, disclosed, chosen_month)
        elif action == "publish":
            publish_form = PublishForm(request.POST)
            if publish_form.is_valid():
                year, month = publish_form.cleaned_data["month"]
                try:
                    snapshot = snapshot_publish(
                        actor=request.user, city=city, year=year, month=month
                    )
                except ValidationError as error:
                    apply_errors(publish_form, error)
                else:
                    messages.success(
                        request,
                        _("Published %(year)s-%(month)02d (version %(version)s).")
                        % {"year": year, "month": month, "version": snapshot.version},
                    )
                    return redirect(reverse("public:manage") + "#published")
        else:
            return bad_query(request, _("Unknown action."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "public/manage.html",
        _context(city, today, projects, disclosed, chosen_month, approval_form, publish_form),
        status=status,
    )


def _photo(request: HttpRequest, disclosed, chosen_month) -> HttpResponse:
    project = get_object_or_404(disclosed, pk=_posted(request, "project"))
    year, month = chosen_month
    photo = None
    if request.POST.get("photo"):
        photo = get_object_or_404(
            MonthPhoto.objects.select_related("report"), pk=_posted(request, "photo")
        )
    try:
        photo_choose(actor=request.user, project=project, year=year, month=month, photo=photo)
    except ValidationError as error:
        return bad_query(request, " ".join(error.messages))
    return redirect(reverse("public:manage") + f"?month={_month_text(chosen_month)}#photos")


def _context(city, today, projects, disclosed, chosen_month, approval_form, publish_form):
    year, month = chosen_month
    states = {row.project_id: row for row in Disclosure.objects.filter(project__city=city)}
    disclosed = list(disclosed)
    photos: dict[int, list[MonthPhoto]] = {}
    for photo in MonthPhoto.objects.filter(
        report__in=MonthlyReport.objects.filter(
            counted(), project__in=disclosed, year=year, month=month
        )
    ).select_related("report"):
        photos.setdefault(photo.report.project_id, []).append(photo)
    choices = dict(
        PhotoChoice.objects.filter(project__in=disclosed, year=year, month=month).values_list(
            "project_id", "photo_id"
        )
    )
    approvals: dict[int, list[Approval]] = {}
    for approval in Approval.objects.filter(project__city=city).order_by("approved_on", "pk"):
        approvals.setdefault(approval.project_id, []).append(approval)
    return {
        "city": city,
        "today": today,
        "public_url": reverse("public:city", args=[city.code]),
        "due": items_due(city, today),
        "projects": [(project, states.get(project.pk)) for project in projects],
        "approved": [
            (project, approvals.get(project.pk, []))
            for project in projects
            if project.pk in approvals
        ],
        "photo_rows": [
            (project, photos.get(project.pk, []), choices.get(project.pk)) for project in disclosed
        ],
        "photo_month": _month_text(chosen_month),
        "approval_form": approval_form,
        "publish_form": publish_form,
        "snapshots": Snapshot.objects.filter(city=city)
        .select_related("published_by")
        .order_by("-published_at", "-pk")[:24],
    }
