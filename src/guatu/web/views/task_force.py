"""The 工作专班 page: the office edits a project's 专班, every row at once.

The page shows the stored members and a few blank rows; saving sends all of them to
``projects.task_force.task_force_save``, which stores the whole 专班 or nothing and
names what it refuses at the row and the field — put back under that row's box here.
Only the supervision office opens it (``role_required``: anyone else 403, audited).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.projects.models import Project
from guatu.projects.selectors import project_task_force
from guatu.projects.task_force import FIELDS, task_force_save
from guatu.web.project_forms import TaskForceFormSet


def _initial(project: Project) -> list[dict]:
    return [
        {
            "id": member.pk,
            "role": member.role,
            "name": member.name,
            "title": member.title,
            "unit": member.unit,
            "department": member.department_id,
            "phone": member.phone,
        }
        for member in project_task_force(project=project)
    ]


def _put_back(forms: list, errors: list[str], error: ValidationError) -> None:
    """The service's refusals (``"<row>-<field>"``) under the boxes they name."""
    if not hasattr(error, "error_dict"):
        errors.extend(error.messages)
        return
    for key, problems in error.message_dict.items():
        index, _sep, field = key.partition("-")
        if not index.isdigit() or int(index) >= len(forms):
            errors.extend(problems)
            continue
        form = forms[int(index)]
        form.add_error(field if field in form.fields and field != "id" else None, problems)


@role_required(Role.SUPERVISOR)
def task_force_view(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("city", "leader"), code=code)
    formset = TaskForceFormSet(request.POST or None, initial=_initial(project), prefix="member")
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        # A row counts when it holds a member (a stored one, or a blank row filled in) and
        # is not ticked for removal; the rest of the blank rows are nothing.
        chosen = [
            form
            for form in formset.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("id") or form.has_changed())
        ]
        rows = [
            {"id": form.cleaned_data.get("id"), **{f: form.cleaned_data.get(f) for f in FIELDS}}
            for form in chosen
        ]
        try:
            task_force_save(project=project, actor=request.user, rows=rows)
        except ValidationError as error:
            _put_back(chosen, errors, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:project-detail", code=project.code)
    return render(
        request,
        "web/project_task_force.html",
        {"project": project, "formset": formset, "errors": errors},
    )
