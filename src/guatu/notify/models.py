"""What is sent to whom: inbox notices, robots of each unit, and every delivery's log."""

from datetime import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager
from guatu.notify.sealed import SealedTextField, Unreadable
from guatu.notify.webhooks import webhook_problem


class Kind(models.TextChoices):
    """Why a message is sent (one rule each, switched on the settings page)."""

    REPORT_REMINDER = "report_reminder", _("reminder to report this week")
    BLOCKER_DUE = "blocker_due", _("blocker due soon or overdue")
    ESCALATION = "escalation", _("new escalation")
    BULLETIN = "bulletin", _("bulletin published")
    REVIEW = "review", _("report awaiting review")
    ADJUSTMENT = "adjustment", _("node adjustment steps")
    INVESTMENT = "investment", _("monthly investment reports")
    PROBLEM = "problem", _("problem list steps (问题清单)")


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    DINGTALK = "dingtalk", _("钉钉 group robot")
    WECOM = "wecom", _("企业微信 group robot")


class Robot(models.Model):
    """A group robot of one unit (a town, a department, or the supervision office).

    The secret stays on the server, sealed in the database (``notify.sealed``):
    pages show only its last four characters. A robot whose address fails the
    check at a send (``notify.webhooks``) is paused with the reason.
    """

    city = models.ForeignKey("org.City", on_delete=models.CASCADE, related_name="robots")
    town = models.ForeignKey(
        "org.Town", verbose_name=_("town"), on_delete=models.CASCADE, null=True, blank=True
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    office = models.BooleanField(_("supervision office and leaders"), default=False)
    kind = models.CharField(
        _("platform"),
        max_length=10,
        choices=[(Channel.DINGTALK, Channel.DINGTALK.label), (Channel.WECOM, Channel.WECOM.label)],
    )
    name = models.CharField(_("group name"), max_length=60)
    webhook = models.URLField(_("webhook address"), max_length=500)
    secret = SealedTextField(_("signing secret"), blank=True, validators=[MaxLengthValidator(200)])
    at_mobiles = models.CharField(
        _("mobiles to @"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    #: Why the server paused it (its address failed the check at a send); empty otherwise.
    paused_reason = models.CharField(_("paused because"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(town__isnull=False, department__isnull=True, office=False)
                    | Q(town__isnull=True, department__isnull=False, office=False)
                    | Q(town__isnull=True, department__isnull=True, office=True)
                ),
                name="notify_robot_one_unit",
                violation_error_message=_(
                    "A robot belongs to one town, one department or the office."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A robot to be sent to posts only where ``notify.webhooks`` allows (checked again
        at every send); a paused one may be kept, renamed or removed whatever its address."""
        problem = self.webhook and self.enabled and webhook_problem(self.webhook)
        if problem:
            raise ValidationError({"webhook": problem})

    @property
    def unit(self) -> str:
        if self.office:
            return str(_("supervision office and leaders"))
        return str(self.town or self.department)

    @property
    def webhook_hint(self) -> str:
        """The webhook's host and last four characters: its token is a credential too."""
        try:
            netloc = urlsplit(self.webhook).netloc.rpartition("@")[2]
        except ValueError:
            netloc = "?"
        return f"{netloc} …{self.webhook[-4:]}"

    @property
    def secret_hint(self) -> str:
        if isinstance(self.secret, Unreadable):
            return str(_("sealed with another key"))
        return f"••••{self.secret[-4:]}" if self.secret else ""

    @property
    def address_problem(self) -> str:
        """Why the server would not post to this robot now (empty when it would)."""
        return webhook_problem(self.webhook)

    def mobiles(self) -> list[str]:
        return [m.strip() for m in self.at_mobiles.split(",") if m.strip()]


class Notice(models.Model):
    """A message in one person's inbox; sent again by no event (one per event and person)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=4000)
    url = models.CharField(_("link"), max_length=300, blank=True)
    event = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = CityScopedManager("recipient__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notify_notice_once")
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to one email address or robot: its state and the platform's answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    city = models.ForeignKey("org.City", on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(max_length=200)
    #: ``user:<id>`` or ``robot:<id>``: with the event, what makes a message unique.
    target = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    #: Kept when the robot is removed: the log keeps what was sent, to the name it had.
    robot = models.ForeignKey(Robot, on_delete=models.SET_NULL, null=True, blank=True)
    address = models.CharField(_("to"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=4000)
    url = models.CharField(_("link"), max_length=300, blank=True)
    #: Mobiles a robot message @s: the robot's own and those of the people it concerns.
    mentions = models.CharField(_("@ mobiles"), max_length=400, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    #: Several emails to one person sent as one digest share its id.
    digest = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "target"], name="notify_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.title} → {self.address}"


class Rules(models.Model):
    """The city's notification rules, changed by the supervision office."""

    city = models.OneToOneField("org.City", on_delete=models.CASCADE, related_name="notify_rules")
    report_reminders = models.BooleanField(_("weekly report reminders"), default=True)
    report_cutoff_weekday = models.PositiveSmallIntegerField(
        _("report cut-off weekday"),
        default=4,
        help_text=_("0 = Monday … 6 = Sunday: the last day of the week's reporting."),
    )
    reminder_days = models.CharField(
        _("remind days before the cut-off"),
        max_length=20,
        default="2,1",
        help_text=_("Comma-separated: 2,1 reminds two days and one day before."),
    )
    blocker_alerts = models.BooleanField(_("blocker due-date alerts"), default=True)
    blocker_due_days = models.PositiveSmallIntegerField(
        _("alert days before a blocker is due"), default=3
    )
    escalations = models.BooleanField(_("new escalations"), default=True)
    bulletins = models.BooleanField(_("published bulletins"), default=True)
    reviews = models.BooleanField(_("reports awaiting review"), default=True)
    adjustments = models.BooleanField(_("node adjustment steps"), default=True)
    investment = models.BooleanField(
        _("monthly investment reports, reviews and reminders"), default=True
    )
    problems = models.BooleanField(
        _("problem list: 交办, answers, 销号, levels, instructions"), default=True
    )
    quiet_start = models.TimeField(
        _("quiet hours from"), default=time(22, 0), null=True, blank=True
    )
    quiet_end = models.TimeField(_("quiet hours until"), default=time(7, 30), null=True, blank=True)
    daily_digest = models.BooleanField(
        _("one email a day per person"),
        default=True,
        help_text=_("Several messages to one person on one day go as one email."),
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("notification rules")
        verbose_name_plural = _("notification rules")

    def __str__(self) -> str:
        return str(self.city)

    def days_before(self) -> list[int]:
        found = []
        for part in self.reminder_days.split(","):
            part = part.strip()
            if part.isdigit() and int(part) <= 6:
                found.append(int(part))
        return sorted(set(found), reverse=True)

    def allows(self, kind: str) -> bool:
        return {
            Kind.REPORT_REMINDER: self.report_reminders,
            Kind.BLOCKER_DUE: self.blocker_alerts,
            Kind.ESCALATION: self.escalations,
            Kind.BULLETIN: self.bulletins,
            Kind.REVIEW: self.reviews,
            Kind.ADJUSTMENT: self.adjustments,
            Kind.INVESTMENT: self.investment,
            Kind.PROBLEM: self.problems,
        }.get(kind, True)


class Preference(models.Model):
    """One person's channels: email on or off, and the mobile robots may @."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    email = models.BooleanField(_("send me emails"), default=True)
    mobile = models.CharField(_("mobile (for @ in group robots)"), max_length=20, blank=True)

    objects = CityScopedManager("user__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
