"""Create the permission group of each staff role (see guatu.accounts.roles)."""

from django.db import migrations

from guatu.accounts.roles import ROLE_PERMISSIONS, grant_role_permissions, role_group_name


def create_groups(apps, schema_editor):
    grant_role_permissions(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[role_group_name(role) for role in ROLE_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("projects", "0002_default_phases"),
        ("progress", "0002_reports_append_only"),
        ("supervision", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
