"""Production: secrets from the environment, HTTPS only, static files by WhiteNoise.

Required: ``GUATU_SECRET_KEY`` (50+ random characters), ``GUATU_ALLOWED_HOSTS``
(comma-separated); ``GUATU_SITE_URL`` (the site's https:// address, for links in
robot cards and mails) is required by ``guatu check --deploy`` (``notify.checks``).
``GUATU_DATABASE_URL`` chooses PostgreSQL (pooled, sized by ``GUATU_THREADS``);
without it the embedded SQLite file in ``GUATU_DATA_DIR``.
Behind a TLS-terminating reverse proxy that sets ``X-Forwarded-Proto``. Logs
are JSON lines on stderr, errors with their traceback; ``GUATU_ADMINS``
(``Name <mail>,…``) and ``GUATU_EMAIL_HOST`` mail errors to the admins.
See docs/DEPLOY.md.
"""

import os
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured

from guatu.settings.base import *  # noqa: F403
from guatu.settings.base import (
    DEFAULT_DATABASE_URL,
    GUATU_EMAIL_HOST,
    GUATU_THREADS,
    MIDDLEWARE,
    PLATFORM_ROBOT_HOSTS,
)
from guatu.settings.database import database_from_url

if "GUATU_SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("Set GUATU_SECRET_KEY for production.")
SECRET_KEY = os.environ["GUATU_SECRET_KEY"]
if "GUATU_ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured("Set GUATU_ALLOWED_HOSTS (the site's host names) for production.")
ALLOWED_HOSTS = [h.strip() for h in os.environ["GUATU_ALLOWED_HOSTS"].split(",") if h.strip()]
# The load balancer's or systemd's health probe asks the local address directly.
ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]
DATABASES = {
    "default": database_from_url(
        os.environ.get("GUATU_DATABASE_URL") or DEFAULT_DATABASE_URL, pool=GUATU_THREADS
    )
}

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
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
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
# (`guatu migrate` creates its table: guatu.ops.database).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "guatu_cache"}
}

# Errors to the admins by mail when a mail server is configured.
ADMINS = getaddresses([os.environ.get("GUATU_ADMINS", "")])
ADMINS = [(name, address) for name, address in ADMINS if address]
# (The mail server itself, GUATU_EMAIL_*, is read in base.py, for notifications too.)
GUATU_ROBOT_HOSTS = [
    host.strip().lower()
    for host in os.environ.get("GUATU_ROBOT_HOSTS", ",".join(PLATFORM_ROBOT_HOSTS)).split(",")
    if host.strip()
]
# Robots post over HTTPS to port 443 only, whatever the environment says.
GUATU_ROBOT_LOOPBACK = False
SERVER_EMAIL = os.environ.get("GUATU_SERVER_EMAIL", "guatu@localhost")

# One JSON object a line on stderr (systemd's journal keeps them), each with the
# request's id; a 500 is logged with its traceback by django.request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "guatu.ops.logs.JsonFormatter"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "django.request": {
            "handlers": ["stderr", *(["mail_admins"] if ADMINS and GUATU_EMAIL_HOST else [])],
            "level": "WARNING",
            "propagate": False,
        },
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
