from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from guatu.projects.models import (
    NODE_FIELDS,
    SCHEDULE_FIELDS,
    Dependency,
    Phase,
    Project,
    TaskForceMember,
    WorkItem,
)
from guatu.projects.plan_lock import refuse_plan_move
from guatu.projects.services import (
    PROJECT_FIELDS,
    project_check,
    project_create,
    project_update,
    work_item_check,
    work_item_create,
    work_item_update,
)


def _errors_at_fields(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


class TaskForceInline(admin.TabularInline):
    """The 工作专班, read here: it is written on the project's 工作专班 page, through
    ``projects.task_force.task_force_save`` (the office's role, the rows' checks, audited)."""

    model = TaskForceMember
    extra = 0
    fields = ["role", "name", "title", "unit", "department", "phone", "user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


class ProjectAdminForm(forms.ModelForm):
    """Refuses at the field what ``project_check`` refuses on every path."""

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the admin lists its own fields

    def clean(self):
        data = super().clean()
        city = data.get("city") or getattr(self.instance, "city", None)
        if city is not None:
            values = {k: data[k] for k in PROJECT_FIELDS if k in data and k in self.changed_data}
            try:
                project_check(city=city, values=values, project=self.instance)
            except ValidationError as error:
                _errors_at_fields(self, error)
        return data


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["name", "code", "programme", "start_date", "deadline", "owner_department"]
    list_filter = ["programme", "owner_department"]
    search_fields = ["name", "code"]
    inlines = [TaskForceInline]
    # A place is set on the 项目上图 page, by the API or the ledger, each checked by core.geo.
    readonly_fields = ["early_finish", "scheduled_at", "calendar_uncovered_years", "geometry"]

    def get_readonly_fields(self, request, obj=None):
        # A project does not move to another city: its towns and reports stay in its own.
        return [*self.readonly_fields, "city"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        """Write through the services (as the web form does): role, checks, schedule, audit."""
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in form.cleaned_data and name != "city"
            }
            project_update(project=obj, actor=request.user, **fields)
            return
        values = {
            field.name: getattr(obj, field.name)
            for field in Project._meta.concrete_fields
            if field.editable and not field.primary_key and field.name != "city"
        }
        created = project_create(city=obj.city, actor=request.user, **values)
        obj.pk = created.pk
        obj._state.adding = False


class WorkItemAdminForm(forms.ModelForm):
    """Refuses, at the field, a change that would move an approved plan (``plan_lock``)."""

    class Meta:
        model = WorkItem
        fields = "__all__"  # noqa: DJ007 - the admin lists its own fields

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            try:
                refuse_plan_move(self.instance, {k: data[k] for k in NODE_FIELDS if k in data})
            except ValidationError as error:
                _errors_at_fields(self, error)
        project = data.get("project")
        if project is not None:
            values = {k: v for k, v in data.items() if k in self.changed_data and k != "villages"}
            try:
                work_item_check(project=project, values=values, item=self.instance)
            except ValidationError as error:
                _errors_at_fields(self, error)
        return data


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    form = WorkItemAdminForm
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
    readonly_fields = [*SCHEDULE_FIELDS, "geometry"]

    def save_model(self, request, obj, form, change) -> None:
        """Write through the services: the role is checked, the audit kept, the plan rescheduled."""
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name != "villages" and name in form.cleaned_data
        }
        if change:
            work_item_update(item=obj, actor=request.user, **fields)
        else:
            values = {
                field.name: getattr(obj, field.name)
                for field in WorkItem._meta.concrete_fields
                if field.editable and not field.primary_key and field.name != "project"
            }
            created = work_item_create(project=obj.project, actor=request.user, **values)
            obj.pk = created.pk
            obj._state.adding = False

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
