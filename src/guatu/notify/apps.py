from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "guatu.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from guatu.notify import checks  # noqa: F401  (registers the deploy check)
        from guatu.notify.subscribers import connect  # models are loaded only now

        connect()
