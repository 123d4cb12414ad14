"""The demo's railway seen from its data date (issue 31)."""

import pytest
from django.test import Client

from guatu.progress.status import items_status
from guatu.projects.models import Project
from tests.office import office

pytestmark = pytest.mark.django_db


def test_the_demo_railway_no_longer_claims_every_node_can_be_met(demo):
    client = Client()
    client.force_login(office())
    railway = Project.objects.get(code="jintai-railway")
    page = client.get(f"/projects/{railway.code}/").content.decode()
    assert "各工作事项均能赶上时间节点" not in page
    assert railway.early_finish > railway.deadline
    statuses = items_status(items=list(railway.work_items.all()))
    overdue = [
        item
        for item in railway.work_items.all()
        if statuses[item.pk].flag == "overdue" or statuses[item.pk].reason == "overdue"
    ]
    assert overdue
    assert all(item.total_float < 0 for item in overdue)
