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
        (_("Role in guatu"), {"fields": ["full_name", "role", "town", "department"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in guatu"), {"fields": ["full_name", "role", "town", "department"]}),
    ]
