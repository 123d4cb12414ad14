"""Audit entries are append-only, like progress history (see migration 0002)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.audit.labels import action_label
from guatu.common.scope import CityScopedManager, UnscopedManager


class AuditEntry(models.Model):
    """One write: who did what to which object, when, and from where."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, help_text=_("web, api or cli"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    allowed = models.BooleanField(_("allowed"), default=True)

    objects = CityScopedManager("user__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        from django.utils.timezone import localtime

        at = localtime(self.at)  # the site's time zone, the city's
        who = self.user or ""
        return f"{at:%Y-%m-%d %H:%M} {who} {action_label(self.action)} {self.target_repr}"
