from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.parks.models import CriteriaSet, ParkUnit


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
