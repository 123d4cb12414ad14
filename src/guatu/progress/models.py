"""Progress history and blockers.

Progress reports are append-only, and the database itself enforces it: a
trigger (migration 0002) refuses every UPDATE and DELETE of the table, so no
code path, admin page or shell session can rewrite the history. A correction
is a new report that names the one it supersedes and says why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager
from guatu.progress.labels import place_label
from guatu.projects.models import unit_choices


class ProgressReport(models.Model):
    """The cumulative state of one work item at a date, as a town or department reported it."""

    work_item = models.ForeignKey(
        "projects.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    reported_on = models.DateField(_("progress as of"))
    quantity_done = models.DecimalField(
        _("cumulative quantity done"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("In the work item's unit, converted from what was entered."),
    )
    quantity_entered = models.DecimalField(
        _("quantity as entered"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    unit_entered = models.CharField(
        _("unit as entered"), max_length=10, choices=unit_choices, blank=True
    )
    percent_complete = models.DecimalField(_("percent complete"), max_digits=7, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    above_target = models.BooleanField(
        _("above the target"),
        default=False,
        help_text=_(
            "The reporter states the work went beyond the target (超目标); the report counts "
            "only once the supervision office confirms it."
        ),
    )

    objects = CityScopedManager("work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["work_item", "reported_on", "created_at", "id"]
        indexes = [
            models.Index(fields=["work_item", "reported_on"]),
            # The worker's catch-up looks for the reports stored since its last round.
            models.Index(fields=["created_at"], name="progress_report_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="progress_report_correction_has_reason",
                violation_error_message=_("A correction must give its reason."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_done__isnull=True) | Q(quantity_done__gte=0),
                name="progress_report_quantity_not_negative",
                violation_error_message=_("A quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0),
                name="progress_report_percent_not_negative",
                violation_error_message=_("A percentage cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item} @ {self.reported_on}: {self.percent_complete}%"


class ReportReview(models.Model):
    """The supervision office's verdict on a report flagged 超目标待核实 (append-only).

    The report itself is never changed: the verdict is a row of its own, and a
    confirmed report starts to count for progress, a rejected one never does.
    """

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    report = models.OneToOneField(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="report_reviews",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now, editable=False)

    objects = CityScopedManager("report__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("review of an above-target report")
        verbose_name_plural = _("reviews of above-target reports")
        ordering = ["-reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_decision_display()}"


class Blocker(models.Model):
    """A 卡点, and as the office runs it a problem of the 问题清单 (docs/PROBLEMS.md).

    A unit reports it (a named obstacle, e.g. "3户未签约", with its owner and due
    date); the office 交办s it with a numbered 交办单 (``number``: the required action,
    the responsible unit and person, the 时限); the unit answers (``replied``); the
    office verifies and closes it (销号, ``resolved``) or returns it with a reason
    (back to ``open``). Its ``level`` is the rung of 四级协调 it is coordinated at: a
    level is climbed one at a time and only when the office confirms it, on the
    unit's request (``escalation_requested``) or because the 时限 at its level passed.
    Each step is a row of ``problems.ProblemStep``; this row holds where it stands.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        REPLIED = "replied", _("answered")
        RESOLVED = "resolved", _("resolved")

    class Source(models.TextChoices):
        REPORTED = "reported", _("reported")
        PREWORK = "prework", _("a 前期 node that slipped")

    work_item = models.ForeignKey(
        "projects.WorkItem",
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="blockers",
    )
    town = models.ForeignKey(
        "org.Town",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blockers",
    )
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="blockers",
    )
    responsible_person = models.CharField(_("person responsible"), max_length=50)
    description = models.TextField(_("description"))
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    # 问题清单 (the problems app's workflow writes these; docs/PROBLEMS.md).
    category = models.CharField(_("category (要素)"), max_length=20, default="other")
    level = models.PositiveSmallIntegerField(_("coordination level"), default=1)
    escalation_requested = models.BooleanField(_("the unit asks for the next level"), default=False)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.REPORTED
    )
    action_required = models.TextField(_("required action"), blank=True)
    year = models.PositiveSmallIntegerField(_("交办单 year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("交办单 number"), null=True, blank=True)
    assigned_on = models.DateField(_("交办 on"), null=True, blank=True)
    first_reply_on = models.DateField(_("first reply on"), null=True, blank=True)
    reply = models.TextField(_("reply (反馈)"), blank=True)

    objects = CityScopedManager("work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("blocker (卡点)")
        verbose_name_plural = _("blockers (卡点)")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opened_on")),
                name="progress_blocker_due_after_opened",
                violation_error_message=_("A blocker cannot be due before it was opened."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="progress_blocker_resolved_has_resolution",
                violation_error_message=_("A resolved blocker needs its resolution and date."),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4),
                name="progress_blocker_level_1_to_4",
                violation_error_message=_("The coordination level is 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    def clean(self) -> None:
        # Another city's department cannot own this city's blocker, whatever path wrote it.
        if (
            self.owner_department_id is not None
            and self.work_item_id is not None
            and self.owner_department.city_id != self.work_item.project.city_id
        ):
            raise ValidationError(
                {"owner_department": _("Choose a department of the work item's city.")}
            )


class StatusRuleSet(models.Model):
    """One version of the thresholds that turn lag and forecasts into lights.

    Versions are never edited: a change is a new version valid from a date, so
    a past light is always explained by the rules in force on its date.
    """

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="status_rules")
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    yellow_lag = models.DecimalField(
        _("yellow above (percentage points behind plan)"),
        max_digits=5,
        decimal_places=1,
        default=10,
    )
    red_lag = models.DecimalField(
        _("red above (percentage points behind plan)"),
        max_digits=5,
        decimal_places=1,
        default=30,
    )
    window_days = models.PositiveSmallIntegerField(_("forecast window (calendar days)"), default=28)
    s_curve = models.BooleanField(_("S-curve plan"), default=False)
    ladder_reset_after = models.PositiveSmallIntegerField(
        _("ladder starts again after (periods out of the red)"),
        default=1,
        help_text=_(
            "An item that has left the red for this many periods in a row starts the "
            "accountability ladder again at its first rung."
        ),
    )
    ladder_from = models.DateField(
        _("ladder counts from"),
        null=True,
        blank=True,
        help_text=_("Red periods before this date never count on the accountability ladder."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("status rules")
        verbose_name_plural = _("status rules")
        ordering = ["city", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="progress_rules_version"),
            models.CheckConstraint(
                condition=Q(red_lag__gte=models.F("yellow_lag")),
                name="progress_rules_red_above_yellow",
                violation_error_message=_("The red threshold cannot be below the yellow one."),
            ),
            models.CheckConstraint(
                condition=Q(yellow_lag__gte=0) & Q(window_days__gte=1),
                name="progress_rules_positive",
                violation_error_message=_("Thresholds and the window must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(ladder_reset_after__gte=1),
                name="progress_rules_ladder_reset_positive",
                violation_error_message=_("The ladder starts again after one period or more."),
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.valid_from})"


def _photo_path(photo: "ReportPhoto", filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{photo.report_id}-{filename}"


class ReportPhoto(models.Model):
    """A site photo attached to a report when it is submitted (never changed afterwards)."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        related_name="photos",
        verbose_name=_("progress report"),
    )
    image = models.FileField(_("photo"), upload_to=_photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path)
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    display = models.FileField(_("displayed copy (水印)"), upload_to=_photo_path, blank=True)
    taken_at = models.DateTimeField(_("taken at (camera)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    taken_early = models.BooleanField(
        _("taken long before the report"),
        default=False,
        help_text=_("The camera dates the photo more than 30 days before the report's date."),
    )
    distance_m = models.PositiveIntegerField(
        _("distance from the site (metres)"),
        null=True,
        blank=True,
        help_text=_(
            "How far the camera's position lies from the item's (or else the project's) place "
            "on the map; empty when either is unknown."
        ),
    )
    far_from_site = models.BooleanField(
        _("taken far from the site"),
        default=False,
        help_text=_("Farther from the site than the city's site photo distance."),
    )

    objects = CityScopedManager("report__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.image.name

    @property
    def days_before_report(self) -> int | None:
        """How many days before the report's date the camera dates the photo (city time)."""
        if self.taken_at is None:
            return None
        return (self.report.reported_on - timezone.localdate(self.taken_at)).days

    @property
    def place(self) -> str:
        return place_label(self.latitude, self.longitude)


class StandingSnapshot(models.Model):
    """A city's standing as the level above ranks it (``supervision.region``), kept until a
    figure it reads changes (``version``) or the city's day turns, so a province's page
    reads one row a city instead of computing every city's lights."""

    city = models.OneToOneField("org.City", on_delete=models.CASCADE, related_name="standing")
    version = models.CharField(_("data version"), max_length=200)
    as_of = models.DateField(_("status date"))
    computed_at = models.DateTimeField(_("computed at"))
    figures = models.JSONField(_("figures"))

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("city standing")
        verbose_name_plural = _("city standings")

    def __str__(self) -> str:
        return f"{self.city_id} {self.as_of}"
