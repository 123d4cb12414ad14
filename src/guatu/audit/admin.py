from django.contrib import admin

from guatu.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence."""

    list_display = ["at", "user", "action", "target_repr", "channel", "address", "allowed"]
    list_filter = ["action", "channel", "allowed"]
    search_fields = ["target_repr", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
