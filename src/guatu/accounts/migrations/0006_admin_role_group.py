"""A city's administrator gets a permission group instead of being a superuser."""

from django.db import migrations

from guatu.accounts.roles import grant_role_permissions


def create_groups(apps, schema_editor):
    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_city"),
        ("org", "0006_city_time_zone"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
