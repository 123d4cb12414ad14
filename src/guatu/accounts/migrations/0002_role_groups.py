"""Create the permission group of each staff role (see guatu.accounts.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from guatu.accounts.roles import ROLE_PERMISSIONS, role_group_name


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        for label, actions in models.items():
            app_label, model = label.split(".")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


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
