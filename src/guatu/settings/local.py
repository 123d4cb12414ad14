"""Development and the demo: ``make demo`` serves these settings.

DEBUG is off unless ``GUATU_DEBUG=1``: the demo shows the site's own error
pages, as a deployment does, never a traceback. Static files come from
WhiteNoise straight from the apps' folders (no collectstatic needed).
"""

import os

from guatu.settings.base import *  # noqa: F403
from guatu.settings.base import MIDDLEWARE

DEBUG = os.environ.get("GUATU_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
# The demo's robots post to a loopback server over plain HTTP (tests/notify/robots.py).
GUATU_ROBOT_LOOPBACK = True
