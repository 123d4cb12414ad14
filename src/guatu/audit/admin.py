from django.contrib import admin

from guatu.audit.models import AuditEntry
from guatu.common.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence."""

    list_display = ["at", "user", "action", "target_repr", "channel", "address", "allowed"]
    list_filter = ["action", "channel", "allowed"]
    search_fields = ["target_repr", "user__username"]
    date_hierarchy = "at"
