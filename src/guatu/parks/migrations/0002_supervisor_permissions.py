"""Give the supervision office's admin group its permissions on parks (see accounts.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from guatu.accounts.roles import ROLE_PERMISSIONS, role_group_name


def add_permissions(apps, schema_editor):
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
            if app_label != "parks":
                continue
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [("parks", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
