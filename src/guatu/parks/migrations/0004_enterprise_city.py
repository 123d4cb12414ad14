"""Each city keeps its own register of enterprises (issue 29): an enterprise goes to
the city of the parks it applied to or holds a unit in; one known in several cities
is copied into each, its applications and units following their park's city."""

import django.db.models.deletion
from django.db import migrations, models


def give_each_enterprise_its_city(apps, schema_editor):
    Enterprise = apps.get_model("parks", "Enterprise")
    Application = apps.get_model("parks", "Application")
    ParkUnit = apps.get_model("parks", "ParkUnit")
    City = apps.get_model("org", "City")
    first = City.objects.order_by("pk").first()
    for enterprise in Enterprise.objects.all():
        cities = sorted(
            set(
                Application.objects.filter(enterprise=enterprise).values_list(
                    "park__city_id", flat=True
                )
            )
            | set(
                ParkUnit.objects.filter(enterprise=enterprise).values_list(
                    "park__city_id", flat=True
                )
            )
        )
        if not cities:
            if first is None:
                enterprise.delete()
                continue
            cities = [first.pk]
        enterprise.city_id = cities[0]
        enterprise.save(update_fields=["city"])
        for city_id in cities[1:]:
            copy = Enterprise.objects.create(
                city_id=city_id,
                credit_code=enterprise.credit_code,
                name=enterprise.name,
                industry=enterprise.industry,
            )
            Application.objects.filter(enterprise=enterprise, park__city_id=city_id).update(
                enterprise=copy
            )
            ParkUnit.objects.filter(enterprise=enterprise, park__city_id=city_id).update(
                enterprise=copy
            )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_township_kinds"),
        ("parks", "0003_code_unique_per_city"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="credit_code",
            field=models.CharField(max_length=18, verbose_name="unified social credit code"),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="org.city",
            ),
        ),
        migrations.RunPython(give_each_enterprise_its_city, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enterprise",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="org.city",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprise",
            constraint=models.UniqueConstraint(
                fields=("city", "credit_code"), name="parks_enterprise_code_once_per_city"
            ),
        ),
    ]
