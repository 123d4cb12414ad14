from django.contrib import admin
from django.db import transaction

from guatu.common.events import DataDateChanged, publish
from guatu.org.models import CalendarException, City, Department, Town, Village
from guatu.org.services import calendar_exception_delete, calendar_exception_save


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]

    def get_readonly_fields(self, request, obj=None):
        # Where a division sits in the tree is the deployment operator's to say: a
        # city's administrator cannot place it under another or above others, nor
        # lower the numbers issued elsewhere (a bulletin number would be issued twice).
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, "level", "parent", "code", "bulletin_numbers")

    def save_model(self, request, obj, form, change) -> None:
        """A new status date (数据日期) moves every schedule of the city to it, in the save."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "status_date" in form.changed_data:
                publish(DataDateChanged(city_id=obj.pk))


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "order"]
    list_filter = ["city", "kind"]
    inlines = [VillageInline]
    # An outline comes from the 项目上图 page or the organisation workbook (checked there).
    readonly_fields = ["geometry"]


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
        calendar_exception_save(actor=request.user, exception=obj)

    def delete_model(self, request, obj) -> None:
        calendar_exception_delete(actor=request.user, exception=obj)

    def delete_queryset(self, request, queryset) -> None:
        """The list's bulk delete goes through the service too: each one audited."""
        for exception in queryset:
            calendar_exception_delete(actor=request.user, exception=exception)
