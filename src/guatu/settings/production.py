"""Production: secrets from the environment, HTTPS only, static files by WhiteNoise.

Required: ``GUATU_SECRET_KEY`` (50+ random characters), ``GUATU_ALLOWED_HOSTS``
(comma-separated), ``GUATU_DATABASE_URL`` (PostgreSQL). Behind a TLS-terminating
reverse proxy that sets ``X-Forwarded-Proto``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from guatu.settings.base import *  # noqa: F403
from guatu.settings.base import MIDDLEWARE

if "GUATU_SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("Set GUATU_SECRET_KEY for production.")
SECRET_KEY = os.environ["GUATU_SECRET_KEY"]

DEBUG = False
# The documented deployment puts nginx on the same machine: believe its
# X-Forwarded-For (and only its) unless GUATU_TRUSTED_PROXIES says otherwise.
GUATU_TRUSTED_PROXIES = [
    p.strip()
    for p in os.environ.get("GUATU_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
    if p.strip()
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# WhiteNoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

# Login throttling and sessions shared by all app servers: the database cache
# (run `guatu createcachetable` once after migrating).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "guatu_cache"}
}
