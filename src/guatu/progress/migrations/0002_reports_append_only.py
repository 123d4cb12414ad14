"""Make progress history append-only in the database itself.

A trigger refuses every UPDATE and DELETE of a progress report, on SQLite and
PostgreSQL alike; a correction is a new report that supersedes the old one.
"""

from django.db import migrations

from guatu.common.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [append_only("progress_progressreport")]
