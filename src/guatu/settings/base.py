"""Settings shared by every environment."""

import os
from pathlib import Path

from django.utils.csp import CSP

from guatu.settings.database import database_from_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The checkout's root (``src/guatu/settings`` → three levels up).
PROJECT_DIR = PACKAGE_DIR.parent.parent
#: Data that must survive a restart (the SQLite file, uploaded photos) lives
#: outside the source tree's tracked files; git ignores ``data/``.
DATA_DIR = Path(os.environ.get("GUATU_DATA_DIR", PROJECT_DIR / "data")).resolve()

SECRET_KEY = os.environ.get("GUATU_SECRET_KEY", "guatu-local-development-key-not-for-production")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("GUATU_ALLOWED_HOSTS", "").split(",") if h]
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks,
# comma-separated); none by default, so a client cannot claim another address.
GUATU_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GUATU_TRUSTED_PROXIES", "").split(",") if p.strip()
]

INSTALLED_APPS = [
    "guatu.accounts.admin_config.GuatuAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guatu.accounts",
    "guatu.org",
    "guatu.projects",
    "guatu.progress",
    "guatu.supervision",
    "guatu.ledger",
    "guatu.parks",
    "guatu.investment",
    "guatu.problems",
    "guatu.public",
    "guatu.intake",
    "guatu.screens",
    "guatu.notify",
    "guatu.baselines",
    "guatu.risk",
    "guatu.ops",
    "django_tasks_db",
    "guatu.audit",
    "guatu.demo",
    "guatu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "guatu.ops.logs.RequestIdMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "guatu.web.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guatu.org.middleware.CityScopeMiddleware",
    "guatu.accounts.password.PasswordChangeRequiredMiddleware",
    "guatu.audit.middleware.OriginMiddleware",
    "guatu.api.throttle.ApiRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "guatu.urls"
WSGI_APPLICATION = "guatu.wsgi.application"
ASGI_APPLICATION = "guatu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guatu.notify.context.unread",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'guatu.sqlite3'}"
#: Threads per `guatu serve` worker; on PostgreSQL also each worker's pool size.
GUATU_THREADS = max(int(os.environ.get("GUATU_THREADS", "4")), 1)
#: A report reschedules its project at once unless the project was rescheduled less than
#: this many seconds ago (a burst): then the worker's catch-up does, within its round.
GUATU_RESCHEDULE_DEBOUNCE_S = float(os.environ.get("GUATU_RESCHEDULE_DEBOUNCE_S", "2"))
DATABASES = {
    "default": database_from_url(os.environ.get("GUATU_DATABASE_URL") or DEFAULT_DATABASE_URL),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (scheduled bulletins): Django's tasks framework, queued in the
# database and run by `guatu bulletin_worker`; nothing needs Redis.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CSRF_FAILURE_VIEW = "guatu.web.errors.csrf_failure"

# Content-Security-Policy: scripts, styles and images from guatu itself only —
# no inline script or style anywhere (the pages need none), nothing framed,
# forms post only here. A stored piece of markup that slipped past escaping
# still could not run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
#: The deployment's 天地图 browser key: set, the map page (/map/) draws 天地图's tiles
#: under its features and its CSP lets images come from 天地图's tile hosts (that page
#: only); unset, the base is the city's own town outlines and nothing leaves the site.
TIANDITU_KEY = os.environ.get("GUATU_TIANDITU_KEY", "").strip()

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"
# Passwords are hashed with scrypt (memory-hard: 16 MB a hash, n=2**14, r=8), chosen
# over Django's default PBKDF2 (1,500,000 rounds) for a sign-in storm: it costs less
# than half the CPU per sign-in on our 2-core machines (bench/password_hash.py,
# docs/PERFORMANCE.md) while a GPU gains far less against it. Hashes made before
# (PBKDF2) still verify and are rehashed with scrypt at their owner's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English is a complete second locale.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"guatu": {"handlers": ["console"], "level": "INFO"}},
}

# Notifications (guatu.notify): email goes out only where a mail server is configured;
# links in messages start with the site's address.
GUATU_EMAIL_HOST = os.environ.get("GUATU_EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": GUATU_EMAIL_HOST or "localhost",
            "port": int(os.environ.get("GUATU_EMAIL_PORT", "25")),
            "username": os.environ.get("GUATU_EMAIL_USER", ""),
            "password": os.environ.get("GUATU_EMAIL_PASSWORD", ""),
            "use_tls": os.environ.get("GUATU_EMAIL_TLS") == "1",
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("GUATU_EMAIL_FROM", "guatu@localhost")
GUATU_SITE_URL = os.environ.get("GUATU_SITE_URL", "")
#: Where group robots may post (the server sends there): the platforms, and loopback
#: for the demo and the tests. Production leaves loopback out unless told.
PLATFORM_ROBOT_HOSTS = ["oapi.dingtalk.com", "qyapi.weixin.qq.com"]
GUATU_ROBOT_HOSTS = [
    host.strip().lower()
    for host in os.environ.get(
        "GUATU_ROBOT_HOSTS", ",".join([*PLATFORM_ROBOT_HOSTS, "127.0.0.1", "localhost"])
    ).split(",")
    if host.strip()
]
#: Plain HTTP on any port, for loopback hosts only: the demo's and the tests' robot
#: servers. Off here and in production; local (the demo) and test settings turn it on.
GUATU_ROBOT_LOOPBACK = False
#: The key that seals robots' signing secrets in the database (comma-separated: the
#: first seals, every one opens, for a change of key). Unset: derived from SECRET_KEY.
#: Keep it apart from the backups (docs/SECURITY.md).
GUATU_DATA_KEY = os.environ.get("GUATU_DATA_KEY", "")
