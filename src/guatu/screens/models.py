"""Screen tokens: how a command-room screen (大屏) reads the city without a user session.

A screen on a wall can't sign in and must never hold a session that could
write. It is given a URL carrying a long random token instead; only the
token's SHA-256 is stored, so the table can't be used to forge one. The
supervision office lists the tokens and revokes any of them at once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class ScreenToken(models.Model):
    name = models.CharField(_("screen"), max_length=60, help_text=_("e.g. 指挥中心大屏"))
    digest = models.CharField(_("token digest (SHA-256)"), max_length=64, unique=True)
    prefix = models.CharField(_("token begins"), max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last shown"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("revoked by"),
    )

    objects = CityScopedManager("created_by__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("screen token")
        verbose_name_plural = _("screen tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
