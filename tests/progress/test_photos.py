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
