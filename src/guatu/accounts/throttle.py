"""Login throttling: too many failed sign-ins for a user name or an address → wait.

Counts live in Django's cache (per process by default; production settings
use the database cache so that all app servers share them).
"""

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guatu.audit.context import request_address

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _keys(request: HttpRequest) -> list[str]:
    username = (request.POST.get("username") or "").strip().lower()
    return [f"guatu:login:user:{username}", f"guatu:login:addr:{request_address(request)}"]


def locked(request: HttpRequest) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES for key in _keys(request))


def record_failure(request: HttpRequest) -> None:
    for key in _keys(request):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


def clear(request: HttpRequest) -> None:
    cache.delete_many(_keys(request))


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
