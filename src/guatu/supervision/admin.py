from django.contrib import admin

from guatu.common.admin import ReadOnlyAdmin
from guatu.supervision.models import EscalationEvent


@admin.register(EscalationEvent)
class EscalationEventAdmin(ReadOnlyAdmin):
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

    # Escalations are official records: created only by publishing a bulletin,
    # resolved on the accountability page. The admin shows them, nothing more.
    readonly_fields = [field.name for field in EscalationEvent._meta.fields]
