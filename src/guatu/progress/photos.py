"""Site photos: checked by what they are, not by their names; thumbnails made once.

A file is accepted only if Pillow reads it as a JPEG, PNG or WebP image of
sensible size; a report takes at most a few of them. Orientation from the
camera (EXIF) is applied to the thumbnail so it shows upright.

A photo is evidence, so the original is kept byte for byte (with its EXIF:
when and where the camera says it was taken), and what people are shown is
a copy with a 水印 burnt in — time, place when known, uploader and item —
so a screenshot of it still says where it came from. A photo the camera
dates long before the report is flagged for the office to look at.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from guatu.core.geo.measure import distance_m
from guatu.org.clock import city_zone
from guatu.progress.labels import photo_watermark_lines
from guatu.progress.models import ReportPhoto

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
#: EXIF: the sub-IFDs, when the picture was taken (and its UTC offset), where.
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x0132, 0x9003, 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
#: A photo the camera dates this long before the report's date is flagged.
STALE_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    data: bytes
    content_type: str
    width: int
    height: int
    thumbnail: bytes
    taken: datetime | None = None  # naive when the camera gave no offset
    latitude: float | None = None
    longitude: float | None = None


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
            taken, latitude, longitude = exif_facts(data)
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
                taken=taken,
                latitude=latitude,
                longitude=longitude,
            )
        )
    return checked, problems


def exif_facts(data: bytes) -> tuple[datetime | None, float | None, float | None]:
    """When and where the camera says the photo was taken; None for what it doesn't say.

    A value that can't be read (a malformed date, a latitude past 90°) is
    treated as not said, never guessed.
    """
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        sub = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    taken = _exif_time(
        sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME), sub.get(OFFSET_TIME_ORIGINAL)
    )
    latitude = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), 90)
    longitude = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), 180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        latitude = longitude = None
    return taken, latitude, longitude


def without_location(data: bytes) -> bytes:
    """*data* with the camera's GPS position taken out, the picture untouched.

    For people who may see the picture but not where it was taken (an evidence
    photo of someone's home): the GPS block of the EXIF is dropped and the image
    written again in its own format (a JPEG at its own quality).
    """
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if GPS_IFD not in exif:
            return data
        del exif[GPS_IFD]
        out = io.BytesIO()
        extra = {"quality": "keep"} if image.format == "JPEG" else {}
        image.save(out, format=image.format, exif=exif, **extra)
    return out.getvalue()


def _exif_time(value, offset) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        taken = datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str):
        try:
            return datetime.strptime(
                f"{taken:%Y-%m-%d %H:%M:%S}{offset.strip()}", "%Y-%m-%d %H:%M:%S%z"
            )
        except ValueError:
            pass
    return taken


def _degrees(value, ref, limit: float) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if not 0 <= degrees <= limit or degrees != degrees:  # NaN from a 0/0 rational
        return None
    return -degrees if str(ref).strip("\x00 ").upper() in ("S", "W") else degrees


def _upright(
    data: bytes, box: tuple[int, int], *, draft: tuple[int, int] | None = None
) -> tuple[Image.Image, int, int]:
    """The photo decoded no larger than *box* and turned upright, and its full upright size.

    JPEGs are decoded at a reduced scale (``draft``, *box* unless given); the
    reduction is made in place and turned upright afterwards, so no full-size
    copy is ever made.
    """
    with Image.open(io.BytesIO(data)) as image:
        orientation = image.getexif().get(ORIENTATION, 1)
        width, height = image.size
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        image.draft("RGB", draft or box)
        image.thumbnail(box)
        reduced = image.convert("RGB")
    turn = TRANSPOSE.get(orientation)
    if turn is not None:
        reduced = reduced.transpose(turn)
    return reduced, width, height


def _thumbnail(data: bytes) -> tuple[io.BytesIO, int, int]:
    """The upright thumbnail as JPEG, and the photo's upright size."""
    thumb, width, height = _upright(data, THUMBNAIL, draft=(THUMBNAIL[0] * 2, THUMBNAIL[1] * 2))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=82)
    return out, width, height


def display_copy(data: bytes, lines: Sequence[str]) -> bytes:
    """The copy people are shown: upright, screen-sized, with *lines* as its 水印."""
    from guatu.progress.watermark import DISPLAY_SIDE, watermarked  # fonts on first photo

    upright, _width, _height = _upright(data, (DISPLAY_SIDE, DISPLAY_SIDE))
    return watermarked(upright, lines)


def save_photos(report, photos: Sequence[CheckedPhoto], written: list) -> None:
    """Store *photos* for *report* (inside the caller's transaction).

    Each keeps its original file, gets a thumbnail and a displayed copy with
    the 水印, and is flagged when the camera dates it long before the report.
    Each record goes into *written* before its first file does, so that a
    failure part-way (a full disk, the commit) lets the caller remove every
    file already written (``photo_files_delete``).
    """
    from django.utils import timezone

    zone = city_zone(report.work_item.project.city)
    uploaded = timezone.localtime(timezone.now(), zone)
    report.stored_photos = []  # read by whoever hears ``ReportsStored`` (the far-photo notice)
    for photo in photos:
        taken = photo.taken
        if taken is not None and taken.tzinfo is None:
            taken = taken.replace(tzinfo=zone)  # the camera's clock, read as the city's
        local = timezone.localtime(taken, zone) if taken is not None else None
        record = ReportPhoto(
            report=report,
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
            taken_at=taken,
            latitude=photo.latitude,
            longitude=photo.longitude,
            taken_early=local is not None and local.date() < report.reported_on - STALE_AFTER,
        )
        item = report.work_item
        record.distance_m, record.far_from_site = site_distance(
            item.geometry or item.project.geometry,
            item.project.city.photo_distance_m,
            photo.longitude,
            photo.latitude,
        )
        lines = photo_watermark_lines(
            taken=local,
            latitude=photo.latitude,
            longitude=photo.longitude,
            uploader=report.reported_by,
            uploaded=uploaded,
            item=report.work_item,
        )
        written.append(record)
        stem = photo.name.rsplit(".", 1)[0]
        record.image.save(photo.name, ContentFile(photo.data), save=False)
        record.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
        record.display.save(
            f"{stem}-shown.jpg", ContentFile(display_copy(photo.data, lines)), save=False
        )
        record.save(force_insert=True)
        report.stored_photos.append(record)


def site_distance(
    site: dict | None, limit_m: int, longitude: float | None, latitude: float | None
) -> tuple[int | None, bool]:
    """Metres from where the camera was to the *site*'s place (an item's, else its
    project's), and whether that is farther than *limit_m* (``City.photo_distance_m``);
    (None, False) when the photo has no position or the site no place: nothing is claimed.
    Every site photo of guatu is judged by it (progress reports, 形象进度)."""
    if site is None or longitude is None or latitude is None:
        return None, False
    metres = round(distance_m(longitude, latitude, site))
    return metres, metres > limit_m


def photo_files_delete(records: Sequence) -> None:
    """Remove the files of photo records whose write did not commit (empty fields are skipped)."""
    for record in records:
        for field in (record.image, record.thumbnail, record.display):
            field.delete(save=False)
