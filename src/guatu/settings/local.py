"""Development and the demo: ``make demo`` serves these settings."""

from guatu.settings.base import *  # noqa: F403
from guatu.settings.base import DATA_DIR

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATA_DIR.mkdir(parents=True, exist_ok=True)
