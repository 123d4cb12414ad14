"""`guatu check --deploy`: the data key that seals the robots' secrets is set and long enough.

Unset, the secrets are sealed with a key derived from ``GUATU_SECRET_KEY``
(``notify.sealed``), so rotating the site's secret key would leave them
unreadable; the deployment checklist says so before that happens.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _

__all__ = ["data_key_is_set"]

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
