from django.contrib import admin

from guatu.common.admin import ReadOnlyAdmin
from guatu.progress.models import Blocker, ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    """History is append-only: the admin shows it and changes nothing."""

    list_display = [
        "work_item",
        "reported_on",
        "percent_complete",
        "quantity_done",
        "reported_by",
        "created_at",
        "supersedes",
    ]
    list_filter = ["work_item__project", "work_item__town"]
    date_hierarchy = "reported_on"


@admin.register(Blocker)
class BlockerAdmin(ReadOnlyAdmin):
    list_display = ["description", "work_item", "town", "owner_department", "due_on", "status"]
    list_filter = ["status", "town", "owner_department"]
    search_fields = ["description"]

    # Blockers are opened, resolved and escalated through the services (item page,
    # API), which check the role and keep the audit; the admin only shows them.
