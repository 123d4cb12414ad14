from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BaselinesConfig(AppConfig):
    name = "guatu.baselines"
    label = "baselines"
    verbose_name = _("Baselines and node adjustments")
