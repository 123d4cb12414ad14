"""Where the current write comes from (web, API or command line, and the address).

The middleware sets it for each request; commands run with the default
("cli"). Services read it when they record an audit entry, so no service
needs a request parameter.
"""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class Origin:
    channel: str = "cli"
    address: str | None = None


#: Outside a request (commands, the demo loader) writes come from the command line.
COMMAND_LINE = Origin()
current_origin: ContextVar[Origin] = ContextVar("guatu_origin", default=COMMAND_LINE)


def _trusted(address: str, proxies: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def request_address(request: HttpRequest) -> str | None:
    """The client's address, as far as it can be known.

    ``X-Forwarded-For`` is written by whoever sends the request, so it is
    believed only when the request comes from one of the reverse proxies
    configured in ``GUATU_TRUSTED_PROXIES``; then the client is the last hop
    before the trusted proxies (the rightmost untrusted entry), not the first
    entry, which any client can set.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = list(getattr(settings, "GUATU_TRUSTED_PROXIES", ()))
    if not remote or not proxies or not _trusted(remote, proxies):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop, proxies):
            # A proxy may write "unknown" (or anything): that is no address to keep.
            return hop if _is_address(hop) else None
    return remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
