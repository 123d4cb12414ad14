from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "guatu.screens"
    label = "screens"
    verbose_name = _("Command-room screens (大屏)")
