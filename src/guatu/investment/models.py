"""投资调度: annual plans, the monthly reports of investment, their reviews and checks.

A monthly report is history, like a progress report: the database refuses every UPDATE
and DELETE of it (migration 0002); a correction is a new report that names the one it
supersedes and says why. What the office decides about a report (同意 / 退回) and each
statistics check it clears are rows of their own.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager

#: The sources of 资金到位 in the order the monthly table lists them (field, label).
FUND_SOURCES = (
    ("fund_central", _("中央资金")),
    ("fund_provincial", _("省级资金")),
    ("fund_local", _("地方财政")),
    ("fund_bond", _("专项债")),
    ("fund_loan", _("银行贷款")),
    ("fund_self", _("企业自筹")),
    ("fund_other", _("其他资金")),
)
#: The split of a month's investment (field, label): 建安工程, 设备购置, 其他.
SPLIT = (
    ("construction", _("建安工程")),
    ("equipment", _("设备购置")),
    ("other", _("其他费用")),
)


def _money(label, **extra) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **extra)


class InvestmentRuleSet(models.Model):
    """One version of a city's investment rules; a change is a new version from a date,
    so a past light or flag is explained by the rules in force for its month."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="investment_rules")
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    yellow_gap = models.DecimalField(
        _("yellow when behind by more than (percentage points)"),
        max_digits=5,
        decimal_places=1,
        default=5,
    )
    red_gap = models.DecimalField(
        _("red when behind by more than (percentage points)"),
        max_digits=5,
        decimal_places=1,
        default=10,
    )
    curve = models.JSONField(
        _("plan curve (cumulative % by month)"),
        null=True,
        blank=True,
        help_text=_("Twelve rising percentages ending at 100; empty: even 序时 (month ÷ 12)."),
    )
    due_day = models.PositiveSmallIntegerField(
        _("a month is reported by this day of the next month"), default=5
    )
    overrun_ratio = models.DecimalField(
        _("flag cumulative investment above this multiple of the total"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.2"),
    )
    idle_months = models.PositiveSmallIntegerField(
        _("flag a project under construction with nothing invested for this many months"),
        default=3,
    )
    confirmation_above = _money(
        _("flag a year above this (万元) without a 形象进度确认单"), default=1000
    )
    month_share = models.DecimalField(
        _("flag a month above this share of the annual plan (%)"),
        max_digits=5,
        decimal_places=1,
        default=50,
    )
    start_targets = models.JSONField(
        _("开工率 targets"),
        default=dict,
        blank=True,
        help_text=_(
            'Month → share of 新开工 projects started by its end, e.g. {"3": 30, "6": 60}.'
        ),
    )
    score_weight = models.DecimalField(
        _("weight of investment in the 督查考核 score (%)"),
        max_digits=4,
        decimal_places=1,
        default=0,
        help_text=_(
            "The share of a unit's score given to its projects' investment against 序时 "
            "(the progress rules share the rest); 0 leaves investment out of the score."
        ),
    )
    list_size = models.PositiveSmallIntegerField(
        _("红黑榜: units on each list"),
        default=3,
        help_text=_(
            "Red: ahead of 序时 and among this many best of its 序列 (towns; departments); "
            "black: behind it and among this many worst."
        ),
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
        verbose_name = _("investment rules")
        verbose_name_plural = _("investment rules")
        ordering = ["city", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="investment_rules_version"),
            models.CheckConstraint(
                condition=Q(red_gap__gte=models.F("yellow_gap")) & Q(yellow_gap__gte=0),
                name="investment_rules_red_above_yellow",
                violation_error_message=_("The red threshold cannot be below the yellow one."),
            ),
            models.CheckConstraint(
                condition=Q(score_weight__gte=0) & Q(score_weight__lte=100),
                name="investment_rules_score_weight",
                violation_error_message=_("A weight is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(due_day__gte=1) & Q(due_day__lte=28),
                name="investment_rules_due_day",
                violation_error_message=_("The due day is between 1 and 28."),
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.valid_from})"


class AnnualPlan(models.Model):
    """A project's 年度投资计划 for one year, with its own monthly curve if it has one."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = _money(_("annual plan (万元)"))
    curve = models.JSONField(
        _("own plan curve (cumulative % by month)"),
        null=True,
        blank=True,
        help_text=_("Empty: the city's curve."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="investment_plan_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="investment_plan_not_negative",
                violation_error_message=_("A plan cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}: {self.amount}"


def _confirmation_path(report: "MonthlyReport", filename: str) -> str:
    return f"investment/{timezone.now():%Y/%m}/{report.project_id}-{filename}"


class MonthlyReport(models.Model):
    """One project's investment in one month (本月完成投资), as its unit reported it."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="investment_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = _money(_("investment this month (万元)"))
    construction = _money(_("建安工程 (万元)"), null=True, blank=True)
    equipment = _money(_("设备购置 (万元)"), null=True, blank=True)
    other = _money(_("其他费用 (万元)"), null=True, blank=True)
    fund_central = _money(_("中央资金 (万元)"), default=0)
    fund_provincial = _money(_("省级资金 (万元)"), default=0)
    fund_local = _money(_("地方财政 (万元)"), default=0)
    fund_bond = _money(_("专项债 (万元)"), default=0)
    fund_loan = _money(_("银行贷款 (万元)"), default=0)
    fund_self = _money(_("企业自筹 (万元)"), default=0)
    fund_other = _money(_("其他资金 (万元)"), default=0)
    progress_text = models.TextField(_("形象进度"), blank=True, max_length=2000)
    in_library = models.BooleanField(_("入库"), default=False)
    in_statistics = models.BooleanField(_("纳统"), default=False)
    confirmation = models.FileField(
        _("形象进度确认单"), upload_to=_confirmation_path, blank=True, max_length=200
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="investment_reports",
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
    rules_version = models.PositiveIntegerField(_("rules version"), null=True, blank=True)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("monthly investment report")
        verbose_name_plural = _("monthly investment reports")
        ordering = ["project", "year", "month", "created_at", "id"]
        indexes = [models.Index(fields=["project", "year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="investment_report_month",
                violation_error_message=_("A month is between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="investment_report_correction_has_reason",
                violation_error_message=_("A correction must give its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}: {self.amount}"

    @property
    def funds(self) -> list[tuple[str, object]]:
        """资金到位 by source: (label, 万元) in the table's order."""
        return [(label, getattr(self, name)) for name, label in FUND_SOURCES]


class MonthlyReview(models.Model):
    """The office's decision on a monthly report: 同意, or 退回 with its reason."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("同意")
        RETURNED = "returned", _("退回")

    report = models.OneToOneField(
        MonthlyReport,
        verbose_name=_("monthly investment report"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="investment_reviews",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now, editable=False)

    objects = CityScopedManager("report__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("review of a monthly investment report")
        verbose_name_plural = _("reviews of monthly investment reports")
        ordering = ["-reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(note=""),
                name="investment_review_return_has_reason",
                violation_error_message=_("Say why the report is returned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_decision_display()}"


class CheckFlag(models.Model):
    """A statistics check a monthly report raised (``core.investment.Check``): it stays
    on the report until the office clears it with a reason; a report with a flag not yet
    cleared cannot be approved."""

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly investment report"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    check_code = models.PositiveSmallIntegerField(_("check"))
    params = models.JSONField(_("figures"), default=dict)
    rules_version = models.PositiveIntegerField(_("rules version"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investment_flags_cleared",
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clear_note = models.TextField(_("why it stands"), blank=True, max_length=2000)

    objects = CityScopedManager("report__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("statistics check")
        verbose_name_plural = _("statistics checks")
        ordering = ["report", "check_code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "check_code"], name="investment_flag_once"),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | ~Q(clear_note=""),
                name="investment_flag_cleared_has_reason",
                violation_error_message=_("Say why the figure stands."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.check_code}"


class Exemption(models.Model):
    """A unit kept off the 红黑榜 for one month, with its reason and the leader who
    approved it (the approver is the one who records it: no exemption without one)."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="exemptions")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
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
    reason = models.TextField(_("reason"), max_length=2000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="investment_exemptions",
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now, editable=False)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("红黑榜 exemption")
        verbose_name_plural = _("红黑榜 exemptions")
        ordering = ["-year", "-month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "month", "town"],
                condition=Q(town__isnull=False),
                name="investment_exemption_town_once",
                violation_error_message=_("This unit is already exempted for that month."),
            ),
            models.UniqueConstraint(
                fields=["city", "year", "month", "department"],
                condition=Q(department__isnull=False),
                name="investment_exemption_department_once",
                violation_error_message=_("This unit is already exempted for that month."),
            ),
            models.CheckConstraint(
                condition=(Q(town__isnull=False) & Q(department__isnull=True))
                | (Q(town__isnull=True) & Q(department__isnull=False)),
                name="investment_exemption_one_unit",
                violation_error_message=_("An exemption is for one town or one department."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="investment_exemption_has_reason",
                violation_error_message=_("An exemption gives its reason."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="investment_exemption_month",
                violation_error_message=_("A month is between 1 and 12."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.town or self.department}"


def _month_photo_path(photo: "MonthPhoto", filename: str) -> str:
    return f"investment/{timezone.now():%Y/%m}/{photo.report_id}-{filename}"


class MonthPhoto(models.Model):
    """A site photo of a month's 形象进度, kept as progress photos are (``progress.photos``):
    the original byte for byte, a thumbnail, and the copy shown with its 水印."""

    report = models.ForeignKey(
        MonthlyReport,
        on_delete=models.PROTECT,
        related_name="photos",
        verbose_name=_("monthly investment report"),
    )
    image = models.FileField(_("photo"), upload_to=_month_photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_month_photo_path)
    display = models.FileField(_("displayed copy (水印)"), upload_to=_month_photo_path)
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    taken_at = models.DateTimeField(_("taken at (camera)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance from the site (metres)"), null=True, blank=True
    )
    far_from_site = models.BooleanField(_("taken far from the site"), default=False)

    objects = CityScopedManager("report__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("形象进度 photo")
        verbose_name_plural = _("形象进度 photos")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.image.name
