"""City, towns (镇街区), villages (行政村) and departments (部门)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


def validate_time_zone(name: str) -> None:
    """Refuse a name the time-zone database does not know."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("Unknown time zone “%(name)s”.") % {"name": name}) from error


class City(models.Model):
    """A supervising government and its division (GB/T 2260): a county-level city (县级市,
    县, 区) with its towns, or a prefecture (地级市) or province (省) above cities, whose
    office reads the cities below it (``parent``) and writes nothing of theirs."""

    class Level(models.TextChoices):
        COUNTY = "county", _("county-level city, county or district (县级)")
        PREFECTURE = "prefecture", _("prefecture-level city (地级市)")
        PROVINCE = "province", _("province (省)")

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(
        _("administrative division code"),
        max_length=12,
        unique=True,
        help_text=_("GB/T 2260"),
        # Digits only, as GB/T 2260 writes it (and as the public page's address takes it).
        validators=[
            RegexValidator(r"^[0-9]{2,12}$", _("A division code is 2 to 12 digits (GB/T 2260)."))
        ],
    )
    office_name = models.CharField(
        _("supervision office (发文机关)"),
        max_length=60,
        blank=True,
        help_text=_("Printed at the head of bulletins, e.g. 永康市重点项目建设管理办公室."),
    )
    document_prefix = models.CharField(
        _("document number prefix (发文字号)"),
        max_length=20,
        blank=True,
        help_text=_("e.g. 永重点办, giving 永重点办〔2019〕46号."),
    )
    status_date = models.DateField(
        _("status date (数据日期)"),
        null=True,
        blank=True,
        help_text=_(
            "Progress and lights are judged as of this date; empty means today. "
            "The demo sets it to the day of its story."
        ),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level, default=Level.COUNTY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("division above"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        default="Asia/Shanghai",
        validators=[validate_time_zone],
        help_text=_("“Today” and every time shown follow it (IANA name, e.g. Asia/Shanghai)."),
    )
    longitude = models.FloatField(
        _("seat longitude"),
        null=True,
        blank=True,
        help_text=_(
            "Where the city's government sits (WGS84/CGCS2000 degrees): a map file's "
            "coordinates must lie near it."
        ),
    )
    latitude = models.FloatField(_("seat latitude"), null=True, blank=True)
    photo_distance_m = models.PositiveIntegerField(
        _("site photo distance (metres)"),
        default=500,
        help_text=_(
            "A site photo whose camera position lies farther than this from its item's or "
            "project's place on the map is flagged to the office."
        ),
    )
    bulletin_numbers = models.JSONField(
        _("bulletin numbers issued elsewhere"),
        default=dict,
        blank=True,
        help_text=_(
            "The last bulletin number of each year issued before this database kept the "
            'city\'s bulletins (a city moved in by its ledger), e.g. {"2026": 12}: the '
            "numbering continues after it."
        ),
    )

    objects = CityScopedManager("pk")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    @property
    def issuer(self) -> str:
        """The unit the city's documents are issued by, as their properties name it: the
        supervision office (发文机关), or the city itself when no office is named."""
        return self.office_name or self.name

    def clean(self) -> None:
        """A county-level city is the lowest level of cities (towns are below it): nothing
        may be filed under it, so "the level above" means one thing everywhere."""
        super().clean()
        if self.parent_id is not None and self.parent.level == City.Level.COUNTY:
            raise ValidationError(
                {"parent": _("A county-level city has no cities below it: choose a prefecture.")}
            )
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A division cannot be above itself.")})


class Town(models.Model):
    """A 镇街区: a town (镇), township (乡), ethnic township (民族乡), subdistrict (街道)
    or development zone (开发区, 区) — the township-level divisions of GB/T 2260."""

    class Kind(models.TextChoices):
        TOWN = "town", _("town (镇)")
        TOWNSHIP = "township", _("township (乡)")
        ETHNIC = "ethnic", _("ethnic township (民族乡)")
        SUBDISTRICT = "subdistrict", _("subdistrict (街道)")
        ZONE = "zone", _("zone (区)")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="towns")
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TOWN)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    geometry = models.JSONField(
        _("boundary (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("The town's outline, longitude-latitude (WGS84/CGCS2000)."),
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="org_town_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A 行政村 (administrative village or 社区) inside one town."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=50)

    objects = CityScopedManager("town__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["town__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="org_village_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}"


class Department(models.Model):
    """A city department (自然资源局, 住建局 …) that owns work items and blockers."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=80)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="org_department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class CalendarException(models.Model):
    """A change to the working calendar: city-wide, or for one project when ``project`` is set.

    A city's local day off or extra working day applies to all its projects; an
    imported Microsoft Project plan brings its own exceptions for itself only.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="calendar_exceptions")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_exceptions",
    )
    date = models.DateField(_("date"))
    working = models.BooleanField(_("worked"), help_text=_("Checked: worked; unchecked: off."))
    note = models.CharField(_("note"), max_length=100, blank=True)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "date"],
                condition=models.Q(project__isnull=True),
                name="org_calendarexception_once",
            ),
            models.UniqueConstraint(
                fields=["project", "date"],
                condition=models.Q(project__isnull=False),
                name="org_calendarexception_once_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"
