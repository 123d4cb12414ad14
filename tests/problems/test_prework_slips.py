"""A 前期 node that slipped is a problem by itself (手续审批), once while it is open."""

from datetime import date

from guatu.common.events import RisksWarmed, publish
from guatu.problems.models import ProblemStep
from guatu.problems.prework import prework_slips
from guatu.progress.models import Blocker
from tests.problems.conftest import TODAY


def test_a_slipped_prework_node_opens_one_problem(
    today_city, make_item, users, django_capture_on_commit_callbacks
):
    late = make_item("lx", name="项目立项", prework_code="lixiang", planned_start=date(2019, 10, 8))
    make_item("hp", name="环评批复", prework_code="huanping", planned_start=date(2019, 12, 2))
    make_item("zd", name="征地", planned_start=date(2019, 10, 8))  # late, but not 前期
    opened = prework_slips(today_city, TODAY)
    assert [b.work_item for b in opened] == [late]
    problem = opened[0]
    assert (problem.category, problem.source, problem.status) == ("approval", "prework", "open")
    # Due in the first level's 10 working days (the office's calendar).
    assert problem.due_on == date(2019, 11, 29)
    assert problem.steps.get().kind == ProblemStep.Kind.REPORTED
    assert prework_slips(today_city, TODAY) == []  # one open problem per node

    # The worker's round sweeps too (after its commit); a closed one lets a new one open.
    Blocker.objects.all().update(status="resolved", resolution="x", resolved_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        publish(RisksWarmed((today_city.pk,)))
    assert Blocker.objects.filter(status="open", work_item=late).count() == 1
