"""The audit log is evidence: the database refuses to change or delete an entry."""

from django.db import migrations

from guatu.common.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [append_only("audit_auditentry")]
