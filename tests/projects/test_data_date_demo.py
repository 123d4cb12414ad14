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


def test_the_critical_path_draws_an_arrow_only_along_a_link(demo):
    """Parallel critical branches (two towns' sections into one node) are listed, not
    chained: "A → B" on the page is a dependency A → B."""
    import re
    from html import unescape

    from guatu.projects.models import Dependency

    client = Client()
    client.force_login(office())
    page = client.get("/projects/jintai-railway/").content.decode()
    links = set(
        Dependency.objects.filter(predecessor__project__code="jintai-railway").values_list(
            "predecessor__name", "successor__name"
        )
    )
    arrows = 0
    for line in re.findall(r'<p class="critical-path">(.*?)</p>', page, re.S):
        names = re.findall(r"<span>(.*?)</span>|( → | · )", line)
        parts = [unescape(a) if a else b for a, b in names]
        for k in range(1, len(parts) - 1, 2):
            if parts[k] == " → ":
                arrows += 1
                assert (parts[k - 1], parts[k + 1]) in links, parts[k - 1 : k + 2]
    assert arrows
