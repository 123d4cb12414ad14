from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "guatu.intake"
    label = "intake"
    verbose_name = _("Intake (报道与汇报材料)")
