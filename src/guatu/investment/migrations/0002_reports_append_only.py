"""Make the monthly investment reports append-only in the database itself (as progress)."""

from django.db import migrations

from guatu.common.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial")]

    operations = [append_only("investment_monthlyreport")]
