"""Baselines (list, freeze, compare) and 节点调整 (propose, review, decide) pages."""

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from guatu.access import (
    can_decide_adjustment,
    can_freeze_baseline,
    can_propose_adjustment,
    is_supervisor,
    reads_everything,
)
from guatu.baselines.asof import project_as_of
from guatu.baselines.consequence import consequence
from guatu.baselines.forms import FreezeForm, PreviewForm, ProposeForm
from guatu.baselines.models import Adjustment, AdjustmentFile, Baseline
from guatu.baselines.services import (
    adjustment_attach,
    adjustment_decide,
    adjustment_propose,
    adjustment_refuse,
    adjustment_return,
    adjustment_review,
    adjustment_revise,
    adjustment_withdraw,
    baseline_freeze,
    baseline_rows,
    current_rows,
)
from guatu.baselines.workbook import as_of_filename, as_of_workbook
from guatu.common.bounds import EARLIEST, LATEST, day_in_bounds
from guatu.common.listing import Column, Filter, ListSpec
from guatu.common.pages import apply_errors, xlsx_response
from guatu.core.baselines import compare
from guatu.org.clock import city_today
from guatu.org.models import Town
from guatu.progress.photos import without_location
from guatu.projects.models import Project, WorkItem

CURRENT = "current"


@login_required
def baselines_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project, code=code)
    baselines = list(project.baselines.select_related("created_by", "adjustment"))
    form = FreezeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            baseline = baseline_freeze(
                project=project, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Baseline %(n)d frozen.") % {"n": baseline.number})
            return redirect("baselines:list", code=project.code)
    choices = [(str(b.number), f"#{b.number} {b.name}") for b in baselines]
    choices.append((CURRENT, _("the plan now")))
    a = request.GET.get("a") or (choices[-2][0] if len(choices) > 1 else CURRENT)
    b = request.GET.get("b") or CURRENT
    diff = None
    if len(choices) > 1:
        diff = compare(_rows(project, a), _rows(project, b))
    return render(
        request,
        "baselines/list.html",
        {
            "project": project,
            "baselines": baselines,
            "form": form,
            "may_freeze": can_freeze_baseline(request.user),
            "choices": choices,
            "a": a,
            "b": b,
            "diff": diff,
        },
    )


def _rows(project: Project, which: str):
    if which == CURRENT:
        return current_rows(project)
    baseline = get_object_or_404(
        Baseline, project=project, number=int(which) if which.isdigit() else -1
    )
    return baseline_rows(baseline)


def _adjustment_rows(queryset):
    return queryset.select_related(
        "work_item__project", "work_item__town", "proposed_by", "reviewed_by", "decided_by",
        "baseline",
    ).prefetch_related("files")  # fmt: skip


@login_required
def adjustments_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project, code=code)
    return render(
        request,
        "baselines/adjustments.html",
        {
            "project": project,
            "rows": _adjustment_rows(project.adjustments.all()),
            "open_states": Adjustment.OPEN,
        },
    )


def _change_text(row: Adjustment) -> str:
    """What a request moves, in one line (the list's column, on the page and in the
    workbook alike)."""
    return pgettext("list separator", "; ").join(row.changes())


def _proposed_on(row: Adjustment):
    return timezone.localtime(row.proposed_at).date()


ADJUSTMENTS = ListSpec(
    name=gettext_lazy("Node adjustments"),
    columns=(
        Column("proposed", gettext_lazy("proposed at"), _proposed_on, kind="date"),
        Column("project", gettext_lazy("project"), lambda row: row.project.name),
        Column(
            "item",
            gettext_lazy("work item"),
            lambda row: row.work_item.name,
            link=lambda row: reverse("baselines:request", args=[row.pk]),
        ),
        Column("town", gettext_lazy("town"), lambda row: str(row.work_item.town or "—")),
        Column("change", gettext_lazy("change"), _change_text, sort=False),
        Column("status", gettext_lazy("status"), lambda row: str(row.get_status_display())),
        Column("proposer", gettext_lazy("proposed by"), lambda row: str(row.proposed_by)),
    ),
    filters=(
        Filter.choice("status", gettext_lazy("status"), Adjustment.Status.choices, lookup="status"),
        Filter.units(
            "town",
            gettext_lazy("town"),
            lambda: Town.objects.order_by("order", "name"),
            "work_item__town",
        ),
        Filter.units(
            "project", gettext_lazy("project"), lambda: Project.objects.order_by("code"), "project"
        ),
        Filter.dates("proposed", gettext_lazy("proposed at"), value=_proposed_on),
    ),
    search=("work_item__name", "project__name", "reason"),
    sort="-proposed",
)


