"""Reports above the target (超目标待核实) and the office's verdict on them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from guatu.common.append_only import append_only, while_open


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0004_photos"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *while_open(
            "progress_progressreport",
            migrations.AddField(
                model_name="progressreport",
                name="above_target",
                field=models.BooleanField(
                    default=False,
                    help_text="The reporter states the work went beyond the target (超目标); the report counts only once the supervision office confirms it.",
                    verbose_name="above the target",
                ),
            ),
        ),
        migrations.CreateModel(
            name="ReportReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[("confirmed", "confirmed"), ("rejected", "rejected")],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="note")),
                (
                    "reviewed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="reviewed at",
                    ),
                ),
                (
                    "report",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review",
                        to="progress.progressreport",
                        verbose_name="progress report",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="report_reviews",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "review of an above-target report",
                "verbose_name_plural": "reviews of above-target reports",
                "ordering": ["-reviewed_at", "id"],
            },
        ),
        append_only("progress_reportreview"),
    ]
