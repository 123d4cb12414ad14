"""Passwords are hashed with scrypt; a hash made before (PBKDF2) still signs in, and is
rehashed with scrypt then (settings.base.PASSWORD_HASHERS; the suite itself hashes
with MD5 for speed)."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

from guatu.accounts.models import Role, User
from guatu.accounts.services import user_create
from guatu.settings import base

pytestmark = pytest.mark.django_db


def test_an_old_pbkdf2_hash_signs_in_and_is_rehashed_with_scrypt(settings, city):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = user_create(username="old_hash", password="x", role=Role.LEADER)
    old = PBKDF2PasswordHasher()
    User.objects.filter(pk=user.pk).update(password=old.encode("一个足够长的密码-2026", old.salt()))
    assert Client().login(username="old_hash", password="一个足够长的密码-2026")
    assert User.objects.get(pk=user.pk).password.startswith("scrypt$")
    fresh = user_create(username="new_hash", password="另一个足够长的密码", role=Role.LEADER)
    assert fresh.password.startswith("scrypt$")
