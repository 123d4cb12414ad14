"""公开: the projects a city discloses, the approvals it records, the snapshots it publishes.

The office chooses the projects (``Disclosure``, one row a project, kept here and not on
``projects.Project``), records each project's approvals (``Approval``: guatu records none
elsewhere) and, per month, the 形象进度 photo to show (``PhotoChoice``). Publishing a
month freezes what the public sees into a ``Snapshot``: its content as JSON, written once
(the database refuses every UPDATE and DELETE of it, migration 0002), with its photos as
files of its own (``SnapshotPhoto``). A month published again is a new version; the
public sees the latest. ``PublishedItem`` keeps the day each piece of information was
first published, for the pages and for the office's 20-working-day clock.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager


class Disclosure(models.Model):
    """Whether a project is on the city's public page, and since which day."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="disclosure",
    )
    disclosed = models.BooleanField(_("disclosed to the public"), default=True)
    since = models.DateField(
        _("disclosed since"),
        help_text=_("The city's day the project was (last) chosen for the public page."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("public disclosure of a project")
        verbose_name_plural = _("public disclosures of projects")
        ordering = ["project"]

    def __str__(self) -> str:
        return str(self.project)


class Approval(models.Model):
    """One 批准结果信息 of a project: the matter approved, by whom, its 文号 and date."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="public_approvals",
    )
    matter = models.CharField(_("事项名称"), max_length=100)
    authority = models.CharField(_("批准机关"), max_length=60)
    number = models.CharField(_("批准文号"), max_length=60)
    approved_on = models.DateField(_("批准日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("approval (批准结果信息)")
        verbose_name_plural = _("approvals (批准结果信息)")
        ordering = ["project", "approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.matter} {self.number}"


class PhotoChoice(models.Model):
    """The 形象进度 photo the office chose to show for a project's month."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="public_photos",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    photo = models.ForeignKey(
        "investment.MonthPhoto",
        verbose_name=_("形象进度 photo"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen at"), default=timezone.now)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("public photo of a month")
        verbose_name_plural = _("public photos of a month")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month"], name="public_photo_once_a_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="public_photo_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}"


class Snapshot(models.Model):
    """A month as the public sees it, frozen when the office published it (append-only)."""

    city = models.ForeignKey(
        "org.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="snapshots"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    version = models.PositiveIntegerField(_("version"))
    as_of = models.DateField(_("as of"))
    content = models.JSONField(_("content"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("public snapshot")
        verbose_name_plural = _("public snapshots")
        ordering = ["city", "-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "month", "version"], name="public_snapshot_version_once"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="public_snapshot_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}-{self.month:02d} v{self.version}"


def _photo_path(photo: "SnapshotPhoto", filename: str) -> str:
    return f"public/{timezone.now():%Y/%m}/{photo.snapshot_id}-{filename}"


class SnapshotPhoto(models.Model):
    """A snapshot's own copy of a chosen photo: the one file the public may fetch."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("public snapshot"), on_delete=models.PROTECT, related_name="photos"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)

    objects = CityScopedManager("snapshot__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("photo of a public snapshot")
        verbose_name_plural = _("photos of public snapshots")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "number"], name="public_photo_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} #{self.number}"


class PublishedItem(models.Model):
    """A piece of information (信息条目) and the day it was first published."""

    city = models.ForeignKey(
        "org.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("information item"), max_length=80)
    arose = models.DateField(_("arose on"))
    published_on = models.DateField(_("published on"))
    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("public snapshot"), on_delete=models.PROTECT, related_name="+"
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("published information item")
        verbose_name_plural = _("published information items")
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="public_item_published_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.published_on}"
