"""Django's admin app with guatu's site (``admin_site.GuatuAdminSite``) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class GuatuAdminConfig(AdminConfig):
    default_site = "guatu.accounts.admin_site.GuatuAdminSite"
