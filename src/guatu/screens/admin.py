from django.contrib import admin

from guatu.common.admin import ReadOnlyAdmin
from guatu.screens.models import ScreenToken


@admin.register(ScreenToken)
class ScreenTokenAdmin(ReadOnlyAdmin):
    """Listed for the record; issued and revoked on the office's screens page (audited)."""

    list_display = ("name", "prefix", "created_by", "created_at", "last_seen_at", "revoked_at")
