from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "guatu.parks"
    label = "parks"
    verbose_name = _("Parks (小微企业园)")
