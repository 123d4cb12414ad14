"""The analyst's own range for an item, where the city's history should not decide."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class ThreePoint(models.Model):
    """三点估计: optimistic, most likely and pessimistic working days for the whole item.

    Overrides the calibration for this item; the remaining part of an item
    under way is drawn from the same range scaled by what is left.
    """

    class Shape(models.TextChoices):
        PERT = "pert", _("PERT (beta)")
        TRIANGULAR = "triangular", _("triangular")

    work_item = models.OneToOneField(
        "projects.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.CASCADE,
        related_name="three_point",
    )
    optimistic = models.DecimalField(_("optimistic (working days)"), max_digits=7, decimal_places=1)
    most_likely = models.DecimalField(
        _("most likely (working days)"), max_digits=7, decimal_places=1
    )
    pessimistic = models.DecimalField(
        _("pessimistic (working days)"), max_digits=7, decimal_places=1
    )
    shape = models.CharField(_("distribution"), max_length=12, choices=Shape, default=Shape.PERT)
    note = models.CharField(_("basis of the estimate"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    objects = CityScopedManager("work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("three-point estimate")
        verbose_name_plural = _("three-point estimates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(optimistic__gte=0)
                & models.Q(most_likely__gte=models.F("optimistic"))
                & models.Q(pessimistic__gte=models.F("most_likely"))
                & models.Q(pessimistic__gt=0),
                name="three_point_ordered",
                violation_error_message=_(
                    "The estimates must satisfy 0 ≤ optimistic ≤ most likely ≤ pessimistic, "
                    "pessimistic above 0."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_item}: {self.optimistic}/{self.most_likely}/{self.pessimistic}"
