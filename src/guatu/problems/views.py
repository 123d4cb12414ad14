"""A problem's page: where it stands, its whole history, and the step each person may take.

The office 交办s (the 交办单 gets its number), verifies an answer and closes it (销号)
or returns it, and decides a proposed level; the problem's unit answers with evidence
and may ask for the next level; a leader writes a 批示 at level 3 or 4. Each form posts
to the same page with its ``step``; a refused step says why at its field and writes
nothing. The rules page lists the city's versions and takes a new one (the office).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import (
    can_answer_problem,
    can_escalate_blocker,
    can_instruct_problem,
    is_supervisor,
    reads_everything,
    require,
)
from guatu.common.bounds import DAY_VALIDATORS
from guatu.common.forms import MultipleFileField, MultipleFileInput
from guatu.common.pages import apply_errors
from guatu.core import problems as core
from guatu.org.clock import city_today
from guatu.org.models import Department
from guatu.org.selectors import current_city_or_404
from guatu.problems import services
from guatu.problems.models import ProblemFile, ProblemRuleSet, ProblemStep
from guatu.problems.rules import as_core, rules_on, version_on
from guatu.problems.selectors import number_text, problem_facts, problems_of
from guatu.progress.models import Blocker


def _text(label) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=services.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Problem category"))
    level = forms.TypedChoiceField(label=gettext_lazy("Coordination level"), coerce=int, choices=())
    action_required = _text(gettext_lazy("Required action"))
    owner_department = forms.ModelChoiceField(
        label=gettext_lazy("Responsible unit"), queryset=Department.objects.none()
    )
    responsible_person = forms.CharField(label=gettext_lazy("Person responsible"), max_length=50)
    due_on = forms.DateField(
        label=gettext_lazy("时限"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )

    def __init__(self, *args, city, rules: core.ProblemRules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(rules.categories)
        self.fields["level"].choices = [
            (n, f"{n} · {name}") for n, name in enumerate(rules.level_names, start=1)
        ]
        self.fields["owner_department"].queryset = Department.objects.filter(city=city)


class ReplyForm(forms.Form):
    text = _text(gettext_lazy("What was done (反馈)"))
    files = MultipleFileField(
        label=gettext_lazy("Evidence (PDF or photos, up to 5)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,image/*"}),
    )


class CloseForm(forms.Form):
    text = _text(gettext_lazy("What was verified (核实)"))


class ReturnForm(forms.Form):
    reason = _text(gettext_lazy("Why it is returned"))


class RequestForm(forms.Form):
    reason = _text(gettext_lazy("Why the next level is needed"))


class RaiseForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("New 时限 (empty: the level's working days)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=services.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = _text(gettext_lazy("Why the level stays"))
    due_on = forms.DateField(
        label=gettext_lazy("New 时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )


class InstructForm(forms.Form):
    text = _text(gettext_lazy("Instruction (批示)"))


#: The audit's name of each step (a refused one is logged under it).
ACTIONS = {
    "assign": "problem_assign",
    "reply": "problem_reply",
    "close": "problem_close",
    "return": "problem_return",
    "request": "blocker_escalate",
    "raise": "problem_raise",
    "decline": "problem_decline",
    "instruct": "problem_instruct",
}


def _may(user, blocker: Blocker, step: str) -> bool:
    """Whether *user*'s role takes *step* at all (the state is the service's to judge)."""
    if step == "reply":
        return can_answer_problem(user, blocker)
    if step == "request":
        return can_escalate_blocker(user, blocker)
    if step == "instruct":
        return can_instruct_problem(user, blocker)
    return is_supervisor(user)


def _allowed(user, blocker: Blocker, facts, step: str) -> bool:
    """Which forms the page offers *user* now (the services check again on POST)."""
    resolved = blocker.status == Blocker.Status.RESOLVED
    if step == "assign":
        return is_supervisor(user) and blocker.number is None and not resolved
    if step == "reply":
        return can_answer_problem(user, blocker) and blocker.status == Blocker.Status.OPEN
    if step in ("close",):
        return is_supervisor(user) and not resolved
    if step == "return":
        return is_supervisor(user) and blocker.status == Blocker.Status.REPLIED
    if step == "request":
        return (
            can_escalate_blocker(user, blocker)
            and not resolved
            and not blocker.escalation_requested
            and blocker.level < core.TOP_LEVEL
        )
    if step in ("raise", "decline"):
        return is_supervisor(user) and facts.proposed is not None
    if step == "instruct":
        return can_instruct_problem(user, blocker) and not resolved and blocker.level >= 3
    return False


FORMS = {
    "assign": AssignForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "return": ReturnForm,
    "request": RequestForm,
    "raise": RaiseForm,
    "decline": DeclineForm,
    "instruct": InstructForm,
}


def _take(step: str, user, blocker: Blocker, data: dict, files) -> None:
    if step == "assign":
        services.problem_assign(actor=user, blocker=blocker, **data)
    elif step == "reply":
        services.problem_reply(actor=user, blocker=blocker, text=data["text"], files=files)
    elif step == "close":
        services.problem_close(actor=user, blocker=blocker, text=data["text"])
    elif step == "return":
        services.problem_return(actor=user, blocker=blocker, reason=data["reason"])
    elif step == "request":
        services.problem_request_level(actor=user, blocker=blocker, reason=data["reason"])
    elif step == "raise":
        services.problem_raise(
            actor=user, blocker=blocker, due_on=data["due_on"], note=data["note"]
        )
    elif step == "decline":
        services.problem_decline(
            actor=user, blocker=blocker, reason=data["reason"], due_on=data["due_on"]
        )
    elif step == "instruct":
        services.problem_instruct(actor=user, blocker=blocker, text=data["text"])


SAVED = {
    "assign": gettext_lazy("Assigned: the 交办单 has its number and the unit is told."),
    "reply": gettext_lazy("Answer sent: the office verifies it."),
    "close": gettext_lazy("Closed (销号): the unit is told."),
    "return": gettext_lazy("Returned: the unit is told why."),
    "request": gettext_lazy("The next level is asked for: the office decides."),
    "raise": gettext_lazy("The level is recorded: the unit is told."),
    "decline": gettext_lazy("The level stays: the unit is told why."),
    "instruct": gettext_lazy("Instruction recorded: the office and the unit are told."),
}


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    city = current_city_or_404()
    blocker = get_object_or_404(problems_of(city), pk=pk)
    today = city_today(city)
    rules = rules_on(city, today)
    facts = problem_facts([blocker], city=city, today=today)[blocker.pk]
    user = request.user

    def form_for(step: str, data=None, files=None):
        kwargs = {"city": city, "rules": rules} if step == "assign" else {}
        initial = {}
        if step == "assign":
            initial = {
                "category": blocker.category,
                "level": blocker.level,
                "owner_department": blocker.owner_department_id,
                "responsible_person": blocker.responsible_person,
                "due_on": max(blocker.due_on, today),
            }
        return FORMS[step](data, files, initial=initial, prefix=step, **kwargs)

    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in FORMS:
            raise Http404
        # A role that never takes the step: 403, audited. A step the problem has moved
        # past meanwhile (another office closed it): the service says why on the form.
        require(_may(user, blocker, step), user=user, action=ACTIONS[step], target=blocker)
        form = form_for(step, request.POST, request.FILES)
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                _take(step, user, blocker, data, data.pop("files", None) or [])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, SAVED[step])
                return redirect("problems:detail", pk=blocker.pk)
        bound[step] = form
    steps = list(
        ProblemStep.objects.filter(blocker=blocker)
        .select_related("actor")
        .prefetch_related("files")
        .order_by("at", "id")
    )
    offered = [
        (step, bound.get(step) or form_for(step))
        for step in FORMS
        if _allowed(user, blocker, facts, step) or step in bound
    ]
    return render(
        request,
        "problems/detail.html",
        {
            "problem": blocker,
            "facts": facts,
            "number": number_text(blocker),
            "rules": rules,
            "steps": steps,
            "forms": offered,
            "today": today,
            "may_see_files": reads_everything(user) or can_answer_problem(user, blocker),
            "may_print": blocker.number is not None
            and (reads_everything(user) or can_answer_problem(user, blocker)),
        },
    )


@login_required
def file_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, for the office, leaders and the problem's own unit."""
    record = get_object_or_404(
        ProblemFile.objects.select_related("step__blocker__work_item__project__city"), pk=pk
    )
    blocker = record.step.blocker
    if not (reads_everything(request.user) or can_answer_problem(request.user, blocker)):
        raise PermissionDenied
    with record.file.open("rb") as handle:
        data = handle.read()  # read whole: no handle outlives the request
    response = HttpResponse(data, content_type=record.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class RulesForm(forms.Form):
    categories = forms.CharField(
        label=gettext_lazy("Categories (要素)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One a line: code, a space, the name (e.g. “land 用地”)."),
    )
    level_names = forms.CharField(
        label=gettext_lazy("Names of the four levels"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Four lines, level 1 first."),
    )
    level_days = forms.CharField(
        label=gettext_lazy("Working days given at each level"),
        max_length=40,
        help_text=gettext_lazy("Four numbers, e.g. 10,7,5,5."),
    )
    blue_days = forms.IntegerField(
        label=gettext_lazy("Blue when due within (working days)"), min_value=0, max_value=60
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_VALIDATORS,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def clean_categories(self):
        pairs = []
        for number, line in enumerate(self.cleaned_data["categories"].splitlines(), start=1):
            if not line.strip():
                continue
            code, _sep, name = line.strip().partition(" ")
            if not name.strip():
                raise ValidationError(
                    _("Line %(line)d: write the code, a space, then the name.") % {"line": number}
                )
            pairs.append((code.strip(), name.strip()))
        return pairs

    def clean_level_names(self):
        return [
            line.strip() for line in self.cleaned_data["level_names"].splitlines() if line.strip()
        ]

    def clean_level_days(self):
        parts = [p.strip() for p in self.cleaned_data["level_days"].replace("，", ",").split(",")]
        if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
            raise ValidationError(_("Four whole numbers separated by commas."))
        return [int(p) for p in parts]


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    city = current_city_or_404()
    today = city_today(city)
    current = version_on(city, today)
    rules = as_core(current)
    form = None
    if is_supervisor(request.user):
        initial = {
            "categories": "\n".join(f"{code} {name}" for code, name in rules.categories),
            "level_names": "\n".join(rules.level_names),
            "level_days": ",".join(str(days) for days in rules.level_days),
            "blue_days": rules.blue_days,
            "valid_from": today,
        }
        form = RulesForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.rules_change(actor=request.user, city=city, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The new rules are saved."))
                return redirect("problems:rules")
    elif request.method == "POST":
        require(False, user=request.user, action="problem_rules", target=city)
    versions = ProblemRuleSet.objects.filter(city=city).select_related("created_by")
    return render(
        request,
        "problems/rules.html",
        {"rules": rules, "current": current, "versions": versions, "form": form},
    )


urlpatterns = [
    path("problems/rules/", rules_view, name="rules"),
    path("problems/<int:pk>/", detail_view, name="detail"),
    path("problems/files/<int:pk>/", file_view, name="file"),
]
