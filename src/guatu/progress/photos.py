"""Site photos: checked by what they are, not by their names; thumbnails made once.

A file is accepted only if Pillow reads it as a JPEG, PNG or WebP image of
sensible size; a report takes at most a few of them. Orientation from the
camera (EXIF) is applied to the thumbnail so it shows upright.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_PIXELS = 40_000_000
THUMBNAIL = (320, 320)
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    data: bytes
    content_type: str
    width: int
    height: int
    thumbnail: bytes


def check_photos(files: Sequence) -> tuple[list[CheckedPhoto], list[str]]:
    """Return the photos that pass and a message for each one that does not."""
    checked: list[CheckedPhoto] = []
    problems: list[str] = []
    if len(files) > MAX_PHOTOS:
        problems.append(_("At most %(count)d photos per report.") % {"count": MAX_PHOTOS})
        return checked, problems
    for upload in files:
        name = getattr(upload, "name", "photo")
        if upload.size > MAX_BYTES:
            problems.append(_("“%(name)s” is larger than 10 MB.") % {"name": name})
            continue
        data = upload.read()
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                upright = ImageOps.exif_transpose(image)
                thumb = upright.convert("RGB")
                thumb.thumbnail(THUMBNAIL)
                out = io.BytesIO()
                thumb.save(out, "JPEG", quality=82)
                width, height = upright.size
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            kind = None
        if kind not in FORMATS:
            problems.append(_("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name})
            continue
        checked.append(
            CheckedPhoto(
                name=name.rsplit("/", 1)[-1][:80],
                data=data,
                content_type=FORMATS[kind],
                width=width,
                height=height,
                thumbnail=out.getvalue(),
            )
        )
    return checked, problems


def save_photos(report, photos: Sequence[CheckedPhoto]) -> list:
    """Store *photos* for *report* (inside the caller's transaction)."""
    from guatu.progress.models import ReportPhoto

    saved = []
    for photo in photos:
        record = ReportPhoto(
            report=report,
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
        )
        record.image.save(photo.name, ContentFile(photo.data), save=False)
        stem = photo.name.rsplit(".", 1)[0]
        record.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
        record.save(force_insert=True)
        saved.append(record)
    return saved
