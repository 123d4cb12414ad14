from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guatu.projects.models import WorkItem
from guatu.risk.models import ThreePoint


class WhatIfForm(forms.Form):
    """Try a change before anyone commits: nothing is stored."""

    node_item = forms.ModelChoiceField(
        label=_("Move the time node of"), queryset=WorkItem.objects.none(), required=False
    )
    node_date = forms.DateField(
        # "Move the time node of [item] to [date]": a change (改为), not notify's recipient.
        label=pgettext_lazy("change", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    delay_item = forms.ModelChoiceField(
        label=_("Add days to"), queryset=WorkItem.objects.none(), required=False
    )
    delay_days = forms.IntegerField(label=_("working days (negative: fewer)"), required=False)

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = project.work_items.order_by("order", "code")
        self.fields["node_item"].queryset = items
        self.fields["delay_item"].queryset = items.exclude(kind=WorkItem.Kind.MILESTONE)

    def clean(self):
        data = super().clean()
        if data.get("node_item") and not data.get("node_date"):
            self.add_error("node_date", _("Give the new date of the time node."))
        if data.get("delay_item") and data.get("delay_days") is None:
            self.add_error("delay_days", _("Give the number of days."))
        return data


class EstimateForm(forms.Form):
    """三点估计 for one item (the supervision office)."""

    work_item = forms.ModelChoiceField(label=_("work item"), queryset=WorkItem.objects.none())
    optimistic = forms.DecimalField(
        label=_("optimistic (working days)"), max_digits=7, decimal_places=1
    )
    most_likely = forms.DecimalField(
        label=_("most likely (working days)"), max_digits=7, decimal_places=1
    )
    pessimistic = forms.DecimalField(
        label=_("pessimistic (working days)"), max_digits=7, decimal_places=1
    )
    shape = forms.ChoiceField(label=_("distribution"), choices=ThreePoint.Shape.choices)
    note = forms.CharField(label=_("basis of the estimate"), max_length=300, required=False)

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_item"].queryset = project.work_items.exclude(
            kind=WorkItem.Kind.MILESTONE
        ).order_by("order", "code")
