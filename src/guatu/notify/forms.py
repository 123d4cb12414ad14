from django import forms
from django.utils.translation import gettext_lazy as _

from guatu.notify.models import Preference, Robot, Rules
from guatu.org.models import Department, Town

OFFICE = "office"


def is_mobile(value: str) -> bool:
    """A mainland mobile number as robots @ it: eleven digits."""
    return value.isdigit() and len(value) == 11


class RulesForm(forms.ModelForm):
    class Meta:
        model = Rules
        fields = [
            "report_reminders",
            "report_cutoff_weekday",
            "reminder_days",
            "blocker_alerts",
            "blocker_due_days",
            "escalations",
            "bulletins",
            "reviews",
            "adjustments",
            "investment",
            "problems",
            "quiet_start",
            "quiet_end",
            "daily_digest",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "report_cutoff_weekday": forms.Select(
                choices=[
                    (0, _("Monday")),
                    (1, _("Tuesday")),
                    (2, _("Wednesday")),
                    (3, _("Thursday")),
                    (4, _("Friday")),
                    (5, _("Saturday")),
                    (6, _("Sunday")),
                ]
            ),
        }

    def clean_reminder_days(self):
        value = self.cleaned_data["reminder_days"]
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts or any(not part.isdigit() or int(part) > 6 for part in parts):
            raise forms.ValidationError(_("Give days from 0 to 6, separated by commas (2,1)."))
        return ",".join(parts)


class RobotForm(forms.ModelForm):
    unit = forms.ChoiceField(label=_("unit"))
    #: Typed in, never shown again (the field is sealed in the database: ``notify.sealed``).
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
    )
    field_order = ["unit", "kind", "name", "webhook", "secret", "at_mobiles"]

    class Meta:
        model = Robot
        fields = ["kind", "name", "webhook", "secret", "at_mobiles"]

    def __init__(self, *args, city, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.city = city
        towns = Town.objects.filter(city=city).order_by("order", "name")
        departments = Department.objects.filter(city=city).order_by("name")
        self.fields["unit"].choices = [
            (OFFICE, _("supervision office and leaders")),
            (_("Towns"), [(f"town:{t.pk}", t.name) for t in towns]),
            (_("Departments"), [(f"department:{d.pk}", d.name) for d in departments]),
        ]
        self.fields["webhook"].help_text = _(
            "The robot's Webhook address as the group's robot settings show it "
            "(钉钉: https://oapi.dingtalk.com/robot/send?…; "
            "企业微信: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…); shown again only "
            "as its host and last four characters."
        )
        self.fields["secret"].help_text = _("钉钉 signed robots only (SEC…); never shown again.")

    def clean_at_mobiles(self):
        value = self.cleaned_data["at_mobiles"]
        mobiles = [m.strip() for m in value.replace("，", ",").split(",") if m.strip()]
        bad = [m for m in mobiles if not is_mobile(m)]
        if bad:
            raise forms.ValidationError(
                _("Not an 11-digit mobile number: %(value)s") % {"value": "、".join(bad)}
            )
        return ",".join(mobiles)

    def save(self, commit: bool = True) -> Robot:
        robot = super().save(commit=False)
        robot.city = self.city
        unit = self.cleaned_data["unit"]
        robot.office = unit == OFFICE
        robot.town_id = int(unit.split(":")[1]) if unit.startswith("town:") else None
        robot.department_id = int(unit.split(":")[1]) if unit.startswith("department:") else None
        return robot


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "mobile"]

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if value and not is_mobile(value):
            raise forms.ValidationError(_("Give an 11-digit mobile number."))
        return value
