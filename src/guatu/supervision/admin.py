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
