from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.common.bounds import DAY_VALIDATORS
from guatu.common.forms import MultipleFileField, MultipleFileInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvidenceFilesField(MultipleFileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)


class ProposeForm(forms.Form):
    new_deadline = forms.DateField(
        label=_("proposed time node"), required=False, widget=DATE, validators=DAY_VALIDATORS
    )
    new_duration_days = forms.IntegerField(
        label=_("proposed duration (working days)"), required=False, min_value=0, max_value=5000
    )
    new_target_date = forms.DateField(
        label=_("proposed project target"),
        required=False,
        widget=DATE,
        validators=DAY_VALIDATORS,
        help_text=_(
            "Only when the new node is later than the project's target: the same approval "
            "then moves the target too."
        ),
    )
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("evidence"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Documents, meetings, numbers that support the request."),
    )
    files = EvidenceFilesField(
        label=_("evidence files"),
        required=False,
        help_text=_("Up to 5 PDFs or photos (JPEG, PNG, WebP), 10 MB each."),
    )


class PreviewForm(forms.Form):
    """The figures of a request being written, for its consequence (nothing is stored)."""

    new_deadline = ProposeForm.base_fields["new_deadline"]
    new_duration_days = ProposeForm.base_fields["new_duration_days"]
    new_target_date = ProposeForm.base_fields["new_target_date"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FreezeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, initial=_("Plan approved"))
