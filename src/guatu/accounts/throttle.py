"""Login throttling: too many failed sign-ins from one address → wait.

Two counts, both per client address (``audit.context.request_address``,
which believes X-Forwarded-For only from the configured proxies):
- per (user name, address): 5 failures lock that user name *from that
  address* for 15 minutes — nobody elsewhere can lock out ``supervisor``;
- per address: 20 failures, whatever the user names, lock the address —
  rotating user names (or a forged X-Forwarded-For) does not buy more tries.

Counts live in Django's cache (per process by default; production settings
use the database cache so that all app servers share them).
"""

import unicodedata

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guatu.audit.context import request_address

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW_SECONDS = 15 * 60


def _keys(request: HttpRequest) -> list[tuple[str, int]]:
    """The counters a failure adds to, each with the count that locks."""
    # ｔown_xicheng (fullwidth) and TOWN_XICHENG count against town_xicheng's lock.
    username = unicodedata.normalize("NFKC", request.POST.get("username") or "")
    username = username.strip().casefold()[:150]
    address = request_address(request)
    return [
        (f"guatu:login:pair:{address}:{username}", MAX_FAILURES),
        (f"guatu:login:addr:{address}", MAX_ADDRESS_FAILURES),
    ]


def locked(request: HttpRequest) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request))


def record_failure(request: HttpRequest) -> None:
    for key, _limit in _keys(request):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


def clear(request: HttpRequest) -> None:
    """A successful sign-in clears its own (user, address) count, not the address's."""
    cache.delete(_keys(request)[0][0])


class ThrottledLoginView(auth_views.LoginView):
    """Django's login view, refusing (429) after too many failures."""

    template_name = "registration/login.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if locked(request):
            form = self.get_form()
            form.add_error(None, _("Too many failed sign-ins: try again in 15 minutes."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        clear(self.request)
        return super().form_valid(form)