@login_required
def adjustments_all_view(request: HttpRequest) -> HttpResponse:
    """Every request of the city: by status, town, project and date, searched, sorted,
    paged and exported as shown (``common.listing``)."""

    def rows(query):
        return _adjustment_rows(Adjustment.objects.filter(query.where())).order_by(
            "-proposed_at", "-id"
        )

    return ADJUSTMENTS.respond(request, rows, template="baselines/all.html")


def _consequence_of(adjustment: Adjustment):
    """What the request would change now (open requests only; decided ones are history)."""
    if not adjustment.is_open:
        return None
    try:
        return consequence(
            adjustment.work_item,
            new_deadline=adjustment.new_deadline,
            new_duration_days=adjustment.new_duration_days,
            new_target_date=adjustment.new_target_date,
        )
    except ValidationError:
        return None


@login_required
def adjustment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what it asks, what it would change, its steps, and the next step's form
    for whoever takes it (the office, a leader, its proposer)."""
    adjustment = get_object_or_404(
        _adjustment_rows(Adjustment.objects.all()).prefetch_related("steps__actor"), pk=pk
    )
    if request.method == "POST":
        return _act(request, adjustment)
    user = request.user
    return render(
        request,
        "baselines/request.html",
        {
            "row": adjustment,
            "project": adjustment.project,
            "consequence": _consequence_of(adjustment),
            "may_review": is_supervisor(user) and adjustment.status == Adjustment.Status.PENDING,
            "may_decide": can_decide_adjustment(user)
            and adjustment.status == Adjustment.Status.REVIEWED,
            "may_close": is_supervisor(user) and adjustment.status == Adjustment.Status.RETURNED,
            "may_revise": adjustment.status == Adjustment.Status.RETURNED
            and adjustment.proposed_by_id == user.pk,
            "may_withdraw": adjustment.is_open and adjustment.proposed_by_id == user.pk,
            "may_attach": adjustment.is_open and adjustment.proposed_by_id == user.pk,
        },
    )


def _act(request: HttpRequest, adjustment: Adjustment) -> HttpResponse:
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    office_steps = {
        "review": adjustment_review,
        "return": adjustment_return,
        "refuse": adjustment_refuse,
    }

    def act() -> None:
        if action in office_steps:
            office_steps[action](actor=request.user, adjustment=adjustment, note=note)
        elif action == "withdraw":
            adjustment_withdraw(actor=request.user, adjustment=adjustment, note=note)
        elif action in ("approve", "reject"):
            adjustment_decide(
                actor=request.user, adjustment=adjustment, approve=action == "approve", note=note
            )
        else:
            raise ValidationError(_("Unknown action."))

    return _done(request, act, adjustment, DONE_WORDS.get(action))


#: What each step says once taken (its proposer and the next actor hear of it too).
DONE_WORDS = {
    "review": gettext_lazy("Reviewed and forwarded to the city's leaders."),
    "return": gettext_lazy("Returned to its proposer for revision."),
    "refuse": gettext_lazy("Refused; its proposer is told why."),
    "withdraw": gettext_lazy("Withdrawn; the supervision office is told."),
    "approve": gettext_lazy("Approved: the plan is changed and a new baseline frozen."),
    "reject": gettext_lazy("Rejected; its proposer is told why."),
}


def _done(request: HttpRequest, act, adjustment: Adjustment, words=None) -> HttpResponse:
    """Run *act*; say what came of it on the request's page (a refusal, or what was done)."""
    try:
        act()
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, words or _("Saved."))
    return redirect("baselines:request", pk=adjustment.pk)


def _propose_form_page(request, item, form, *, adjustment=None, allowed=True):
    pending = None if adjustment else item.adjustments.filter(status__in=Adjustment.OPEN).first()
    found = None
    if form.is_bound and hasattr(form, "cleaned_data"):  # checked (its errors kept)
        found = _preview(item, form.cleaned_data)
    return render(
        request,
        "baselines/propose.html",
        {
            "item": item,
            "form": form,
            "allowed": allowed,
            "pending": pending,
            "adjustment": adjustment,
            "consequence": found,
        },
    )


