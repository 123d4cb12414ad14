from django.contrib import admin

from guatu.projects.models import Dependency, Phase, Project, TaskForceMember, WorkItem
from guatu.projects.scheduling import schedule_recalculate


class TaskForceInline(admin.TabularInline):
    model = TaskForceMember
    extra = 0


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme", "start_date", "deadline", "owner_department"]
    list_filter = ["programme", "owner_department"]
    search_fields = ["name", "code"]
    inlines = [TaskForceInline]
    readonly_fields = ["early_finish", "scheduled_at", "calendar_uncovered_years"]

    def save_model(self, request, obj, form, change) -> None:
        """Save, then reschedule: the admin wraps both in one transaction."""
        super().save_model(request, obj, form, change)
        schedule_recalculate(project=obj)


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "project",
        "kind",
        "phase",
        "town",
        "quantity_target",
        "unit",
        "duration_days",
        "deadline",
    ]
    list_filter = ["project", "kind", "phase", "town"]
    search_fields = ["name", "code"]
    filter_horizontal = ["villages"]
    readonly_fields = [
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float",
        "free_float",
        "critical",
    ]

    def save_model(self, request, obj, form, change) -> None:
        """Save, then reschedule the project in the same (admin) transaction."""
        super().save_model(request, obj, form, change)
        schedule_recalculate(project=obj.project)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting an item would leave the schedule stale and may orphan history;
        # items are removed only through services (none yet deletes).
        return False


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    """Read-only: links are added through the services, which refuse cycles."""

    list_display = ["predecessor", "successor", "type", "lag_days"]
    list_filter = ["type", "predecessor__project"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
