"""拍摄位置距项目 N 米: a site photo taken far from its item's (or project's) place is flagged on
the report, in the API and to the office; without a position or a place nothing is claimed."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from guatu.notify.models import Notice
from guatu.progress.services import report_submit
from guatu.projects.geometry import place_set
from tests.office import office
from tests.progress.test_photos import camera_jpeg, jpeg

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)
#: 28°53'28.32" N, 120°2'44.16" E: 28.8912, 120.0456.
AT = (((28.0, 53.0, 28.32), "N"), ((120.0, 2.0, 44.16), "E"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def submit(item, user, photos, day=TODAY, percent=30):
    return report_submit(
        work_item=item,
        reported_by=user,
        reported_on=day,
        percent=Decimal(percent),
        photos=photos,
        today=TODAY,
    )


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def test_a_photo_at_the_site_is_not_flagged_and_one_far_away_is(project, make_item, users):
    item = make_item("a")
    # 0.001° of longitude at 28.89° N is 97.4 m: the site 3 thousandths east, 292 m away.
    place_set(actor=office(), target=item, geometry=point(120.0486, 28.8912))
    near = submit(
        item, users["town"], [camera_jpeg("2019:11:14 10:00:00", gps=AT)], date(2019, 11, 14), 20
    )
    photo = near.photos.get()
    assert (photo.distance_m, photo.far_from_site) == (292, False)
    assert not Notice.objects.filter(event__startswith="photo-far:").exists()
    # The item's place moved 2 km east (and its project's ignored while the item has one).
    place_set(actor=office(), target=item, geometry=point(120.0661, 28.8912))
    place_set(actor=office(), target=project, geometry=point(120.0456, 28.8912))
    far = submit(item, users["town"], [camera_jpeg("2019:11:14 10:00:00", gps=AT)]).photos.get()
    assert far.far_from_site and far.distance_m == pytest.approx(1997, abs=2)
    notice = Notice.objects.get(recipient=users["supervisor"], event=f"photo-far:{far.pk}")
    assert "照片拍摄位置距项目 199" in notice.title and "500 米" in notice.body
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get(f"/items/{item.pk}/").text
    assert f"拍摄位置距项目 {far.distance_m} 米" in page
    reports = client.get(f"/api/v1/items/{item.pk}/reports").json()
    photos = [p for r in reports for p in r.get("photos", [])]
    assert {(p["distance_m"], p["far_from_site"]) for p in photos} == {
        (292, False),
        (far.distance_m, True),
    }


def test_the_city_sets_the_distance_and_the_project_stands_for_an_unplaced_item(
    city, project, make_item, users
):
    item = make_item("a")
    place_set(actor=office(), target=project, geometry=point(120.0486, 28.8912))
    city.photo_distance_m = 200
    city.save()
    photo = submit(item, users["town"], [camera_jpeg("2019:11:14 10:00:00", gps=AT)]).photos.get()
    assert (photo.distance_m, photo.far_from_site) == (292, True)


def test_no_position_or_no_place_claims_nothing(project, make_item, users):
    item = make_item("a")
    unplaced = submit(
        item, users["town"], [camera_jpeg("2019:11:14 10:00:00", gps=AT)], date(2019, 11, 14), 20
    )
    assert [(p.distance_m, p.far_from_site) for p in unplaced.photos.all()] == [(None, False)]
    place_set(actor=office(), target=item, geometry=point(120.5, 28.8912))
    blind = submit(item, users["town"], [jpeg()])
    assert [(p.distance_m, p.far_from_site) for p in blind.photos.all()] == [(None, False)]
