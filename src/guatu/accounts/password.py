"""Changing one's password, and the first sign-in that must do it.

A user created by the city's setup (``guatu city init``) starts with a
random password someone handed them; until they choose their own, every
page leads to the password form.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

#: Paths a user who must change their password may still reach.
OPEN_PREFIXES = ("/password/", "/logout/", "/static/", "/i18n/", "/healthz", "/screen/")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordChangeRequiredMiddleware:
    """Send a user with a handed-out first password to the password form first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect(f"{reverse('password-change')}?first=1")
        return self.get_response(request)
