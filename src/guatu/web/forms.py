"""Forms of the pages (input schemas; the services validate the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guatu.common.bounds import DAY_VALIDATORS, QUANTITY_VALIDATORS
from guatu.common.forms import MultipleFileField
from guatu.org.models import Department
from guatu.progress.models import ProgressReport
from guatu.progress.selectors import reports_in_force
from guatu.progress.services import NOTE_LIMIT
from guatu.projects.models import WorkItem, unit_choices
from guatu.projects.plan_files import PLAN_SUFFIXES

MAX_MSPDI_BYTES = 20 * 1024 * 1024

#: Django's blank choice on model fields with choices; Django's Chinese catalogue
#: lacks it, so ours carries it (``- Select an option -`` must never reach a user).
DJANGO_BLANK_CHOICE = gettext_noop("- Select an option -")


class DateInput(forms.DateInput):
    """A native date picker; it needs ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


DATE = DateInput()


class MspdiImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan file"),
        help_text=_(
            "Microsoft Project (.xml, .mpp, .mpx) or Primavera P6 (.xer, .pmxml). A plan is "
            "imported only if the system reproduces every date and float the file stores."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PLAN_SUFFIXES)}),
    )
    code = forms.SlugField(label=_("Project code"), max_length=40)
    name = forms.CharField(
        label=_("Project name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the name in the file."),
    )
    owner_department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Department.objects.none()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read per form, in the request's city: a queryset made at import sees every city.
        self.fields["owner_department"].queryset = Department.objects.order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MSPDI_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith(PLAN_SUFFIXES):
            raise forms.ValidationError(_("Choose a plan file: .xml, .mpp, .mpx, .xer or .pmxml."))
        return upload


class ReportForm(forms.Form):
    """进度填报: what a town or department official enters (the service checks the rules)."""

    reported_on = forms.DateField(label=_("Progress as of"), widget=DATE, validators=DAY_VALIDATORS)
    quantity = forms.DecimalField(
        label=_("Cumulative quantity done"),
        required=False,
        max_digits=16,
        decimal_places=4,
        validators=QUANTITY_VALIDATORS,
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    percent = forms.DecimalField(
        label=_("Percent complete"), required=False, max_digits=7, decimal_places=2, min_value=0
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    above_target = forms.BooleanField(
        label=_("The work went beyond the target (explain why in the note)"), required=False
    )
    supersedes = forms.ModelChoiceField(
        label=_("Corrects the report of"),
        required=False,
        queryset=ProgressReport.objects.none(),
        empty_label=_("(not a correction)"),
    )
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), required=False, max_length=NOTE_LIMIT
    )
    photos = MultipleFileField(label=_("Site photos"), required=False)

    def __init__(self, *args, item: WorkItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        if item.quantity_target is None:
            del self.fields["quantity"], self.fields["unit"]
        else:
            del self.fields["percent"]
            self.fields["unit"].choices = unit_choices()
            self.fields["unit"].initial = item.unit
        self.fields["supersedes"].queryset = reports_in_force(work_item_ids=[item.pk]).order_by(
            "-reported_on", "-created_at"
        )
        self.fields["supersedes"].label_from_instance = lambda report: (
            f"{report.reported_on:%Y-%m-%d} · {report.percent_complete}%"
        )


class BlockerForm(forms.Form):
    description = forms.CharField(
        label=_("Blocker"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Department.objects.none()
    )
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=50)
    due_on = forms.DateField(label=_("Due on"), widget=DATE, validators=DAY_VALIDATORS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = Department.objects.order_by("name")


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=500)


class RulesForm(forms.Form):
    yellow_lag = forms.DecimalField(
        label=_("Yellow above (pp behind plan)"), min_value=0, max_digits=5, decimal_places=1
    )
    red_lag = forms.DecimalField(
        label=_("Red above (pp behind plan)"), min_value=0, max_digits=5, decimal_places=1
    )
    window_days = forms.IntegerField(label=_("Forecast window (days)"), min_value=1, max_value=365)
    s_curve = forms.BooleanField(label=_("S-curve plan"), required=False)
    ladder_reset_after = forms.IntegerField(
        label=_("Ladder starts again after (periods out of the red)"),
        min_value=1,
        max_value=12,
        required=False,
    )
    ladder_from = forms.DateField(
        label=_("Ladder counts from (empty: every supervised period)"),
        widget=DATE,
        validators=DAY_VALIDATORS,
        required=False,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, validators=DAY_VALIDATORS)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_ladder_reset_after(self) -> int:
        return self.cleaned_data.get("ladder_reset_after") or 1  # DESIGN.md's: one period
