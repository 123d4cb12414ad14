"""The admin site: the system administrator's (系统管理), under the product's own name.

Django's admin is the raw table editor. Its front page and app pages, which list
every table a user may touch, are the system administrator's (role ``admin``)
and the deployment operator's (a superuser): the menu's 系统管理 link is theirs
alone. The supervision office keeps staff status for the few tables it still sets
up there (projects and their items, task forces, phases, villages, blockers, parks
and their units: docs/DECISIONS.md); those pages answer it by their own address and
its group's permissions, but the admin's front page refuses it (403, audited).
"""

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from guatu.accounts.models import Role


def is_system_administrator(user) -> bool:
    """Whether *user* may open the admin's front page: the system administrator or the operator."""
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN)
    )


class GuatuAdminSite(AdminSite):
    site_title = _("Key projects wall chart")
    site_header = _("Key projects wall chart · system administration")
    index_title = _("System administration")

    def index(self, request, extra_context=None):
        if not is_system_administrator(request.user):
            raise PermissionDenied("admin index: system administrator only")
        return super().index(request, extra_context)

    def app_index(self, request, app_label, extra_context=None):
        if not is_system_administrator(request.user):
            raise PermissionDenied("admin app index: system administrator only")
        return super().app_index(request, app_label, extra_context)
