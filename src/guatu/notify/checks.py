"""`guatu check --deploy`: what the notifications need of a production deployment.

- The data key that seals the robots' secrets is set and long enough. Unset,
  the secrets are sealed with a key derived from ``GUATU_SECRET_KEY``
  (``notify.sealed``), so rotating the site's secret key would leave them
  unreadable; the deployment checklist warns before that happens.
- The site's address, ``GUATU_SITE_URL``, is set and on HTTPS: without it a
  钉钉/企业微信 card's button and a mail's link are relative (``/items/120/``),
  which opens nothing outside the site. This one is an error, so
  ``check --deploy`` fails until it is set.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.translation import gettext as _

__all__ = ["data_key_is_set", "site_url_is_set"]

#: As the backup key: at least this many random characters.
DATA_KEY_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def data_key_is_set(app_configs=None, **kwargs) -> list[Warning]:
    keys = [key.strip() for key in settings.GUATU_DATA_KEY.split(",") if key.strip()]
    if not keys:
        return [
            Warning(
                _(
                    "GUATU_DATA_KEY is not set: the robots' secrets are sealed with a key "
                    "derived from GUATU_SECRET_KEY, and changing that key would make them "
                    "unreadable."
                ),
                hint=_("Set GUATU_DATA_KEY to 32 or more random characters (docs/SECURITY.md)."),
                id="guatu.W001",
            )
        ]
    if any(len(key) < DATA_KEY_MIN_LENGTH for key in keys):
        return [
            Warning(
                _("GUATU_DATA_KEY is too short: use at least %(n)d random characters.")
                % {"n": DATA_KEY_MIN_LENGTH},
                id="guatu.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs=None, **kwargs) -> list[Error]:
    url = settings.GUATU_SITE_URL.strip()
    hint = _(
        "Set GUATU_SITE_URL to the address officials open the site at, e.g. "
        "https://guatu.example.gov.cn (docs/DEPLOY.md)."
    )
    if not url:
        return [
            Error(
                _(
                    "GUATU_SITE_URL is not set: links in 钉钉/企业微信 cards and mails "
                    "would be relative and open nothing."
                ),
                hint=hint,
                id="guatu.E003",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        return [
            Error(
                _("GUATU_SITE_URL must be the site's https:// address, not “%(url)s”.")
                % {"url": url[:200]},
                hint=hint,
                id="guatu.E004",
            )
        ]
    return []
