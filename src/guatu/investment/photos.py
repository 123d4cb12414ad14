"""形象进度 photos of a month: checked, kept and shown as progress photos are.

The checks (what the file is, its size, how many) and the 水印 are the progress app's
(``progress.photos``): one rule for every site photo in guatu. Only the subject line of
the 水印 differs: the project and its month instead of a work item.
"""

from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from guatu.investment.models import MonthlyReport, MonthPhoto
from guatu.org.clock import city_zone
from guatu.progress.labels import photo_watermark_lines
from guatu.progress.photos import CheckedPhoto, check_photos, display_copy, site_distance

__all__ = ["check_photos", "month_photos_delete", "month_photos_save"]


def month_photos_save(report: MonthlyReport, photos: Sequence[CheckedPhoto], written: list):
    """Store *photos* for *report* inside the caller's transaction; each record goes into
    *written* before its first file, so a failure lets the caller remove them all."""
    zone = city_zone(report.project.city)
    uploaded = timezone.localtime(timezone.now(), zone)
    subject = _("%(project)s · investment of %(year)s-%(month)02d") % {
        "project": report.project.name,
        "year": report.year,
        "month": report.month,
    }
    for photo in photos:
        taken = photo.taken
        if taken is not None and taken.tzinfo is None:
            taken = taken.replace(tzinfo=zone)  # the camera's clock, read as the city's
        record = MonthPhoto(
            report=report,
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
            taken_at=taken,
            latitude=photo.latitude,
            longitude=photo.longitude,
        )
        record.distance_m, record.far_from_site = site_distance(
            report.project.geometry,
            report.project.city.photo_distance_m,
            photo.longitude,
            photo.latitude,
        )
        lines = photo_watermark_lines(
            taken=timezone.localtime(taken, zone) if taken is not None else None,
            latitude=photo.latitude,
            longitude=photo.longitude,
            uploader=report.reported_by,
            uploaded=uploaded,
            subject=subject,
        )
        written.append(record)
        stem = photo.name.rsplit(".", 1)[0]
        record.image.save(photo.name, ContentFile(photo.data), save=False)
        record.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
        record.display.save(
            f"{stem}-shown.jpg", ContentFile(display_copy(photo.data, lines)), save=False
        )
        record.save(force_insert=True)


def month_photos_delete(records: Sequence[MonthPhoto]) -> None:
    """Remove the files of photo records whose write did not commit."""
    for record in records:
        for field in (record.image, record.thumbnail, record.display):
            field.delete(save=False)
