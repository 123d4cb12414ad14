"""小微企业园: parks, their units, applicants, versioned admission criteria and decisions.

Criteria and grading schemes are versioned and never edited: a change is a
new version valid from a date. An evaluation stores the version it used and,
per criterion, the value, the threshold and the outcome, so a past decision
stays explained by the rules of its day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager

MONEY = {"max_digits": 14, "decimal_places": 2}


class Park(models.Model):
    """A 小微企业园 run by a town, with its land, floor space and leading industries."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="parks")
    town = models.ForeignKey(
        "org.Town", verbose_name=_("town"), on_delete=models.PROTECT, related_name="parks"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("construction project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parks",
    )
    code = models.SlugField(_("code"), max_length=40)  # unique in its city
    name = models.CharField(_("name"), max_length=100)
    land_area_mu = models.DecimalField(_("land area (亩)"), max_digits=10, decimal_places=2)
    floor_area_m2 = models.DecimalField(_("floor area (㎡)"), max_digits=12, decimal_places=2)
    leading_industries = models.CharField(
        _("leading industries (GB/T 4754 codes)"),
        max_length=200,
        blank=True,
        help_text=_("Industry code prefixes separated by 、, e.g. C33、C34."),
    )
    leading_industries_note = models.CharField(
        _("leading industries"), max_length=200, blank=True, help_text=_("e.g. 五金机械")
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["town__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="parks_park_code_once_per_city"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def leading_prefixes(self) -> tuple[str, ...]:
        return split_codes(self.leading_industries)


def split_codes(text: str) -> tuple[str, ...]:
    return tuple(
        part.strip().upper()
        for part in text.replace("，", "、").replace(",", "、").split("、")
        if part.strip()
    )


class Enterprise(models.Model):
    """An enterprise, identified by its 统一社会信用代码, as one city's register knows it:
    what it applied for, and the name it gave, are that city's (another city's
    register of the same code is its own)."""

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="enterprises")
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("name"), max_length=100)
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=5)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "credit_code"], name="parks_enterprise_code_once_per_city"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ParkUnit(models.Model):
    """A 厂房单元 of a park: vacant, reserved for, let to or sold to an enterprise."""

    class Status(models.TextChoices):
        VACANT = "vacant", _("vacant")
        RESERVED = "reserved", _("reserved")
        LET = "let", _("let")
        SOLD = "sold", _("sold")

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("unit"), max_length=20)
    floor_area_m2 = models.DecimalField(_("floor area (㎡)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VACANT
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )

    objects = CityScopedManager("park__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("park unit")
        verbose_name_plural = _("park units")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="parks_unit_unique_code"),
            models.CheckConstraint(
                condition=(Q(status="vacant") & Q(enterprise__isnull=True))
                | (~Q(status="vacant") & Q(enterprise__isnull=False)),
                name="parks_unit_vacant_has_no_enterprise",
                violation_error_message=_("A vacant unit has no enterprise; any other has one."),
            ),
            models.CheckConstraint(
                condition=Q(floor_area_m2__gt=0),
                name="parks_unit_area_positive",
                violation_error_message=_("A unit's floor area must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.code}"


class Versioned(models.Model):
    """Rules that change by new versions valid from a date, never by editing."""

    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class CriteriaSet(Versioned):
    """One version of a park's admission criteria (准入条件); never edited."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="criteria")
    min_tax_per_mu = models.DecimalField(
        _("minimum tax per mu (万元/亩)"), null=True, blank=True, **MONEY
    )
    min_tax_per_m2 = models.DecimalField(
        _("minimum tax per m² of floor area (元/㎡)"), null=True, blank=True, **MONEY
    )
    min_investment_per_m2 = models.DecimalField(
        _("minimum investment per m² of floor area (元/㎡)"), null=True, blank=True, **MONEY
    )
    max_energy_per_value_added = models.DecimalField(
        _("maximum energy per value added (吨标准煤/万元)"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
    )
    whitelist = models.CharField(
        _("industries admitted (GB/T 4754 prefixes)"),
        max_length=300,
        blank=True,
        help_text=_("Empty: any industry not on the negative list."),
    )
    negative_list = models.CharField(
        _("industries refused (negative list)"), max_length=300, blank=True
    )
    require_leading_industry = models.BooleanField(
        _("must match the park's leading industries"), default=False
    )
    environment_veto = models.BooleanField(_("environmental record is a veto"), default=True)
    safety_veto = models.BooleanField(_("safety record is a veto"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CityScopedManager("park__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("admission criteria")
        verbose_name_plural = _("admission criteria")
        ordering = ["park", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["park", "version"], name="parks_criteria_version"),
        ]

    def __str__(self) -> str:
        return f"{self.park} v{self.version}"


class GradingScheme(Versioned):
    """One version of the city's 亩均效益 grading: weights, benchmarks and cut-offs."""

    class Mode(models.TextChoices):
        SCORE = "score", _("by score cut-offs")
        SHARE = "share", _("by shares of the ranking")

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="gradings")
    weights = models.JSONField(_("weights"))
    benchmarks = models.JSONField(_("county benchmarks"))
    cap = models.DecimalField(_("cap (× benchmark)"), max_digits=4, decimal_places=2, default=1.5)
    mode = models.CharField(_("grading"), max_length=6, choices=Mode.choices, default=Mode.SCORE)
    cutoffs = models.JSONField(_("score cut-offs for A, B, C"), default=list)
    shares = models.JSONField(_("shares of A, B, C"), default=list)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")
        ordering = ["city", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="parks_grading_version"),
        ]

    def __str__(self) -> str:
        return f"{self.city} v{self.version}"


class Application(models.Model):
    """An enterprise's application to a park, with the figures it declared."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ADMITTED = "admitted", _("admitted (waiting for a unit)")
        REJECTED = "rejected", _("rejected")
        ALLOCATED = "allocated", _("unit allocated")

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="applications")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="applications"
    )
    year = models.PositiveSmallIntegerField(_("figures of the year"))
    tax = models.DecimalField(_("tax paid (万元)"), **MONEY)
    output = models.DecimalField(_("output (万元)"), **MONEY)
    value_added = models.DecimalField(_("value added (万元)"), **MONEY)
    energy = models.DecimalField(_("energy used (吨标准煤)"), max_digits=12, decimal_places=2)
    employees = models.PositiveIntegerField(_("employees"))
    rd = models.DecimalField(_("R&D spending (万元)"), **MONEY)
    land_mu = models.DecimalField(_("land used now (亩)"), max_digits=10, decimal_places=2)
    floor_area = models.DecimalField(_("floor area requested (㎡)"), **MONEY)
    investment = models.DecimalField(_("planned investment (万元)"), **MONEY)
    environment_ok = models.BooleanField(_("clean environmental record"), default=True)
    safety_ok = models.BooleanField(_("clean safety record"), default=True)
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )

    objects = CityScopedManager("park__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["park", "-submitted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "enterprise", "year"], name="parks_application_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(tax__gte=0)
                & Q(output__gte=0)
                & Q(value_added__gte=0)
                & Q(energy__gte=0)
                & Q(rd__gte=0)
                & Q(land_mu__gte=0)
                & Q(floor_area__gt=0)
                & Q(investment__gte=0),
                name="parks_application_figures_not_negative",
                violation_error_message=_("Figures cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.park}"


class Evaluation(models.Model):
    """A decision on an application under one criteria version, with every criterion's result."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evaluations"
    )
    criteria = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    grading = models.ForeignKey(
        GradingScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_on = models.DateField(_("evaluated on"))
    admitted = models.BooleanField(_("admitted"))
    #: [{"key", "label", "value", "threshold", "passed"}, …] in the criteria's order.
    results = models.JSONField(_("results per criterion"))
    score = models.DecimalField(_("亩均 score"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CityScopedManager("application__park__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} ({self.grade})"

    @property
    def failed(self) -> list[dict]:
        return [result for result in self.results if not result["passed"]]
