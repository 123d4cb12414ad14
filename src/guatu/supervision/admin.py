from django.contrib import admin

from guatu.supervision.models import EscalationEvent


@admin.register(EscalationEvent)
class EscalationEventAdmin(admin.ModelAdmin):
    list_display = [
        "work_item",
        "level",
        "period",
        "town",
        "department",
        "created_at",
        "resolved_at",
    ]
    list_filter = ["level", "period", "town"]

    readonly_fields = [field.name for field in EscalationEvent._meta.fields]

    # Escalations are official records: created only by publishing a bulletin,
    # resolved on the accountability page. The admin shows them, nothing more.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
