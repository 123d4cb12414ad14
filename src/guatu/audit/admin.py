from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guatu.audit.labels import action_label, channel_label
from guatu.audit.models import AuditEntry
from guatu.common.admin import ReadOnlyAdmin


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, listed by name (the stored codes are for machines)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        found = set(model_admin.get_queryset(request).values_list("action", flat=True))
        return sorted(((code, action_label(code)) for code in found), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is evidence."""

    list_display = [
        "at", "user", "action_name", "target_repr", "channel_name", "address", "allowed",
    ]  # fmt: skip
    list_filter = [ActionFilter, "channel", "allowed"]
    search_fields = ["target_repr", "user__username"]
    date_hierarchy = "at"

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, entry: AuditEntry) -> str:
        return action_label(entry.action)

    @admin.display(description=_("channel"), ordering="channel")
    def channel_name(self, entry: AuditEntry) -> str:
        return channel_label(entry.channel)
