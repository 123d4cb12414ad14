"""The office's project pages: 新建项目, 编辑项目, 添加 / 编辑工作事项, 前置关系.

Each page parses its form and calls one service of ``projects.services`` — the
same ones the admin and the plan-file import use — which checks the role again,
validates, stores, reschedules and audits in one transaction; its refusals are
shown at the fields they name. Only the supervision office opens these pages
(``role_required``: anyone else gets 403, audited).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.pages import apply_errors
from guatu.org.selectors import current_city
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.selectors import next_item_order, project_dependencies
from guatu.projects.services import (
    Link,
    dependencies_add,
    dependency_remove,
    project_create,
    project_update,
    work_item_create,
    work_item_update,
)
from guatu.web.project_forms import LinkForm, ProjectForm, WorkItemForm


def _changed(form) -> dict:
    """The fields the person changed, as the service takes them."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.fields}


def _form_page(request, form, *, title: str, back: tuple[str, str], submit: str) -> HttpResponse:
    return render(
        request,
        "web/project_form.html",
        {
            "form": form,
            "title": title,
            "back_url": back[0],
            "back_label": back[1],
            "submit": submit,
        },
    )


@role_required(Role.SUPERVISOR)
def project_create_view(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_create(city=current_city(), actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Created “%(name)s”.") % {"name": project.name})
            return redirect("web:project-detail", code=project.code)
    return _form_page(
        request,
        form,
        title=_("New project"),
        back=(reverse("web:project-list"), _("Key projects")),
        submit=_("Create"),
    )


@role_required(Role.SUPERVISOR)
def project_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(project=project, actor=request.user, **_changed(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:project-detail", code=project.code)
    return _form_page(
        request,
        form,
        title=_("Edit the project"),
        back=(reverse("web:project-detail", args=[project.code]), project.name),
        submit=_("Save"),
    )


@role_required(Role.SUPERVISOR)
def item_create_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    form = WorkItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = work_item_create(
                project=project,
                actor=request.user,
                order=next_item_order(project=project),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Added “%(name)s”.") % {"name": item.name})
            return redirect("web:project-detail", code=project.code)
    return _form_page(
        request,
        form,
        title=_("Add a work item"),
        back=(reverse("web:project-detail", args=[project.code]), project.name),
        submit=_("Add"),
    )


@role_required(Role.SUPERVISOR)
def item_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(WorkItem.objects.select_related("project__city"), pk=pk)
    form = WorkItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            work_item_update(item=item, actor=request.user, **_changed(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:project-detail", code=item.project.code)
    return _form_page(
        request,
        form,
        title=_("Edit the work item"),
        back=(reverse("web:project-detail", args=[item.project.code]), item.project.name),
        submit=_("Save"),
    )


@role_required(Role.SUPERVISOR)
def links_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    form = LinkForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dependencies_add(
                project=project,
                links=[
                    Link(data["predecessor"], data["successor"], data["type"], data["lag_days"])
                ],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:project-links", code=project.code)
    return render(
        request,
        "web/project_links.html",
        {"project": project, "form": form, "links": project_dependencies(project=project)},
    )


@role_required(Role.SUPERVISOR)
@require_POST
def link_remove_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, code=code)
    link = get_object_or_404(
        Dependency.objects.select_related("predecessor", "successor__project"),
        pk=pk,
        successor__project=project,
    )
    try:
        dependency_remove(dependency=link, actor=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Saved."))
    return redirect("web:project-links", code=project.code)
