"""Make a problem's steps append-only in the database itself (as progress reports)."""

from django.db import migrations

from guatu.common.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [append_only("problems_problemstep"), append_only("problems_problemfile")]
