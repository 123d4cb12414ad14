"""Where a group robot may post: checked when a robot is saved and again at every send.

A robot's webhook is an address the server itself requests, so it is held to
one rule, read from the settings at the moment of the check (a robot saved
under laxer settings, or before this rule, is checked again before each
message):

- ``https``, on the standard port (443);
- a host among ``settings.GUATU_ROBOT_HOSTS`` (the platforms' own in production:
  ``oapi.dingtalk.com``, ``qyapi.weixin.qq.com``);
- nothing that reads two ways: no user name or password, no backslash, space or
  control character.

``settings.GUATU_ROBOT_LOOPBACK`` lets plain HTTP on any port through to
loopback hosts (still only those listed): the demo's and the tests' robot
servers. Local and test settings turn it on; production never does.

Redirects are never followed when sending (``guatu.notify.delivery``): an
answer 3xx is a failed delivery.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = ["LOOPBACK_HOSTS", "webhook_problem"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
HTTPS_PORT = 443


def webhook_problem(url: str) -> str:
    """Why the server must not post to *url*; an empty string when it may."""
    if not url:
        return _("The robot has no webhook address.")
    if any(char.isspace() or ord(char) < 32 or char == "\\" for char in url):
        return _("The address holds a space, a control character or a backslash.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("The address's host or port cannot be read.")
    host = (parts.hostname or "").lower()
    hosts = settings.GUATU_ROBOT_HOSTS
    if host not in hosts:
        return _("Robots may post only to %(hosts)s, not to %(host)s.") % {
            "hosts": "、".join(hosts),
            "host": host or "?",
        }
    if "@" in parts.netloc:
        return _("The address holds a user name or password.")
    loopback = settings.GUATU_ROBOT_LOOPBACK and host in LOOPBACK_HOSTS
    scheme = parts.scheme.lower()
    if scheme != "https" and not (loopback and scheme == "http"):
        return _("Robots post over https only, not %(scheme)s.") % {"scheme": scheme or "?"}
    if port not in (None, HTTPS_PORT) and not loopback:
        return _("Robots post to the standard https port (443) only, not %(port)s.") % {
            "port": port
        }
    return ""
