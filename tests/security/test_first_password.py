"""A handed-out first password opens nothing until it is changed: not the pages (they send
the user to the password form) and not the API, by session or by token (issue 28, item 2)."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from guatu.accounts.models import ApiToken
from guatu.accounts.tokens import PasswordChangeRequired, token_create
from guatu.progress.models import ProgressReport

pytestmark = pytest.mark.django_db
MESSAGE = "请先修改初始密码"
NEW = "长城-2026-新密码"


@pytest.fixture
def handed_out(users, make_item):
    """The town official holds a token made before the office reset their password."""
    user = users["town"]
    token = token_create(user=user)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user, token, make_item("A1", name="征地")


def test_the_session_of_a_first_password_opens_no_api(handed_out):
    user, _token, item = handed_out
    client = Client()
    client.force_login(user)
    listing = client.get("/api/v1/projects")
    assert listing.status_code == 403 and MESSAGE in listing.json()["message"]
    write = client.post(
        f"/api/v1/items/{item.pk}/reports",
        json.dumps({"reported_on": date(2020, 3, 31).isoformat(), "percent": 10}),
        content_type="application/json",
    )
    assert write.status_code == 403 and not ProgressReport.objects.exists()
    assert client.get("/projects/")["Location"] == "/password/?first=1"  # the pages, as before


def test_a_token_opens_nothing_until_the_password_changes(handed_out):
    user, token, item = handed_out
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    refused = Client().get("/api/v1/projects", **bearer)
    assert refused.status_code == 403 and MESSAGE in refused.json()["message"]
    write = Client().post(
        f"/api/v1/items/{item.pk}/reports",
        json.dumps({"reported_on": date(2020, 3, 31).isoformat(), "percent": 10}),
        content_type="application/json",
        **bearer,
    )
    assert write.status_code == 403 and not ProgressReport.objects.exists()

    web = Client()
    web.force_login(user)
    changed = web.post(
        "/password/",
        {"old_password": "pw-town-1", "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    assert Client().get("/api/v1/projects", **bearer).status_code == 200


def test_no_token_is_made_for_a_first_password(handed_out):
    user, _token, _item = handed_out
    with pytest.raises(PasswordChangeRequired):
        token_create(user=user)
    with pytest.raises(CommandError):
        call_command("token", user.username)
    assert ApiToken.objects.filter(user=user).count() == 1
