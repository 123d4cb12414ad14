from django.db import migrations, models


class Migration(migrations.Migration):
    """Projects already here keep no date (their whole record counts, as it did: a
    ladder they are on goes on); projects created from now on get their city's today
    (``Project.save``, ``ledger.writing``)."""

    dependencies = [
        ("projects", "0005_code_unique_per_city"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="supervised_from",
            field=models.DateField(
                blank=True,
                null=True,
                help_text=(
                    "The day the project came under supervision in guatu (created or "
                    "imported): red periods before it never count on the accountability ladder."
                ),
                verbose_name="under supervision from",
            ),
        ),
    ]
