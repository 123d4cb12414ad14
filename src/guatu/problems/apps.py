from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "guatu.problems"
    label = "problems"
    verbose_name = _("Problems (问题清单)")
