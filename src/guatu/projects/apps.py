from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "guatu.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from guatu.projects.subscribers import connect  # models are loaded only now

        connect()
