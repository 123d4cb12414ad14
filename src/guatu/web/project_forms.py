"""Forms of the office's project pages: a project, a work item, a link (前置关系), the
工作专班's rows.

Input schemas only: each field is bounded (``common.bounds``) and its choices are
read per form in the request's city; the services (``projects.services``) check
again and decide, and their refusals are put back at the fields they name.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guatu.accounts.models import Role, User
from guatu.common.bounds import DAY_VALIDATORS, MAX_QUANTITY
from guatu.core.limits import MAX_DAYS
from guatu.org.models import Department, Town
from guatu.projects.models import (
    Dependency,
    Phase,
    Project,
    TaskForceMember,
    WorkItem,
    unit_choices,
)
from guatu.projects.services import MAX_INVESTMENT
from guatu.projects.task_force import MAX_MEMBERS, phone_problem
from guatu.web.forms import DATE


def _date(field: forms.Field) -> None:
    field.widget = DATE
    field.validators = [*field.validators, *DAY_VALIDATORS]


#: The form's fields of the project's master data, shown in their own fieldset.
MASTER_FIELDS = (
    "project_code",
    "builder",
    "total_investment",
    "level",
    "category",
    "stage",
    "planned_groundbreaking",
    "planned_completion",
    "groundbreaking",
    "responsible_leader",
    "responsible_town",
    "preparation",
    "main_content",
)


class ProjectForm(forms.ModelForm):
    """新建 / 编辑项目: what the office types; the code is fixed once the project exists.

    The master data (投资调度信息) sit in a fieldset of their own; the 项目代码 is
    taken as typed (a fullwidth one too) and judged by the service, which names the
    part that is wrong — the form only bounds its length.
    """

    owner_department = forms.ModelChoiceField(
        label=_("owner department"), queryset=Department.objects.none()
    )
    project_code = forms.CharField(
        label=_("项目代码"),
        required=False,
        max_length=60,
        help_text=_(
            "The national code of the 投资项目在线审批监管平台: YYYY-AAAAAA-BB-CC-NNNNNN "
            "(GB/T 40058), e.g. 2019-330784-48-01-012345."
        ),
    )
    total_investment = forms.DecimalField(
        label=_("total investment (万元)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=MAX_INVESTMENT,
    )
    responsible_town = forms.ModelChoiceField(
        label=_("responsible town"), queryset=Town.objects.none(), required=False
    )
    leader = forms.ModelChoiceField(
        label=_("responsible city leader (包联市领导)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "The city leader who owns the project (领导包联): their home lists it first and "
            "their monthly 会办 agenda carries it."
        ),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "programme",
            "owner_department",
            "start_date",
            "deadline",
            "calendar",
            "description",
            "leader",
            *MASTER_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "main_content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read per form, in the request's city: a queryset made at import sees every city.
        self.fields["owner_department"].queryset = Department.objects.order_by("name")
        self.fields["responsible_town"].queryset = Town.objects.order_by("order", "name")
        # The city's leaders only (``User.objects`` is the request's city), and the one
        # the project has (kept when left alone): the service refuses any other user, at
        # this field, on every path.
        self.fields["leader"].queryset = User.objects.filter(
            Q(role=Role.LEADER, is_active=True) | Q(pk=self.instance.leader_id or 0)
        ).order_by("full_name", "username")
        self.fields["leader"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )
        for name in (
            "start_date",
            "deadline",
            "planned_groundbreaking",
            "planned_completion",
            "groundbreaking",
        ):
            _date(self.fields[name])
        self.fields["code"].help_text = _(
            "Letters, digits, - and _ (e.g. jintai-railway): the project's address and its "
            "name in ledgers."
        )
        self.fields["code"].error_messages["invalid"] = _(
            "Use letters, digits, - or _ only: no Chinese characters and no spaces."
        )
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code stays: ledgers and links name it.")

    def sections(self) -> list[tuple[str, list]]:
        """The fields by fieldset: the project, then its 投资调度信息 (master data)."""
        return [
            ("", [self[name] for name in self.fields if name not in MASTER_FIELDS]),
            (_("投资调度信息"), [self[name] for name in MASTER_FIELDS]),
        ]

    def _post_clean(self) -> None:
        # The service validates the project (its city, code and nodes): the form's
        # instance has no city yet, so the model's own clean would fail on it.
        pass


class WorkItemForm(forms.ModelForm):
    """添加 / 编辑工作事项."""

    phase = forms.ModelChoiceField(label=_("phase"), queryset=Phase.objects.none(), required=False)
    town = forms.ModelChoiceField(label=_("town"), queryset=Town.objects.none(), required=False)
    owner_department = forms.ModelChoiceField(
        label=_("owner department"), queryset=Department.objects.none(), required=False
    )
    quantity_target = forms.DecimalField(
        label=_("target quantity"),
        required=False,
        max_digits=16,
        decimal_places=4,
        min_value=0,
        max_value=MAX_QUANTITY,
    )
    duration_days = forms.IntegerField(
        label=_("duration (days)"), min_value=0, max_value=MAX_DAYS, initial=0
    )

    class Meta:
        model = WorkItem
        fields = [
            "code",
            "name",
            "kind",
            "phase",
            "town",
            "owner_department",
            "quantity_target",
            "unit",
            "planned_value",
            "duration_days",
            "planned_start",
            "deadline",
            "fixed",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.order_by("order", "code")
        self.fields["town"].queryset = Town.objects.order_by("order", "name")
        self.fields["owner_department"].queryset = Department.objects.order_by("name")
        self.fields["unit"].choices = [("", "—"), *unit_choices()]
        self.fields["planned_value"].validators = [
            *self.fields["planned_value"].validators,
            MinValueValidator(0),
            MaxValueValidator(MAX_QUANTITY),
        ]
        for name in ("planned_start", "deadline"):
            _date(self.fields[name])

    def clean(self):
        data = super().clean()
        # The database's rules (ARCHITECTURE: rules kept by the database), said at the field.
        if data.get("quantity_target") is not None and not data.get("unit"):
            self.add_error("unit", _("A target quantity needs a unit, and a unit a target."))
        elif data.get("unit") and data.get("quantity_target") is None and "quantity_target" in data:
            self.add_error(
                "quantity_target", _("A target quantity needs a unit, and a unit a target.")
            )
        if data.get("quantity_target") == 0:
            self.add_error("quantity_target", _("The target quantity must be greater than zero."))
        if data.get("kind") == WorkItem.Kind.MILESTONE and data.get("duration_days"):
            self.add_error("duration_days", _("A milestone has no duration."))
        if data.get("fixed") and not data.get("planned_start"):
            self.add_error("planned_start", _("A fixed work item needs its planned start."))
        return data

    def _post_clean(self) -> None:
        # The service validates the item against its project (``work_item_check``, then
        # the model's rules); an instance filled here would be half new, half stored.
        pass


class LinkForm(forms.Form):
    """添加前置关系: predecessor → successor, its type and lag, within one project."""

    predecessor = forms.ModelChoiceField(label=_("predecessor"), queryset=WorkItem.objects.none())
    successor = forms.ModelChoiceField(label=_("successor"), queryset=WorkItem.objects.none())
    type = forms.ChoiceField(
        label=_("type"), choices=Dependency.Type.choices, initial=Dependency.Type.FS
    )
    lag_days = forms.IntegerField(
        label=_("lag (days)"),
        initial=0,
        min_value=-MAX_DAYS,
        max_value=MAX_DAYS,
        help_text=_("Negative for a lead."),
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = project.work_items.order_by("order", "code")
        self.fields["predecessor"].queryset = items
        self.fields["successor"].queryset = items
        for name in ("predecessor", "successor"):
            self.fields[name].label_from_instance = lambda item: f"{item.code} {item.name}"

    def clean(self):
        data = super().clean()
        if data.get("predecessor") and data.get("predecessor") == data.get("successor"):
            self.add_error("successor", _("A work item cannot depend on itself."))
        return data


class TaskForceRowForm(forms.Form):
    """One row of the 工作专班 page: a member's role, name, title, unit or department, phone.

    Bounded here, judged by ``projects.task_force.task_force_save`` (which says what is
    wrong at the row and field, on every path)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
    role = forms.ChoiceField(
        label=_("role"), choices=TaskForceMember.Role.choices, initial=TaskForceMember.Role.MEMBER
    )
    name = forms.CharField(label=_("name"), max_length=50)
    title = forms.CharField(label=_("title"), max_length=80, required=False)
    unit = forms.CharField(label=_("unit"), max_length=100, required=False)
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if problem := phone_problem(phone):
            raise forms.ValidationError(problem)
        return phone


#: The 工作专班 page's rows: the stored members, then blank rows to add to.
TaskForceFormSet = forms.formset_factory(
    TaskForceRowForm,
    extra=3,
    can_delete=True,
    max_num=MAX_MEMBERS,
    validate_max=True,
    absolute_max=MAX_MEMBERS + 3,
)
