"""What the operations side keeps in the database: the task workers' heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker's latest sign of life, written every ``HEARTBEAT_EVERY`` seconds.

    In the database, not a cache: every web process on every machine reads the
    same rows for ``/healthz``.
    """

    name = models.CharField(_("worker"), max_length=120, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.name