def _preview(item: WorkItem, data: dict):
    wanted = {
        name: data.get(name) for name in ("new_deadline", "new_duration_days", "new_target_date")
    }
    if wanted["new_deadline"] is None and wanted["new_duration_days"] is None:
        return None
    try:
        return consequence(item, **wanted)
    except ValidationError:
        return None


@login_required
def propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=pk)
    allowed = can_propose_adjustment(request.user, item)
    form = ProposeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_propose(actor=request.user, work_item=item, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Request sent to the supervision office."))
            return redirect("baselines:request", pk=adjustment.pk)
    return _propose_form_page(request, item, form, allowed=allowed)


@login_required
def revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Its proposer revises a returned request (the form filled with it) and sends it again."""
    adjustment = get_object_or_404(Adjustment.objects.select_related("work_item__project"), pk=pk)
    item = adjustment.work_item
    allowed = (
        adjustment.proposed_by_id == request.user.pk
        and adjustment.status == Adjustment.Status.RETURNED
    )
    initial = {
        "new_deadline": adjustment.new_deadline,
        "new_duration_days": adjustment.new_duration_days,
        "new_target_date": adjustment.new_target_date,
        "reason": adjustment.reason,
        "evidence": adjustment.evidence,
    }
    form = ProposeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment_revise(actor=request.user, adjustment=adjustment, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Request sent to the supervision office again."))
            return redirect("baselines:request", pk=adjustment.pk)
    return _propose_form_page(request, item, form, adjustment=adjustment, allowed=allowed)


@login_required
def preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The consequence of the figures being typed (htmx, as the proposer changes them)."""
    item = get_object_or_404(WorkItem.objects.select_related("project"), pk=pk)
    form = PreviewForm(request.GET)
    found = _preview(item, form.cleaned_data) if form.is_valid() else None
    return render(
        request,
        "baselines/_consequence.html",
        {"consequence": found, "item": item, "form_errors": form.errors},
    )


@login_required
@require_POST
def attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposer adds evidence files to an open request."""
    adjustment = get_object_or_404(Adjustment.objects.select_related("project"), pk=pk)
    files = request.FILES.getlist("files")
    return _done(
        request,
        lambda: adjustment_attach(actor=request.user, adjustment=adjustment, files=files),
        adjustment,
    )


@login_required
def file_view(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to anyone signed in (like the request itself), always as a download.

    A photo's GPS position is for leaders and the office only (as site photos are):
    everyone else gets the picture without it.
    """
    record = get_object_or_404(AdjustmentFile, pk=pk)
    body = record.file.open("rb")
    if record.content_type.startswith("image/") and not reads_everything(request.user):
        with body:
            body = io.BytesIO(without_location(body.read()))
    response = FileResponse(
        body,
        content_type=record.content_type,
        as_attachment=True,
        filename=record.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _as_of_day(request: HttpRequest, project: Project) -> tuple[date, str]:
    """The ``date`` asked for (today, city time, if none) and the error naming a bad one."""
    text = request.GET.get("date", "")
    try:
        day = date.fromisoformat(text) if text else city_today(project.city)
    except ValueError:
        day = None
    if day is not None and day_in_bounds(day):
        return day, ""
    return city_today(project.city), _(
        "“%(value)s” is not a date between %(first)s and %(last)s (YYYY-MM-DD)."
    ) % {"value": text[:20], "first": EARLIEST, "last": LATEST}


@login_required
def as_of_view(request: HttpRequest, code: str) -> HttpResponse:
    """The project on a past date (plan in force, figures known then) beside today's."""
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    day, error = _as_of_day(request, project)
    return render(
        request,
        "baselines/as_of.html",
        {"project": project, "result": project_as_of(project, day), "error": error},
    )


@login_required
def as_of_xlsx_view(request: HttpRequest, code: str) -> HttpResponse:
    """The as-of comparison, every baseline and every 节点调整 as one workbook."""
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    day, error = _as_of_day(request, project)
    if error:
        return render(
            request,
            "baselines/as_of.html",
            {"project": project, "result": project_as_of(project, day), "error": error},
            status=400,
        )
    return xlsx_response(as_of_workbook(project, day), as_of_filename(project, day))
