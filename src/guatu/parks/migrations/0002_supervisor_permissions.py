"""Give the supervision office's admin group its permissions on parks (see accounts.roles)."""

from django.db import migrations

from guatu.accounts.roles import grant_role_permissions


def add_permissions(apps, schema_editor):
    grant_role_permissions(apps, app_label="parks")


class Migration(migrations.Migration):
    dependencies = [("parks", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
