"""Forms of the pages (input schemas; the services validate the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.org.models import Department

MAX_MSPDI_BYTES = 20 * 1024 * 1024


class MspdiImportForm(forms.Form):
    file = forms.FileField(label=_("Microsoft Project XML file"))
    code = forms.SlugField(label=_("Project code"), max_length=40)
    name = forms.CharField(
        label=_("Project name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the name in the file."),
    )
    owner_department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Department.objects.order_by("name")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MSPDI_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError(_("Choose a Microsoft Project XML (.xml) file."))
        return upload
