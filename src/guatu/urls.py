"""Top-level routes: the app's pages, auth, admin and language switching."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from guatu.accounts.password import PasswordChangeView
from guatu.accounts.throttle import ThrottledLoginView
from guatu.api.v1 import api
from guatu.ops.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # 公开, no sign-in: resolved first, the hot path of the public's load.
    path("public/", include("guatu.public.urls")),
    path("", include("guatu.web.urls")),
    path("api/v1/", api.urls),
    path("", include("guatu.supervision.urls")),
    path("", include("guatu.ledger.urls")),
    path("", include("guatu.parks.urls")),
    path("", include("guatu.intake.urls")),
    path("", include("guatu.screens.urls")),
    path("", include("guatu.notify.urls")),
    path("", include("guatu.baselines.urls")),
    path("", include("guatu.risk.urls")),
    path("", include("guatu.investment.urls")),
    path("", include("guatu.problems.urls")),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "guatu.web.errors.bad_request"
handler403 = "guatu.web.errors.permission_denied"
handler404 = "guatu.web.errors.page_not_found"
handler500 = "guatu.web.errors.server_error"
