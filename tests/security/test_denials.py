"""Refused pages and API calls, tried from outside: 403 inside the site, and in the audit."""

import json

import pytest
from django.test import Client

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.audit.models import AuditEntry
from guatu.parks.models import Park

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_refused_write_is_audited(demo):
    shizhu = Park.objects.get(town__name="石柱镇").code
    attempts = [
        ("leader", f"/parks/{shizhu}/allocate/"),
        ("leader", f"/parks/{shizhu}/criteria/"),
        ("leader", "/ledger/import/"),
        ("leader", "/intake/"),
        ("leader", "/projects/import/"),
        ("town_qiancang", f"/parks/{shizhu}/allocate/"),
        ("town_qiancang", f"/parks/{shizhu}/criteria/"),
    ]
    for username, url in attempts:
        before = AuditEntry.objects.filter(allowed=False).count()
        response = signed_in(username).post(url, {})
        assert response.status_code == 403, (username, url)
        assert "topbar" in response.text, "the 403 page sits inside the site"
        assert AuditEntry.objects.filter(allowed=False).count() == before + 1, (username, url)
    token = token_create(user=User.objects.get(username="town_shizhu"))
    before = AuditEntry.objects.filter(allowed=False).count()
    response = Client().post(
        "/api/v1/intake",
        json.dumps({"text": "x", "issue": "2019-11-16"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(allowed=False).count() == before + 1
