"""形象进度: photos with the 水印 and the 确认单, checked as every upload is."""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from guatu.demo.investment import confirmation_pdf
from guatu.investment.models import MonthlyReport, MonthPhoto
from guatu.investment.services import monthly_submit
from tests.investment.conftest import TODAY, figures


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(name="site.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def submit(user, project, **kwargs):
    return monthly_submit(
        actor=user, project=project, year=2019, month=10, figures=figures(100), today=TODAY,
        **kwargs,
    )  # fmt: skip


def test_a_photo_is_kept_with_its_watermarked_copy(invested, users):
    report = submit(users["town"], invested, photos=[jpeg()])
    (photo,) = report.photos.all()
    assert photo.image and photo.thumbnail and photo.display
    with photo.display.open("rb") as stream:
        shown_bytes = stream.read()
    with Image.open(io.BytesIO(shown_bytes)) as shown:
        # The 水印 band at the foot: dark text where the plain photo is one colour.
        band = shown.convert("L").crop((0, shown.height - 40, shown.width, shown.height))
        assert band.getextrema()[0] < 100
    # Those who report the project and the office see it; another town does not.
    for who, code in (("town", 200), ("supervisor", 200), ("leader", 200)):
        client = Client()
        client.force_login(users[who])
        response = client.get(f"/investment/photos/{photo.pk}/full")
        assert response.status_code == code, who
        assert response.content == shown_bytes


def test_another_unit_may_not_see_it(invested, users, towns):
    from guatu.accounts.models import Role
    from guatu.accounts.services import user_create

    report = submit(users["town"], invested, photos=[jpeg()])
    other = user_create(username="qc", password="pw-qc-1", role=Role.TOWN, town=towns["前仓镇"])
    client = Client()
    client.force_login(other)
    assert client.get(f"/investment/photos/{report.photos.get().pk}/full").status_code == 403


def test_not_a_photo_and_not_a_scan_are_refused_with_nothing_written(invested, users, media):
    text = SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        submit(users["town"], invested, photos=[text])
    assert "photos" in refused.value.message_dict
    exe = SimpleUploadedFile("确认单.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        submit(users["town"], invested, confirmation=exe)
    assert "confirmation" in refused.value.message_dict
    assert not MonthlyReport.objects.exists() and not any(media.rglob("*.*"))


def test_a_failed_write_leaves_no_file(invested, users, media):
    scan = SimpleUploadedFile("确认单.pdf", confirmation_pdf(), content_type="application/pdf")
    with (
        mock.patch("guatu.investment.services._raise_checks", side_effect=RuntimeError("disk")),
        pytest.raises(RuntimeError),
    ):
        submit(users["town"], invested, photos=[jpeg()], confirmation=scan)
    assert not MonthPhoto.objects.exists() and not MonthlyReport.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_photo_far_from_the_projects_place_is_flagged_to_the_office(invested, users):
    from guatu.notify.models import Notice
    from guatu.projects.geometry import place_set
    from tests.office import office
    from tests.progress.test_photos import camera_jpeg

    # The camera at 120.0456 E, 28.8912 N; the project 2 km east of it.
    place_set(
        actor=office(),
        target=invested,
        geometry={"type": "Point", "coordinates": [120.0661, 28.8912]},
    )
    gps = (((28.0, 53.0, 28.32), "N"), ((120.0, 2.0, 44.16), "E"))
    report = submit(users["town"], invested, photos=[camera_jpeg("2019:10:30 10:00:00", gps=gps)])
    (photo,) = report.photos.all()
    assert photo.far_from_site and photo.distance_m == pytest.approx(1997, abs=2)
    notice = Notice.objects.get(recipient=users["supervisor"], event=f"investment:{report.pk}")
    assert f"形象进度照片拍摄位置距项目 {photo.distance_m} 米" in notice.body
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get(f"/projects/{invested.pk}/investment/", {"year": 2019}).text
    assert f"拍摄位置距项目 {photo.distance_m} 米" in page
