"""The wall chart's time-node flags follow the status's one rule (``core.status.node_flag``)."""

from datetime import date
from decimal import Decimal

import pytest

from guatu.progress.services import report_submit
from guatu.web.wallchart import wall_rows

pytestmark = pytest.mark.django_db
TODAY = date(2016, 8, 15)


def test_a_task_s_own_time_node_is_flagged_like_a_milestone(city, users, project, make_item):
    city.status_date = TODAY
    city.save()
    nodes = {
        "on_time": date(2016, 8, 10),
        "late": date(2016, 8, 10),
        "due_today": TODAY,
        "due_yesterday": date(2016, 8, 14),
    }
    items = {name: make_item(name, name=name, deadline=due) for name, due in nodes.items()}
    make_item("node", name="node", kind="milestone", duration_days=0, deadline=date(2016, 8, 20))
    for name, day in (("on_time", date(2016, 8, 10)), ("late", date(2016, 8, 11))):
        report_submit(
            work_item=items[name],
            reported_by=users["town"],
            reported_on=day,
            percent=Decimal(100),
            today=TODAY,
        )
    rows = {row.name: row for row in wall_rows(project=project)}
    assert {name: rows[name].flag for name in (*nodes, "node")} == {
        "on_time": "done_on_time",  # done on its node's day: the red flag
        "late": "done_late",
        "due_today": "pending",  # due today, not yet overdue
        "due_yesterday": "overdue",  # the black flag
        "node": "pending",
    }
    # A pending node's hover text names its date and no flag (no empty brackets).
    assert rows["due_today"].tip.endswith(TODAY.isoformat())
    assert rows["node"].tip.endswith("2016-08-20")
    assert rows["due_yesterday"].tip.endswith("2016-08-14（已逾期）")


def test_no_hover_text_on_the_demo_shows_empty_brackets(demo):
    """Issue 31: “时间节点 2020-06-30（）” on the demo's projects. A bracket is written only
    around words (``core.wallchart.noted``), whatever the node's flag."""
    from django.utils import translation

    from guatu.projects.models import Project

    with translation.override("zh-hans"):
        tips = [row.tip for project in Project.objects.all() for row in wall_rows(project=project)]
    nodes = [tip for tip in tips if "时间节点" in tip]
    assert nodes, "the demo's time nodes have hover texts"
    assert not [tip for tip in tips if "（）" in tip or "()" in tip]
