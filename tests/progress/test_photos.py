"""Site photos: checked by content, stored on disk with a thumbnail, served to signed-in users."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from guatu.progress.models import ProgressReport, ReportPhoto
from guatu.progress.services import report_submit

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(name="site.jpg", size=(1200, 900)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def submit(item, user, photos):
    return report_submit(
        work_item=item,
        reported_by=user,
        reported_on=TODAY,
        percent=Decimal(30),
        photos=photos,
        today=TODAY,
    )


def test_a_photo_is_stored_with_a_thumbnail(make_item, users, media):
    report = submit(make_item("a"), users["town"], [jpeg()])
    photo = report.photos.get()
    assert (photo.width, photo.height, photo.content_type) == (1200, 900, "image/jpeg")
    assert (media / photo.image.name).exists()
    with Image.open(media / photo.thumbnail.name) as thumb:
        assert max(thumb.size) == 320


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(make_item, users, media):
    fake = SimpleUploadedFile("现场.jpg", b"this is not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError) as raised:
        submit(make_item("a"), users["town"], [jpeg(), fake])
    assert "现场.jpg" in raised.value.message_dict["photos"][0]
    assert not ProgressReport.objects.exists() and not ReportPhoto.objects.exists()
    assert not any(media.rglob("*.jpg"))


def test_too_many_photos_are_refused(make_item, users):
    with pytest.raises(ValidationError):
        submit(make_item("a"), users["town"], [jpeg(f"{n}.jpg") for n in range(7)])


def test_photos_are_served_to_signed_in_users_only(make_item, users):
    report = submit(make_item("a"), users["town"], [jpeg()])
    photo = report.photos.get()
    assert Client().get(f"/photos/{photo.pk}/thumb").status_code == 302
    client = Client()
    client.force_login(users["leader"])
    response = client.get(f"/photos/{photo.pk}/thumb")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    # Reading the stream to its end lets the test client close the file.
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    page = client.get(f"/items/{report.work_item_id}/")
    assert f"/photos/{photo.pk}/thumb" in page.text


def camera_jpeg(taken: str, *, gps=None, offset: str | None = None, size=(2000, 1500)):
    """A JPEG with the EXIF a phone writes: when (and the offset) and where it was taken."""
    image = Image.new("RGB", size, (200, 200, 200))
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    if gps:
        (lat, lat_ref), (lon, lon_ref) = gps
        exif.get_ifd(0x8825).update({1: lat_ref, 2: lat, 3: lon_ref, 4: lon})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("camera.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_keeps_its_camera_time_and_place_and_is_shown_with_a_watermark(
    make_item, users, media
):
    upload = camera_jpeg(
        "2019:11:14 10:32:05",
        gps=(((28.0, 53.0, 28.32), "N"), ((120.0, 2.0, 44.16), "E")),
    )
    original = upload.read()
    upload.seek(0)
    photo = submit(make_item("a"), users["town"], [upload]).photos.get()
    # The camera's clock is read as the city's (Asia/Shanghai): 10:32 there is 02:32 UTC.
    assert photo.taken_at.isoformat() == "2019-11-14T02:32:05+00:00"
    assert (round(photo.latitude, 4), round(photo.longitude, 4)) == (28.8912, 120.0456)
    assert photo.place == "北纬 28.89120° 东经 120.04560°"
    assert not photo.taken_early
    # The original is kept as it came; the copy people see carries the 水印.
    assert (media / photo.image.name).read_bytes() == original
    with Image.open(media / photo.display.name) as shown:
        assert max(shown.size) == 1600
        foot = shown.crop((0, shown.height - 20, shown.width, shown.height)).convert("L")
        top = shown.crop((0, 0, shown.width, 20)).convert("L")
        assert (
            max(top.get_flattened_data()) - min(top.get_flattened_data()) < 5
        )  # the photo, untouched
        assert sum(foot.get_flattened_data()) / (shown.width * 20) < 120  # the dark band
        band = shown.crop((0, shown.height - 160, shown.width, shown.height)).convert("L")
        assert max(band.get_flattened_data()) > 240  # white writing on it
    client = Client()
    client.force_login(users["leader"])
    shown = client.get(f"/photos/{photo.pk}/full")
    assert b"".join(shown.streaming_content) == (media / photo.display.name).read_bytes()
    kept = client.get(f"/photos/{photo.pk}/original")
    assert b"".join(kept.streaming_content) == original
    page = client.get(f"/items/{photo.report.work_item_id}/").text
    assert "拍摄 2019-11-14 10:32" in page and "东经 120.04560°" in page and "原图" in page


def test_the_watermark_says_when_where_who_and_what(make_item, users):
    from guatu.progress.labels import photo_watermark_lines

    item = make_item("a")
    from datetime import datetime

    lines = photo_watermark_lines(
        taken=datetime(2019, 11, 14, 10, 32),
        latitude=28.8912,
        longitude=120.0456,
        uploader=users["town"],
        uploaded=datetime(2019, 11, 15, 17, 30),
        item=item,
    )
    assert lines[0] == "拍摄 2019-11-14 10:32（相机记录）　位置 北纬 28.89120° 东经 120.04560°"
    assert lines[1].startswith("上传 ") and lines[1].endswith("2019-11-15 17:30")
    assert lines[2] == f"{item.project.name} · {item.name}"


def test_a_photo_taken_long_before_the_report_is_flagged(make_item, users):
    photo = submit(
        make_item("a"), users["town"], [camera_jpeg("2019:08:01 09:00:00", offset="+08:00")]
    ).photos.get()
    assert photo.taken_early and photo.days_before_report == 106
    client = Client()
    client.force_login(users["leader"])
    page = client.get(f"/items/{photo.report.work_item_id}/").text
    assert "早于填报日期 106 天" in page


def test_a_photo_without_exif_says_its_time_is_unknown(make_item, users):
    photo = submit(make_item("a"), users["town"], [jpeg()]).photos.get()
    assert photo.taken_at is None and photo.latitude is None and not photo.taken_early
    client = Client()
    client.force_login(users["leader"])
    assert "拍摄时间不详" in client.get(f"/items/{photo.report.work_item_id}/").text


def test_nonsense_in_the_exif_is_treated_as_unsaid():
    from guatu.progress.photos import exif_facts

    upload = camera_jpeg(
        "2019:13:45 99:00:00", gps=(((95.0, 0.0, 0.0), "N"), ((0.0, 0.0, 0.0), "E"))
    )
    assert exif_facts(upload.read()) == (None, None, None)


def test_the_api_lists_a_reports_photos_with_their_facts_for_those_who_may_see_them(
    make_item, users, towns
):
    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create
    from guatu.accounts.tokens import token_create

    upload = camera_jpeg(
        "2019:08:01 09:00:00", gps=(((28.0, 53.0, 28.32), "N"), ((120.0, 2.0, 44.16), "E"))
    )
    photo = submit(make_item("a"), users["town"], [upload]).photos.get()
    neighbour = user_create(
        username="qiancang", password="pw-town-2", role=Role.TOWN, town=towns["前仓镇"]
    )

    def photos_seen_by(user):
        response = Client().get(
            f"/api/v1/items/{photo.report.work_item_id}/reports",
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}",
        )
        assert response.status_code == 200
        return response.json()[0]["photos"]

    assert photos_seen_by(users["leader"]) == [
        {
            "id": photo.pk,
            "url": f"/photos/{photo.pk}/full",
            "original_url": f"/photos/{photo.pk}/original",
            "taken_at": "2019-08-01T09:00:00+08:00",
            "latitude": photo.latitude,
            "longitude": photo.longitude,
            "taken_early": True,
            "distance_m": None,  # the item has no place on the map
            "far_from_site": False,
        }
    ]
    assert photos_seen_by(neighbour) == []


def test_a_write_failing_part_way_leaves_no_photo_file_behind(make_item, users, media, monkeypatch):
    """The second photo's 水印 copy fails (a full disk, say): the first photo's three
    files and the second's original are already written — all are removed, no row stays."""
    from guatu.progress import photos

    real = photos.display_copy
    calls = []

    def failing(data, lines):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return real(data, lines)

    monkeypatch.setattr(photos, "display_copy", failing)
    with pytest.raises(OSError):
        submit(make_item("a"), users["town"], [jpeg("1.jpg"), jpeg("2.jpg")])
    assert not ProgressReport.objects.exists() and not ReportPhoto.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]
