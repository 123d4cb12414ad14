"""The pages of the 问题清单 (docs/PROBLEMS.md); the list itself is the web app's board."""

from guatu.problems.views import urlpatterns

app_name = "problems"

__all__ = ["app_name", "urlpatterns"]
