"""Test settings: the same apps and database engine, quicker hashing."""

from guatu.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The robot servers of tests/notify/robots.py speak plain HTTP on loopback.
GUATU_ROBOT_LOOPBACK = True
# Every report reschedules at once (tests/projects/test_data_date.py tries the debounce).
GUATU_RESCHEDULE_DEBOUNCE_S = 0.0
