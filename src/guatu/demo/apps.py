from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "guatu.demo"
    label = "demo"
    verbose_name = _("Demo")

    def ready(self) -> None:
        from guatu.demo.geometry import places_invented  # models are loaded only now
        from guatu.web.geo import invented_source_set

        invented_source_set(places_invented)
