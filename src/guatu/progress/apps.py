from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "guatu.progress"
    label = "progress"
    verbose_name = _("Progress")

    def ready(self) -> None:
        from guatu.progress.selectors import reported_by
        from guatu.projects.scheduling import read_reported_with

        read_reported_with(reported_by)
