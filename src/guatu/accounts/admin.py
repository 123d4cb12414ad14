from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from guatu.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "town", "department", "is_active"]
    list_filter = ["role", "town", "department", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Role in the system"), {"fields": ["full_name", "role", "town", "department"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in the system"), {"fields": ["full_name", "role", "town", "department"]}),
    ]
    #: What only the deployment's operator (a superuser) may change: a city's
    #: administrator manages its users' roles, never their powers or their city.
    OPERATOR_ONLY = ("is_superuser", "groups", "user_permissions", "city")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and obj is not None:
            return [*fieldsets, (_("City"), {"fields": ["city"]})]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *self.OPERATOR_ONLY)

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.city_id is None:
            obj.city_id = request.user.city_id  # a new user joins the administrator's city
        super().save_model(request, obj, form, change)
