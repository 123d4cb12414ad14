from django.contrib import admin

from guatu.org.models import CalendarException, City, Department, Town, Village


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "order"]
    list_filter = ["city", "kind"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "town"]
    list_filter = ["town"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "city"]
    search_fields = ["name", "short_name"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "working", "note", "city", "project"]
    list_filter = ["city", "working"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        _reschedule_affected(obj)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        _reschedule_affected(obj)


def _reschedule_affected(exception: CalendarException) -> None:
    """A calendar change moves the dates of every working-day project it touches."""
    from guatu.projects.models import Project
    from guatu.projects.scheduling import schedule_recalculate

    projects = Project.objects.exclude(calendar=Project.Calendar.CALENDAR_DAY)
    if exception.project_id:
        projects = projects.filter(pk=exception.project_id)
    else:
        projects = projects.filter(city_id=exception.city_id)
    for project in projects:
        schedule_recalculate(project=project)
