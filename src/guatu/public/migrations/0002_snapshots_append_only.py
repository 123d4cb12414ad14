"""A published snapshot and its photos are never changed or removed: a new version is a
new row (triggers, as for progress and investment reports)."""

from django.db import migrations

from guatu.common.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [append_only("public_snapshot"), append_only("public_snapshotphoto")]
