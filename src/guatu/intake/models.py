"""Evidence: a fact from a newspaper page or a written report, attached to a project.

Evidence is only added, by a supervisor who accepted it; it changes nothing
else in the project (a deadline found in the paper does not move a time node).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class Evidence(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="evidence"
    )
    source = models.CharField(_("source"), max_length=200)
    issue_date = models.DateField(_("issue date"))
    article = models.CharField(_("article"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    text = models.CharField(_("as written"), max_length=200)
    value = models.CharField(_("value"), max_length=200)
    quote = models.TextField(_("quote"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now, editable=False)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["project", "-issue_date", "id"]

    def __str__(self) -> str:
        return f"{self.source} {self.issue_date}: {self.text}"
