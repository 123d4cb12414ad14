"""The 永康 2019 scenario: the page's facts, every light, blockers, an escalation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from guatu.accounts.models import Role, User
from guatu.demo.build import demo_build
from guatu.demo.scenario import TODAY
from guatu.org.models import Town, Village
from guatu.progress.joint import joint_milestone_state
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.selectors import latest_reports
from guatu.projects.models import Project, WorkItem
from guatu.supervision.models import EscalationEvent

pytestmark = pytest.mark.django_db


def test_the_railway_has_the_pages_dates_and_47_villages_in_5_towns(demo):
    railway = Project.objects.get(name="金台铁路永康段")
    assert railway.start_date == date(2016, 7, 1)
    assert railway.deadline == date(2020, 6, 30)
    villages = Village.objects.filter(work_items__project=railway).distinct()
    assert villages.count() == 47
    assert villages.values("town").distinct().count() == 5
    assert {"石柱镇", "前仓镇"} <= set(villages.values_list("town__name", flat=True))


def test_main_line_connecting_line_and_stations_are_delivered_together(demo):
    railway = Project.objects.get(name="金台铁路永康段")
    milestone = railway.work_items.get(joint=True)
    assert milestone.deadline == date(2020, 6, 30)
    branches = [b.item.name for b in joint_milestone_state(milestone=milestone).branches]
    assert any("主线" in n for n in branches)
    assert any("连接线" in n for n in branches)
    assert any("站" in n for n in branches)
    assert not joint_milestone_state(milestone=milestone).reached


def test_the_main_line_is_handed_over_and_the_jinwen_works_lag(demo):
    latest = latest_reports(work_item_ids=WorkItem.objects.values_list("pk", flat=True))
    handover = WorkItem.objects.get(name="主线全线交地")
    assert latest[handover.pk].percent_complete == 100
    relocation = WorkItem.objects.filter(name__startswith="金温铁路外迁")
    assert relocation.count() >= 3
    assert all(
        item.pk not in latest or latest[item.pk].percent_complete < 100 for item in relocation
    )


def test_all_real_towns_and_the_parks_programme(demo):
    assert Town.objects.count() == 15
    assert {"石柱镇", "前仓镇", "江南街道", "经济开发区"} <= set(
        Town.objects.values_list("name", flat=True)
    )
    parks = Project.objects.filter(programme="小微企业园")
    assert parks.count() >= 5
    phases = set(WorkItem.objects.filter(project__in=parks).values_list("phase__name", flat=True))
    assert {"违建拆除", "征地", "规划", "设计", "组卷报批", "开工", "建成"} <= phases


def _light(item: WorkItem, percent: Decimal | None) -> str:
    """The default rules of DESIGN.md with a linear plan in calendar days.

    A stand-in until the status engine exists, to show that the data the demo
    carries produce every light.
    """
    if percent is not None and percent >= 100:
        return "done"
    if item.planned_start is None or TODAY < item.planned_start:
        return "not_started"
    finish = item.planned_start + timedelta(days=item.duration_days)
    if percent is None:
        return "red"  # planned to have started, nothing reported
    if TODAY > finish or (item.deadline and TODAY > item.deadline):
        return "red"
    planned = 100 * (TODAY - item.planned_start).days / max(item.duration_days, 1)
    lag = planned - float(percent)
    return "green" if lag <= 10 else "yellow" if lag <= 30 else "red"


def test_the_scenario_shows_every_light(demo):
    items = list(WorkItem.objects.filter(kind=WorkItem.Kind.TASK))
    latest = latest_reports(work_item_ids=[i.pk for i in items], as_of=TODAY)
    lights = {
        _light(item, latest[item.pk].percent_complete if item.pk in latest else None)
        for item in items
    }
    assert lights == {"green", "yellow", "red", "done", "not_started"}


def test_weekly_reports_up_to_today_only(demo):
    assert ProgressReport.objects.filter(reported_on=TODAY).count() >= 20
    assert not ProgressReport.objects.filter(reported_on__gt=TODAY).exists()
    fridays = ProgressReport.objects.filter(reported_on__gte=date(2019, 8, 2)).dates(
        "reported_on", "day"
    )
    assert sum(1 for d in fridays if d.weekday() == 4) >= 15


def test_blockers_and_an_escalation_ladder(demo):
    overdue = Blocker.objects.filter(status=Blocker.Status.OPEN, due_on__lt=TODAY)
    assert overdue.filter(description__contains="3户未签约").exists()
    assert Blocker.objects.filter(status=Blocker.Status.RESOLVED).exists()
    ladder = EscalationEvent.objects.filter(work_item__project__code="park-gushan").order_by(
        "period"
    )
    assert [e.level for e in ladder] == ["reminder", "notice", "interview"]


def test_one_demo_user_per_role_with_the_printed_password(demo):
    for username in ("leader", "supervisor", "dept_jiaotong", "town_shizhu", "admin"):
        assert User.objects.get(username=username).check_password("guatu-demo-2019")
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_building_twice_changes_nothing(demo):
    counts = (Project.objects.count(), ProgressReport.objects.count(), User.objects.count())
    again = demo_build()
    assert not again.created
    assert counts == (Project.objects.count(), ProgressReport.objects.count(), User.objects.count())


def test_the_railway_has_a_critical_path_to_its_deadline(demo):
    railway = Project.objects.get(code="jintai-railway")
    critical = set(railway.work_items.filter(critical=True).values_list("code", flat=True))
    assert {"wq-xl", "tc-jf"} <= critical
    milestone = railway.work_items.get(code="tc-jf")
    assert milestone.late_finish == date(2020, 6, 30)
    assert railway.work_items.filter(total_float__gt=0).exists()
    assert not railway.work_items.filter(late_finish__isnull=True).exists()


def test_the_demo_lights_tell_the_seed_pages_story(demo):
    from guatu.progress.status import items_status, projects_light

    railway = Project.objects.get(code="jintai-railway")
    items = {item.code: item for item in railway.work_items.all()}
    status = items_status(items=list(items.values()))
    # 主线工程已全线完成交地: every main-line land item and the handover are done, on time.
    for code in ("zx-zd-1", "zx-zd-2", "zx-zd-3", "zx-zd-4", "zx-zd-5", "zx-jd"):
        assert status[items[code].pk].light == "done", code
    assert status[items["zx-jd"].pk].flag == "done_on_time"
    # 金温铁路永康段外迁 … 进展稍显落后: the relocation works are behind.
    relocation = [status[items[code].pk].light for code in ("wq-zc-1", "wq-zc-2", "wq-zd")]
    assert relocation.count("red") >= 2 and "green" not in relocation
    # Some main-line sections are fine, one is flagged early.
    assert status[items["zx-tj-1"].pk].light == "green"
    assert any(status[items[f"zx-tj-{n}"].pk].warning for n in range(1, 6))
    lights = projects_light(projects=list(Project.objects.all()))
    assert lights[railway.pk] == "red"
    assert lights[Project.objects.get(code="park-gushan").pk] == "red"
    assert set(lights.values()) >= {"red", "yellow", "green"}
