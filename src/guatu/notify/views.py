"""The inbox (everyone), one's own channels, and the office's rules, robots and delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors
from guatu.core.periods import period_label
from guatu.notify.forms import PreferenceForm, RobotForm, RulesForm
from guatu.notify.models import Delivery, Notice, Preference, Robot
from guatu.notify.services import (
    notices_read,
    office_reminder_event,
    preferences_save,
    reminded_today,
    robot_delete,
    robot_save,
    rules_for,
    rules_save,
    unreported_remind,
)
from guatu.notify.todo import todo
from guatu.org.clock import city_today
from guatu.org.selectors import current_city, current_city_or_404
from guatu.progress.my_work import units_not_reported

PAGE = 50


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user)
    page = Paginator(notices, PAGE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
def notice_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notice read and go where it points (only within the site)."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    notices_read(user=request.user, ids=[notice.pk])
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if notice.url and safe else "notify:inbox")


@login_required
@require_POST
def inbox_read_view(request: HttpRequest) -> HttpResponse:
    notices_read(user=request.user)
    return redirect("notify:inbox")


@login_required
def preference_view(request: HttpRequest) -> HttpResponse:
    preference = Preference.objects.filter(user=request.user).first() or Preference(
        user=request.user
    )
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preferences_save(
            actor=request.user,
            email=form.cleaned_data["email"],
            mobile=form.cleaned_data["mobile"],
        )
        messages.success(request, _("Saved."))
        return redirect("notify:me")
    return render(request, "notify/me.html", {"form": form})


@role_required(Role.SUPERVISOR)
def settings_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    rules = rules_for(city)
    action = request.POST.get("action")
    rules_form = RulesForm(request.POST if action == "rules" else None, instance=rules)
    robot_form = RobotForm(request.POST if action == "robot" else None, city=city)
    if action == "rules" and rules_form.is_valid():
        values = {name: rules_form.cleaned_data[name] for name in rules_form.Meta.fields}
        try:
            rules_save(actor=request.user, city=city, **values)
        except ValidationError as error:
            apply_errors(rules_form, error)
        else:
            messages.success(request, _("Notification rules saved."))
            return redirect("notify:settings")
    if action == "robot" and robot_form.is_valid():
        try:
            robot_save(actor=request.user, robot=robot_form.save(commit=False))
        except ValidationError as error:
            apply_errors(robot_form, error)
        else:
            messages.success(request, _("Robot added."))
            return redirect("notify:settings")
    robots = (
        Robot.objects.filter(city=city)
        .select_related("town", "department")
        .order_by("-office", "town__order", "department__name", "name")
    )
    refused = [robot for robot in robots if robot.paused_reason or robot.address_problem]
    return render(
        request,
        "notify/settings.html",
        {
            "rules_form": rules_form,
            "robot_form": robot_form,
            "robots": robots,
            "refused": refused,
            "rules": rules,
        },
    )


@role_required(Role.SUPERVISOR)
@require_POST
def robot_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    city = current_city_or_404()
    robot = get_object_or_404(Robot, pk=pk, city=city)
    if request.POST.get("action") == "delete":
        robot_delete(actor=request.user, robot=robot)
        messages.success(request, _("Robot removed."))
    else:
        robot.enabled = not robot.enabled
        try:
            robot_save(actor=request.user, robot=robot)
        except ValidationError as error:
            # Resumed with an address the server may not post to: it stays paused.
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect("notify:settings")


@role_required(Role.SUPERVISOR)
def log_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    status = request.GET.get("status", "")
    rows = Delivery.objects.filter(city=city).select_related("recipient", "robot")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/log.html",
        {"page": page, "status": status, "statuses": Delivery.Status.choices},
    )


@login_required
def todo_view(request: HttpRequest) -> HttpResponse:
    """待办: what waits for the acting user, each entry with its rows and where to do them."""
    return render(
        request,
        "notify/todo.html",
        {"entries": todo(request.user, current_city())},
    )


@role_required(Role.SUPERVISOR)
def unreported_view(request: HttpRequest) -> HttpResponse:
    """The units that have not reported this week, with their items, and one button that
    reminds exactly them."""
    city = current_city_or_404()
    today = city_today(city)
    if request.method == "POST":
        count = unreported_remind(actor=request.user, city=city, today=today)
        if count:
            messages.success(
                request,
                ngettext("%(count)d unit reminded.", "%(count)d units reminded.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Every unit listed was reminded today already."))
        return redirect("notify:unreported")
    week = today.isocalendar()
    units = units_not_reported(city, today)
    reminded = reminded_today(units, today)
    rows = [(due, office_reminder_event(due, today) in reminded) for due in units]
    return render(
        request,
        "notify/unreported.html",
        {
            "units": rows,
            "to_remind": sum(not done for _due, done in rows),
            "today": today,
            "period": period_label(f"{week.year}-W{week.week:02d}"),
        },
    )
