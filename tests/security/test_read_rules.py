"""What is shared and what is not: site photos and park applications stay with those concerned."""

import json

import pytest
from django.test import Client

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.parks.models import Park
from tests.progress.test_photos import jpeg, submit

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_site_photos_are_seen_by_their_town_leaders_and_the_office(make_item, users, towns):
    report = submit(make_item("a"), users["town"], [jpeg()])
    photo = report.photos.get()
    neighbour = user_create(
        username="qiancang", password="pw-qc-1", role=Role.TOWN, town=towns["前仓镇"]
    )
    for user, status in ((users["town"], 200), (users["leader"], 200), (neighbour, 403)):
        response = signed_in(user).get(f"/photos/{photo.pk}/full")
        assert response.status_code == status, user
        if status == 200:
            b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(allowed=False, action="photo_read", user=neighbour).exists()
    page = signed_in(neighbour).get(f"/items/{report.work_item_id}/").text
    assert f"/photos/{photo.pk}/" not in page


def test_park_applications_stay_with_the_parks_town(demo):
    from guatu.accounts.models import User

    park = Park.objects.get(town__name="石柱镇")
    application = park.applications.first()
    neighbour = User.objects.get(username="town_qiancang")
    own = User.objects.get(username="town_shizhu")
    leader = User.objects.get(username="leader")
    for user, status in ((own, 200), (leader, 200), (neighbour, 403)):
        client = signed_in(user)
        assert client.get(f"/applications/{application.pk}/").status_code == status
        assert client.get(f"/parks/{park.code}/results.xlsx").status_code == status
        token = token_create(user=user)
        api = Client().get(
            f"/api/v1/parks/{park.code}/applications", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert api.status_code == status, (user, api.content[:200])
    page = signed_in(neighbour).get(f"/parks/{park.code}/").text
    assert f"/applications/{application.pk}/" not in page and "results.xlsx" not in page
    assert f"/applications/{application.pk}/" in signed_in(own).get(f"/parks/{park.code}/").text
    assert json.loads(
        Client()
        .get(
            f"/api/v1/parks/{park.code}/applications",
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=own)}",
        )
        .content
    )
