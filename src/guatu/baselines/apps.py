from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BaselinesConfig(AppConfig):
    name = "guatu.baselines"
    label = "baselines"
    verbose_name = _("Baselines and node adjustments")

    def ready(self) -> None:
        from guatu.baselines.lock import approved_baselines  # models are loaded only now
        from guatu.projects.plan_lock import lock_source_set

        lock_source_set(approved_baselines)
