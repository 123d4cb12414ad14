from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "guatu.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from guatu.ops.database import cache_tables_create  # the app registry is ready only now

        # Sent after every migrate for each app; this app's is enough to run it once:
        # `guatu migrate` leaves the database cache's table in place (guatu.ops.database).
        post_migrate.connect(cache_tables_create, sender=self, dispatch_uid="guatu-cache-tables")
