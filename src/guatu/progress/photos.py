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
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_PIXELS = 40_000_000
THUMBNAIL = (320, 320)
#: The EXIF tag of the camera's orientation, and how to turn each value upright.
ORIENTATION = 0x0112
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
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
                pixels = probe.width * probe.height
                probe.verify()
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            kind = None
        if kind not in FORMATS:
            problems.append(_("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name})
            continue
        if pixels > MAX_PIXELS:
            # Checked on the header, before decoding: a 39-megapixel PNG alone takes
            # 150 MB to decode; six of them at once would take a gigabyte.
            problems.append(
                _("“%(name)s” has %(size)d megapixels; at most %(limit)d.")
                % {"name": name, "size": pixels // 1_000_000, "limit": MAX_PIXELS // 1_000_000}
            )
            continue
        try:
            out, width, height = _thumbnail(data)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
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


def _thumbnail(data: bytes) -> tuple[io.BytesIO, int, int]:
    """The upright thumbnail as JPEG, and the photo's upright size, decoding as little as may be.

    JPEGs are decoded at a reduced scale (``draft``); the thumbnail is made in
    place and turned upright afterwards, so no full-size copy is ever made.
    """
    with Image.open(io.BytesIO(data)) as image:
        orientation = image.getexif().get(ORIENTATION, 1)
        width, height = image.size
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        image.draft("RGB", (THUMBNAIL[0] * 2, THUMBNAIL[1] * 2))
        image.thumbnail(THUMBNAIL)
        thumb = image.convert("RGB")
    turn = TRANSPOSE.get(orientation)
    if turn is not None:
        thumb = thumb.transpose(turn)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=82)
    return out, width, height


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
