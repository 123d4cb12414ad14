"""Admin pages that show records and change nothing."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only through their services (or never rewritten at all):
    progress history, the audit log, escalations, blockers. The admin lists them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
