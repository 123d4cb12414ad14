from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.common.bounds import DAY_VALIDATORS
from guatu.parks.models import CriteriaSet, GradingScheme, ParkUnit


class CriteriaForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = [
            "valid_from",
            "min_tax_per_mu",
            "min_tax_per_m2",
            "min_investment_per_m2",
            "max_energy_per_value_added",
            "whitelist",
            "negative_list",
            "require_leading_industry",
            "environment_veto",
            "safety_veto",
            "note",
        ]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ScreeningForm(forms.Form):
    file = forms.FileField(
        label=_("List of applicants (.xlsx or .csv)"),
        help_text=_("One row per enterprise; headers as in the result sheet."),
    )


class AllocationForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=ParkUnit.objects.none(), empty_label=None
    )
    status = forms.ChoiceField(
        label=_("As"),
        choices=[
            (ParkUnit.Status.LET, _("let")),
            (ParkUnit.Status.SOLD, _("sold")),
            (ParkUnit.Status.RESERVED, _("reserved")),
        ],
    )

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = park.units.filter(status=ParkUnit.Status.VACANT)


INDICATOR_LABELS = {
    "tax_per_mu": _("tax per mu (万元/亩)"),
    "value_added_per_mu": _("value added per mu (万元/亩)"),
    "value_added_per_energy": _("value added per tonne of coal (万元)"),
    "labour_productivity": _("value added per employee (万元)"),
    "rd_share": _("R&D share of output (%)"),
}


class GradingForm(forms.Form):
    """A new grading version: per indicator a weight and a benchmark, then how to grade."""

    valid_from = forms.DateField(
        label=_("valid from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DAY_VALIDATORS,
    )
    cap = forms.DecimalField(
        label=_("cap (× benchmark)"), min_value=1, max_value=100, max_digits=6, initial=1.5
    )
    mode = forms.ChoiceField(label=_("grading"), choices=GradingScheme.Mode.choices)
    cutoff_a = forms.FloatField(label=_("A from (points)"), initial=90)
    cutoff_b = forms.FloatField(label=_("B from (points)"), initial=70)
    cutoff_c = forms.FloatField(label=_("C from (points)"), initial=50)
    share_a = forms.FloatField(label=_("share of A"), initial=0.2)
    share_b = forms.FloatField(label=_("share of B"), initial=0.5)
    share_c = forms.FloatField(label=_("share of C"), initial=0.2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in INDICATOR_LABELS.items():
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=_("weight: %(indicator)s") % {"indicator": label}, min_value=0
            )
            self.fields[f"benchmark_{key}"] = forms.FloatField(
                label=_("benchmark: %(indicator)s") % {"indicator": label}
            )

    def scheme(self) -> dict:
        data = self.cleaned_data
        return {
            "valid_from": data["valid_from"],
            "cap": data["cap"],
            "mode": data["mode"],
            "weights": {key: data[f"weight_{key}"] for key in INDICATOR_LABELS},
            "benchmarks": {key: data[f"benchmark_{key}"] for key in INDICATOR_LABELS},
            "cutoffs": [data["cutoff_a"], data["cutoff_b"], data["cutoff_c"]],
            "shares": [data["share_a"], data["share_b"], data["share_c"]],
        }
