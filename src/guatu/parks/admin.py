from django.contrib import admin

from guatu.parks.models import Application, Enterprise, Park, ParkUnit


class UnitInline(admin.TabularInline):
    model = ParkUnit
    extra = 0


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["name", "town", "land_area_mu", "floor_area_m2", "leading_industries_note"]
    inlines = [UnitInline]


@admin.register(ParkUnit)
class ParkUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "park", "floor_area_m2", "status", "enterprise"]
    list_filter = ["park", "status"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry"]
    search_fields = ["name", "credit_code"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications are decided through guatu's pages; the admin only shows them."""

    list_display = ["enterprise", "park", "year", "status", "submitted_on"]
    list_filter = ["park", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
