"""问题清单: the rules an office runs its problems by, and each step of a problem's life.

The problem itself is the 卡点 row (``progress.Blocker``): where it stands (level,
status, 交办单 number) is kept there, so every page that lists 卡点 reads the same
truth. What happened to it — 交办, each 反馈, 核实, 退回, 销号, a level proposed,
recorded or declined, a leader's 批示 — is a ``ProblemStep``, history the database
refuses to change (migration 0002), with the files that back a reply.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class ProblemRuleSet(models.Model):
    """One version of a city's 问题清单 rules (a change is a new version from a date)."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="problem_rules")
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    categories = models.JSONField(
        _("categories (要素)"), help_text=_("Pairs of code and name, in the order listed.")
    )
    level_names = models.JSONField(_("names of the four levels (四级协调)"))
    level_days = models.JSONField(
        _("working days given at each level"),
        help_text=_("The 时限 a problem gets when it is recorded at each level, in working days."),
    )
    blue_days = models.PositiveSmallIntegerField(
        _("blue when due within (working days)"), default=5
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("problem rules")
        verbose_name_plural = _("problem rules")
        ordering = ["city", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="problems_rules_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.city} v{self.version}"


class ProblemStep(models.Model):
    """One step of a problem's life, as it happened (append-only)."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("reported")
        ASSIGNED = "assigned", _("交办")
        REPLIED = "replied", _("反馈")
        CLOSED = "closed", _("核实销号")
        RETURNED = "returned", _("退回")
        REQUESTED = "requested", _("asked for the next level")
        RAISED = "raised", _("level recorded")
        DECLINED = "declined", _("next level declined")
        INSTRUCTED = "instructed", _("leader's instruction (批示)")

    blocker = models.ForeignKey(
        "progress.Blocker",
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name=_("problem"),
    )
    kind = models.CharField(_("step"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("date"))
    level = models.PositiveSmallIntegerField(_("level"))
    text = models.TextField(_("text"), blank=True)
    due_on = models.DateField(_("时限"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = CityScopedManager("blocker__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")
        ordering = ["blocker", "at", "id"]
        indexes = [models.Index(fields=["kind", "on"], name="problems_step_kind_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


def _evidence_path(instance: "ProblemFile", filename: str) -> str:
    return f"problems/{instance.step.blocker_id}/{filename}"


class ProblemFile(models.Model):
    """A document or photo backing a reply (checked as every evidence file is; never changed)."""

    step = models.ForeignKey(
        ProblemStep, on_delete=models.PROTECT, related_name="files", verbose_name=_("step")
    )
    file = models.FileField(_("file"), upload_to=_evidence_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = CityScopedManager("step__blocker__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("problem evidence file")
        verbose_name_plural = _("problem evidence files")
        ordering = ["step", "id"]

    def __str__(self) -> str:
        return self.name
