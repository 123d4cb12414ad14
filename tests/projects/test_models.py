"""Rules the database itself keeps, whatever path writes."""

import pytest
from django.db import IntegrityError, transaction

from guatu.projects.models import Dependency, WorkItem

pytestmark = pytest.mark.django_db


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            WorkItem.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_database_refuses_inconsistent_items(project):
    assert refused(project=project, code="m", name="节点", kind="milestone", duration_days=5)
    assert refused(project=project, code="j", name="同期", joint=True, duration_days=0)
    assert refused(project=project, code="q", name="无单位", quantity_target=5, unit="")
    assert refused(project=project, code="u", name="无目标", unit="mu")
    assert refused(project=project, code="z", name="零目标", quantity_target=0, unit="mu")
    assert not refused(project=project, code="ok", name="正常", quantity_target=5, unit="mu")


def test_database_refuses_a_self_link(project):
    item = WorkItem.objects.create(project=project, code="a", name="甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(predecessor=item, successor=item)
