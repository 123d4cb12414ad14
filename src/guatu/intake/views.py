"""The intake page: paste or upload a page, see it restored beside the original, accept facts."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.bounds import DAY_VALIDATORS
from guatu.intake.services import change_counts, evidence_accept, intake_read, text_of
from guatu.projects.models import Project

MAX_UPLOAD = 20 * 1024 * 1024


class IntakeForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200,
        initial="永康日报",
        help_text=gettext_lazy("The paper and page, or the report's title."),
    )
    issue = forms.DateField(
        label=gettext_lazy("Issue date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Relative dates (15 日) are read against it."),
        validators=DAY_VALIDATORS,
    )
    text = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    file = forms.FileField(
        label=gettext_lazy("or a file (.txt or .pdf with a text layer)"), required=False
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise ValidationError({"file": _("The file is larger than 20 MB.")})
            data["text"] = text_of(upload.read(), upload.name)
        if not (data.get("text") or "").strip():
            raise ValidationError(_("Paste the text or choose a file."))
        return data


@role_required(Role.SUPERVISOR)
def intake_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "accept" in request.POST:
        return _accept(request)
    form = IntakeForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intake = intake_read(text=data["text"], issue=data["issue"])
        except ValidationError as error:
            for problem in error.messages:
                form.add_error("text", problem)
            return render(request, "intake/intake.html", context, status=400)
        projects = list(Project.objects.order_by("programme", "code").values_list("code", "name"))
        context |= {
            "intake": intake,
            "original": data["text"],
            "facts": _with_suggestions(intake.facts),
            "projects": projects,
            "source": data["source"],
            "issue": data["issue"],
            "changes": change_counts(intake.page),
        }
    return render(request, "intake/intake.html", context, status=400 if form.errors else 200)


def _with_suggestions(facts) -> list[tuple[int, object, str]]:
    """Each fact with the project its article names first (the supervisor may change it)."""
    named: dict[int, str] = {}
    for fact in facts:
        if fact.kind == "project" and fact.value and fact.article not in named:
            named[fact.article] = fact.value
    return [(index, fact, named.get(fact.article, "")) for index, fact in enumerate(facts)]


def _accept(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("original", "")
    try:
        issue = date.fromisoformat(request.POST.get("issue", ""))
    except ValueError:
        messages.error(request, _("The issue date is missing."))
        return redirect("intake:intake")
    choices = []
    codes = dict(Project.objects.values_list("code", "pk"))
    for key, value in request.POST.items():
        if key.startswith("fact-") and value:
            if value not in codes:
                messages.error(request, _("Unknown project."))
                return redirect("intake:intake")
            choices.append((int(key.removeprefix("fact-")), Project(pk=codes[value], code=value)))
    if not choices:
        messages.error(request, _("Choose a project for at least one fact."))
        return redirect("intake:intake")
    projects = {p.pk: p for p in Project.objects.filter(pk__in=[p.pk for _i, p in choices])}
    stored = evidence_accept(
        actor=request.user,
        text=text,
        issue=issue,
        source=request.POST.get("source", ""),
        choices=[(index, projects[project.pk]) for index, project in choices],
    )
    messages.success(request, _("%(count)d facts attached as evidence.") % {"count": len(stored)})
    return redirect("web:project-detail", code=stored[0].project.code)
