"""Escalation events: one rung of the accountability ladder, once per item and period."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager
from guatu.core.periods import period_label


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
    # The notice (公文) as issued with the bulletin that recorded the rung: its number in
    # the city's series for the year and the rung (永重点办督〔2019〕3号), whom it is
    # addressed to, its text, and the date the unit must answer by.
    city = models.ForeignKey(
        "org.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on (成文日期)"), null=True, blank=True)
    addressee = models.CharField(_("addressed to (主送)"), max_length=200, blank=True)
    notice_body = models.TextField(_("text of the notice"), blank=True)
    reply_by = models.DateField(_("answer due by"), null=True, blank=True)
    interview_at = models.DateTimeField(_("interview time"), null=True, blank=True)
    interview_place = models.CharField(_("interview place"), max_length=200, blank=True)

    objects = CityScopedManager("work_item__project__city")
    everywhere = UnscopedManager()

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
            # A notice's number names one document for good, in its city, year and rung.
            models.UniqueConstraint(
                fields=["city", "year", "level", "number"],
                condition=Q(number__isnull=False),
                name="supervision_escalation_number_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.work_item} · {period_label(self.period)}"


class NoticeTemplate(models.Model):
    """The office's own wording of a rung's notice; ``{名称}`` fields are filled in from
    the rung's facts when the notice is issued (``supervision.notices``)."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=EscalationLevel.choices)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(fields=["city", "level"], name="supervision_template_once")
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class NoticeReply(models.Model):
    """A unit's answer to a notice (整改反馈): what it did, with its files. Append-only."""

    escalation = models.ForeignKey(
        EscalationEvent, on_delete=models.PROTECT, related_name="replies"
    )
    text = models.TextField(_("measures taken"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now, editable=False)

    objects = CityScopedManager("escalation__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("answer to a notice (整改反馈)")
        verbose_name_plural = _("answers to notices (整改反馈)")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def _reply_path(attachment: "NoticeReplyFile", filename: str) -> str:
    return f"replies/{timezone.now():%Y/%m}/{attachment.reply_id}-{filename}"


class NoticeReplyFile(models.Model):
    """A file sent with an answer (a photo, a signed scan, a PDF)."""

    reply = models.ForeignKey(NoticeReply, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=_reply_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = CityScopedManager("reply__escalation__work_item__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("file of an answer")
        verbose_name_plural = _("files of answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Bulletin(models.Model):
    """A 定期通报: a draft while it is reviewed, then published, numbered and frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="bulletins")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for the whole city."),
    )
    period = models.CharField(_("period"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    content = models.JSONField(_("content"), default=dict)
    docx = models.FileField(_("Word"), upload_to="bulletins/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="bulletins/", blank=True)
    xlsx = models.FileField(_("Excel"), upload_to="bulletins/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("bulletin (定期通报)")
        verbose_name_plural = _("bulletins (定期通报)")
        ordering = ["-year", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "number"], name="supervision_bulletin_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(number__isnull=False) & Q(published_at__isnull=False)),
                name="supervision_bulletin_published_numbered",
                violation_error_message=_("A published bulletin has a number and a date."),
            ),
        ]

    def __str__(self) -> str:
        return self.content.get("title") or period_label(self.period)


class Score(models.Model):
    """督查考核: a town's or a department's score for one published period."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="scores")
    period = models.CharField(_("period"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
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
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    parts = models.JSONField(_("parts"), default=dict)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("score (督查考核)")
        verbose_name_plural = _("scores (督查考核)")
        ordering = ["-year", "period", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "period", "town"],
                condition=Q(town__isnull=False),
                name="supervision_score_town",
            ),
            models.UniqueConstraint(
                fields=["city", "period", "department"],
                condition=Q(department__isnull=False),
                name="supervision_score_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{period_label(self.period)} {self.town or self.department}: {self.score}"
