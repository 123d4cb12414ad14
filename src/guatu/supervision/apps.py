from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "guatu.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from guatu.org.numbering import published_source_set  # models are loaded only now
        from guatu.supervision.services import published_numbers

        published_source_set(published_numbers)

        from guatu.common.events import RisksWarmed, subscribe
        from guatu.supervision.region import refresh_after_warm_up

        subscribe(RisksWarmed, refresh_after_warm_up)
