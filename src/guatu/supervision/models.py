"""Escalation events: one rung of the accountability ladder, once per item and period."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EscalationLevel(models.TextChoices):
    """The default ladder of DESIGN.md, in climbing order."""

    REMINDER = "reminder", _("reminder (提醒)")
    NOTICE = "notice", _("supervision notice (督办单)")
    INTERVIEW = "interview", _("interview (约谈)")
    CRITICISM = "criticism", _("public criticism and accountability (通报批评/问责)")


class EscalationEvent(models.Model):
    """A step of the ladder for a lagging work item, with the evidence behind it."""

    work_item = models.ForeignKey(
        "projects.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    level = models.CharField(_("level"), max_length=10, choices=EscalationLevel.choices)
    period = models.CharField(
        _("period"), max_length=20, help_text=_("The bulletin period, e.g. 2019-W46.")
    )
    town = models.ForeignKey(
        "org.Town", verbose_name=_("town"), on_delete=models.PROTECT, null=True, blank=True
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("escalation event")
        verbose_name_plural = _("escalation events")
        ordering = ["-created_at"]
        constraints = [
            # However often a bulletin is rerun, a period escalates an item once.
            models.UniqueConstraint(
                fields=["work_item", "period"], name="supervision_escalation_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="supervision_escalation_resolved_has_note",
                violation_error_message=_("A resolved escalation needs a note."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.work_item} · {self.period}"
