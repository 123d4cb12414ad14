from django.contrib import admin

from guatu.projects.models import Dependency, Phase, Project, TaskForceMember, WorkItem


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


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    """Read-only: links are added through the services, which refuse cycles."""

    list_display = ["predecessor", "successor", "type", "lag_days"]
    list_filter = ["type", "predecessor__project"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
