"""The default phases (环节) of DESIGN.md; the list can be extended in the admin."""

from django.db import migrations

PHASES = [
    ("demolition", "违建拆除"),
    ("land_acquisition", "征地"),
    ("policy_handling", "政策处理"),
    ("land_handover", "交地"),
    ("planning", "规划"),
    ("design", "设计"),
    ("land_approval", "组卷报批"),
    ("construction_start", "开工"),
    ("construction", "建设"),
    ("completion", "建成"),
    ("delivery", "交付"),
]


def add_phases(apps, schema_editor):
    Phase = apps.get_model("projects", "Phase")
    for order, (code, name) in enumerate(PHASES, start=1):
        Phase.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


def remove_phases(apps, schema_editor):
    apps.get_model("projects", "Phase").objects.filter(code__in=[c for c, _ in PHASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(add_phases, remove_phases)]
