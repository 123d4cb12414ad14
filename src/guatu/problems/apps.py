from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "guatu.problems"
    label = "problems"
    verbose_name = _("Problems (问题清单)")

    def ready(self) -> None:
        from guatu.common.events import BlockerOpened, RisksWarmed, subscribe
        from guatu.problems import subscribers

        subscribe(BlockerOpened, subscribers.on_blocker_opened)
        subscribe(RisksWarmed, subscribers.on_risks_warmed, after_commit=True)
