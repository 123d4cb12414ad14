"""A project's approved plans, frozen, and the requests that move a time node."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class Baseline(models.Model):
    """One approved version of a project's plan; never changed once written."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT
    )
    #: The links of the moment: [predecessor code, successor code, type, lag days].
    links = models.JSONField(default=list)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} #{self.number} {self.name}"


class BaselineItem(models.Model):
    """A work item as the baseline froze it (kept if the item is later removed)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    work_item = models.ForeignKey(
        "projects.WorkItem", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    planned_start = models.DateField(_("planned start"), null=True)
    duration_days = models.IntegerField(_("duration (working days)"))
    deadline = models.DateField(_("time node (deadline)"), null=True)
    early_start = models.DateField(_("early start"), null=True)
    early_finish = models.DateField(_("early finish"), null=True)
    late_start = models.DateField(_("late start"), null=True)
    late_finish = models.DateField(_("late finish"), null=True)

    objects = CityScopedManager("baseline__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("baseline item")
        verbose_name_plural = _("baseline items")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "code"], name="baseline_item_once")
        ]

    def __str__(self) -> str:
        return self.name


class Adjustment(models.Model):
    """节点调整: a unit asks to move a node (or change a duration); the office reviews,
    a leader decides; only an approved request changes the plan."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the office's review")
        RETURNED = "returned", _("returned for revision")
        REVIEWED = "reviewed", _("awaiting a leader's decision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", pgettext_lazy("adjustment", "rejected")
        REFUSED = "refused", _("refused by the office")
        WITHDRAWN = "withdrawn", _("withdrawn by its proposer")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="adjustments"
    )
    work_item = models.ForeignKey(
        "projects.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    old_deadline = models.DateField(_("time node before"), null=True, blank=True)
    new_deadline = models.DateField(_("proposed time node"), null=True, blank=True)
    old_duration_days = models.IntegerField(_("duration before"), null=True, blank=True)
    #: A node later than the project's target only counts if the target moves too: the
    #: request then asks for both, and one approval moves both.
    old_target_date = models.DateField(_("project target before"), null=True, blank=True)
    new_target_date = models.DateField(_("proposed project target"), null=True, blank=True)
    new_duration_days = models.IntegerField(
        _("proposed duration (working days)"), null=True, blank=True
    )
    reason = models.TextField(_("reason"), max_length=2000)
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    review_note = models.TextField(_("office's opinion"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    decision_note = models.TextField(_("leader's decision"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    baseline = models.OneToOneField(
        Baseline,
        verbose_name=_("resulting baseline"),
        on_delete=models.PROTECT,
        null=True,
        related_name="adjustment",
    )

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("node adjustment")
        verbose_name_plural = _("node adjustments")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open request per item: a second waits until the first is decided.
            models.UniqueConstraint(
                fields=["work_item"],
                condition=models.Q(status__in=["pending", "returned", "reviewed"]),
                name="adjustment_one_open_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_item} — {self.get_status_display()}"

    #: A request still in the workflow: awaiting the office, its proposer or a leader.
    OPEN = ("pending", "returned", "reviewed")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def changes(self, day=date.isoformat) -> list[str]:
        """What the request moves, a line each (node, duration, target: before → after),
        its dates written by *day*: the list's column and workbook, and the messages."""

        def when(value) -> str:
            return day(value) if value else "—"

        lines = []
        if self.new_deadline:
            lines.append(
                gettext("Time node %(before)s → %(after)s")
                % {"before": when(self.old_deadline), "after": when(self.new_deadline)}
            )
        if self.new_duration_days is not None:
            lines.append(
                gettext("Duration %(before)s → %(after)s working days")
                % {"before": self.old_duration_days, "after": self.new_duration_days}
            )
        if self.new_target_date:
            lines.append(
                gettext("Project target %(before)s → %(after)s")
                % {"before": when(self.old_target_date), "after": when(self.new_target_date)}
            )
        return lines

    @property
    def days_moved(self) -> int | None:
        if self.old_deadline and self.new_deadline:
            return (self.new_deadline - self.old_deadline).days
        return None


class AdjustmentStep(models.Model):
    """One step of a request's way (proposed, returned, resubmitted, reviewed, refused,
    approved, rejected) with who took it and why: the history the page shows; never
    changed (a request returned twice keeps both reasons)."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        RETURNED = "returned", _("returned for revision")
        RESUBMITTED = "resubmitted", _("revised and resubmitted")
        REVIEWED = "reviewed", _("reviewed and forwarded to a leader")
        REFUSED = "refused", _("refused by the office")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", pgettext_lazy("adjustment", "rejected")
        WITHDRAWN = "withdrawn", _("withdrawn by its proposer")

    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = CityScopedManager("adjustment__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("adjustment step")
        verbose_name_plural = _("adjustment steps")
        ordering = ["adjustment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.adjustment_id} {self.action}"


def _evidence_path(record: "AdjustmentFile", filename: str) -> str:
    from django.utils import timezone

    return f"adjustments/{timezone.now():%Y/%m}/{record.adjustment_id}-{filename}"


class AdjustmentFile(models.Model):
    """A document or photo a unit attaches to its request as evidence (never changed)."""

    adjustment = models.ForeignKey(
        Adjustment,
        on_delete=models.PROTECT,
        related_name="files",
        verbose_name=_("node adjustment"),
    )
    file = models.FileField(_("file"), upload_to=_evidence_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = CityScopedManager("adjustment__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["adjustment", "id"]

    def __str__(self) -> str:
        return self.name
