"""The baselines app's answer to ``projects.plan_lock``: which plans are approved."""

from django.db.models import Max

from guatu.baselines.models import Baseline


def approved_baselines(project_ids: list[int]) -> dict[int, int]:
    """The latest baseline number of each of *project_ids* that has one."""
    rows = (
        Baseline.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(top=Max("number"))
        .values_list("project_id", "top")
    )
    return dict(rows)
