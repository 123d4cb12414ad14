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
    list_display = ["date", "working", "note", "city"]
    list_filter = ["city", "working"]
