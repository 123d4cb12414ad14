"""Robots' signing secrets sealed in the database (``notify.sealed``), and why a robot was paused.

The secrets already stored in plain text are sealed with the key of the
environment the migration runs in (``GUATU_DATA_KEY``, else derived from
``GUATU_SECRET_KEY``): run it with the production environment. Going back
opens them again, with the same key.
"""

import django.core.validators
from django.db import migrations, models

import guatu.notify.sealed


def _rows(apps, schema_editor):
    table = apps.get_model("notify", "Robot")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    return quote(table), quote("secret"), quote("id")


def seal_secrets(apps, schema_editor):
    table, secret, pk = _rows(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {secret} FROM {table} WHERE {secret} <> ''")
        for robot_id, stored in cursor.fetchall():
            if not guatu.notify.sealed.is_sealed(stored):
                cursor.execute(
                    f"UPDATE {table} SET {secret} = %s WHERE {pk} = %s",
                    [guatu.notify.sealed.seal(stored), robot_id],
                )


def open_secrets(apps, schema_editor):
    table, secret, pk = _rows(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {secret} FROM {table} WHERE {secret} <> ''")
        for robot_id, stored in cursor.fetchall():
            plain = guatu.notify.sealed.unseal(stored)
            if isinstance(plain, guatu.notify.sealed.Unreadable):
                raise RuntimeError(
                    f"Robot {robot_id}: its secret does not open with this GUATU_DATA_KEY."
                )
            cursor.execute(
                f"UPDATE {table} SET {secret} = %s WHERE {pk} = %s",
                [plain, robot_id],
            )


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="robot",
            name="paused_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="paused because"),
        ),
        migrations.AlterField(
            model_name="robot",
            name="secret",
            field=guatu.notify.sealed.SealedTextField(
                blank=True,
                validators=[django.core.validators.MaxLengthValidator(200)],
                verbose_name="signing secret",
            ),
        ),
        migrations.RunPython(seal_secrets, open_secrets),
    ]
