"""The office's forms for the public page: input schemas only (the services judge the rest).

Lengths and dates are bounded where they are typed (a year 9999, a 文号 of a thousand
characters are refused beside their field); control characters are the services' to
refuse, beside the same field.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.common.bounds import DAY_VALIDATORS
from guatu.projects.models import Project
from guatu.public.models import Approval

MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _label(name: str):
    return Approval._meta.get_field(name).verbose_name


class DateInput(forms.DateInput):
    """A native date picker; it needs ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM``: cleaned to (year, month)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        match = MONTH.fullmatch(text or "")
        if match is None or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2019-10."))
        return int(match[1]), int(match[2])


class ApprovalForm(forms.Form):
    # The city's projects, set per form in the request (``projects``): never at import.
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("project"))
    matter = forms.CharField(label=_label("matter"), max_length=100)
    authority = forms.CharField(label=_label("authority"), max_length=60)
    number = forms.CharField(label=_label("number"), max_length=60)
    approved_on = forms.DateField(
        label=_label("approved_on"), validators=DAY_VALIDATORS, widget=DateInput
    )

    def __init__(self, *args, projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class PublishForm(forms.Form):
    month = MonthField(label=_("month"))
