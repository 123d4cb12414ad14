"""Development and the demo: ``make demo`` serves these settings."""

from guatu.settings.base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
