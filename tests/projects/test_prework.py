"""前期 nodes: the city's template, applied to a project backwards from its 计划开工."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import translation

from guatu.audit.models import AuditEntry
from guatu.core.calendar import WorkCalendar
from guatu.core.prework import DEFAULT, schedule_backward
from guatu.org.models import City, Department
from guatu.progress.status import status_table
from guatu.projects.models import Dependency, PreworkNode, PreworkTemplate, Project, WorkItem
from guatu.projects.prework import (
    prework_apply,
    prework_template,
    prework_template_save,
    template_rows,
)
from tests.office import office

pytestmark = pytest.mark.django_db

SMALL_NODES = [
    {"code": "a", "name": "立项", "duration_days": 3, "department": "land"},
    {"code": "b", "name": "可研批复", "duration_days": "2", "department": ""},
    {"code": "c", "name": "环评", "duration_days": 2},
    {"code": "d", "name": "具备开工条件", "duration_days": 0},
]
SMALL_LINKS = [
    {"predecessor": "a", "successor": "b", "kind": "FS", "lag_days": 0},
    {"predecessor": "a", "successor": "c", "kind": "SS", "lag_days": 1},
    {"predecessor": "b", "successor": "d"},
    {"predecessor": "c", "successor": "d", "kind": "FS", "lag_days": "0"},
]


@pytest.fixture
def park(city, departments) -> Project:
    """A working-day project breaking ground on 2019-10-09, its data date 2019-09-02."""
    city.status_date = date(2019, 9, 2)
    city.save()
    return Project.objects.create(
        city=city,
        code="park",
        name="龙山小微园",
        start_date=date(2019, 9, 2),
        deadline=date(2020, 12, 31),
        calendar=Project.Calendar.WORKING_DAY,
        planned_groundbreaking=date(2019, 10, 9),
        owner_department=departments["交通局"],
    )


def small_template(city, departments):
    land = departments["自然资源局"].pk
    nodes = [{**row, "department": land} if row.get("department") == "land" else row
             for row in SMALL_NODES]  # fmt: skip
    return prework_template_save(actor=office(), city=city, nodes=nodes, links=SMALL_LINKS)


def test_the_small_template_applied_by_hand(park, city, departments, users):
    """Dates worked by hand (tests/core/test_prework.py): everything done by Tuesday
    10-08; 立项 works 09-26, 09-27 and Sunday 09-29 (调休) before 国庆."""
    small_template(city, departments)
    applied = prework_apply(actor=users["supervisor"], project=park)
    assert applied.finish_by == date(2019, 10, 8)
    assert applied.first_start == date(2019, 9, 26)
    assert not applied.before_project_start
    items = {item.prework_code: item for item in WorkItem.objects.filter(project=park)}
    got = {
        code: (i.code, i.kind, i.duration_days, i.planned_start, i.deadline, i.plan_start,
               i.plan_finish, i.late_finish, i.total_float, i.phase.code)
        for code, i in items.items()
    }  # fmt: skip
    s26, s29, s30, o8 = date(2019, 9, 26), date(2019, 9, 29), date(2019, 9, 30), date(2019, 10, 8)
    assert got == {
        "a": ("qq-a", "task", 3, s26, s29, s26, s29, s29, 0, "prework"),
        "b": ("qq-b", "task", 2, s30, o8, s30, o8, o8, 0, "prework"),
        "c": ("qq-c", "task", 2, s30, o8, s30, o8, o8, 0, "prework"),
        "d": ("qq-d", "milestone", 0, None, o8, o8, o8, o8, 0, "prework"),
    }
    assert items["a"].owner_department == departments["自然资源局"]
    assert items["b"].owner_department == park.owner_department  # the owner's own work
    links = set(
        Dependency.objects.filter(successor__project=park).values_list(
            "predecessor__code", "successor__code", "type", "lag_days"
        )
    )
    assert links == {
        ("qq-a", "qq-b", "FS", 0),
        ("qq-a", "qq-c", "SS", 1),
        ("qq-b", "qq-d", "FS", 0),
        ("qq-c", "qq-d", "FS", 0),
    }
    entry = AuditEntry.objects.filter(action="prework_apply").get()
    assert entry.detail["nodes"] == 4 and entry.detail["finish_by"] == "2019-10-08"


def test_the_default_on_a_calendar_day_project_keeps_the_working_day_dates(city, departments):
    """A 日历天 project: each node spans the same days, counted as calendar days.
    施工许可证核发 (5 working days) ends Monday 12-30 and starts 12-24: 7 calendar days."""
    city.status_date = date(2019, 1, 2)
    city.save()
    project = Project.objects.create(
        city=city, code="cal", name="日历天项目", start_date=date(2019, 1, 2),
        planned_groundbreaking=date(2019, 12, 31), owner_department=departments["交通局"],
    )  # fmt: skip
    applied = prework_apply(actor=office(), project=project)
    assert len(applied.items) == len(DEFAULT.nodes) >= 30
    items = {i.prework_code: i for i in WorkItem.objects.filter(project=project)}
    permit = items["construction-permit"]
    assert (permit.plan_start, permit.plan_finish, permit.duration_days) == (
        date(2019, 12, 24),
        date(2019, 12, 30),
        7,
    )
    assert items["ready"].plan_finish == date(2019, 12, 30) and items["ready"].is_milestone
    expected = schedule_backward(
        DEFAULT, finish_by=date(2019, 12, 30), calendar=WorkCalendar.official()
    )
    for node in expected:
        item = items[node.code]
        assert (item.plan_start, item.plan_finish) == (node.start, node.finish), node.code
        assert item.late_finish == node.finish and item.total_float == 0, node.code
    # Departments the city has are the owners; the others fall to the project's.
    assert items["site"].owner_department == departments["自然资源局"]
    assert items["environment"].owner_department == project.owner_department


def test_a_project_without_planned_groundbreaking_is_refused_at_that_field(park, users):
    park.planned_groundbreaking = None
    park.save()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        prework_apply(actor=users["supervisor"], project=park)
    assert list(raised.value.message_dict) == ["planned_groundbreaking"]
    assert "计划开工" in raised.value.messages[0]
    assert not WorkItem.objects.filter(project=park).exists()


def test_applying_twice_is_refused_and_changes_nothing(park, users):
    prework_apply(actor=users["supervisor"], project=park)
    count = WorkItem.objects.filter(project=park).count()
    with pytest.raises(ValidationError) as raised:
        prework_apply(actor=users["supervisor"], project=park)
    assert f"{count} " in raised.value.messages[0]
    assert WorkItem.objects.filter(project=park).count() == count


@pytest.mark.parametrize("role", ["town", "department", "leader", "admin"])
def test_only_the_office_applies_or_edits_the_template(park, city, users, role):
    with pytest.raises(PermissionDenied):
        prework_apply(actor=users[role], project=park)
    with pytest.raises(PermissionDenied):
        prework_template_save(actor=users[role], city=city, nodes=SMALL_NODES, links=[])
    assert not WorkItem.objects.filter(project=park).exists()
    assert not PreworkTemplate.objects.exists()
    denied = set(
        AuditEntry.objects.filter(user=users[role], allowed=False).values_list("action", flat=True)
    )
    assert denied == {"prework_apply", "prework_template_save"}


def test_the_template_is_the_default_until_used_then_stored_with_the_citys_departments(
    city, departments
):
    rows = template_rows(city)
    assert not rows.stored and not PreworkTemplate.objects.exists()  # read, not written
    assert len(rows.nodes) == len(DEFAULT.nodes)
    by_code = {node.code: node for node in rows.nodes}
    assert by_code["site"].department == departments["自然资源局"]  # 市自然资源和规划局
    assert by_code["environment"].department is None  # the city has no 生态环境局
    stored = prework_template(city)
    assert prework_template(city) == stored  # made once
    assert PreworkNode.objects.filter(template=stored).count() == len(DEFAULT.nodes)
    assert template_rows(city).stored


def test_bad_rows_are_each_named_and_nothing_is_saved(city, departments):
    small_template(city, departments)
    before = list(PreworkNode.objects.values_list("code", "name", "duration_days"))
    other = City.objects.create(name="别的市", code="330001")
    foreign = Department.objects.create(city=other, name="别的市自然资源局")
    nodes = [
        {"code": "a", "name": "立项", "duration_days": 3, "department": foreign.pk},
        {"code": "B!", "name": "可研", "duration_days": "二"},
        {"code": "a", "name": "", "duration_days": -1},
    ]
    links = [{"predecessor": "a", "successor": "zz", "kind": "SF", "lag_days": "x"}]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        prework_template_save(actor=office(), city=city, nodes=nodes, links=links)
    errors = raised.value.message_dict
    assert set(errors) == {
        "nodes.1.department",
        "nodes.2.code",
        "nodes.2.duration_days",
        "nodes.3.code",
        "nodes.3.name",
        "nodes.3.duration_days",
        "links.1.successor",
        "links.1.kind",
        "links.1.lag_days",
    }
    for key, messages in errors.items():
        row = key.split(".")[1]
        assert row in messages[0], messages  # the message names its row (and field)
    assert "工期" in errors["nodes.2.duration_days"][0] or "duration" in str(errors)
    assert list(PreworkNode.objects.values_list("code", "name", "duration_days")) == before


def test_a_cycle_is_refused_naming_the_nodes(city):
    with pytest.raises(ValidationError) as raised:
        prework_template_save(
            actor=office(),
            city=city,
            nodes=SMALL_NODES[1:3],
            links=[
                {"predecessor": "b", "successor": "c"},
                {"predecessor": "c", "successor": "b"},
            ],
        )
    [message] = raised.value.message_dict["links.2.successor"]
    assert "可研批复" in message and "环评" in message
    assert not PreworkTemplate.objects.exists()


def test_a_saved_template_replaces_the_old_one_and_is_audited(city, departments):
    small_template(city, departments)
    prework_template_save(actor=office(), city=city, nodes=SMALL_NODES[1:2], links=[])
    rows = template_rows(city)
    assert [(n.code, n.duration_days) for n in rows.nodes] == [("b", 2)]
    assert rows.links == [] and rows.updated_by
    assert AuditEntry.objects.filter(action="prework_template_save").count() == 2


def test_a_chain_longer_than_the_time_left_starts_before_the_project(park, city, departments):
    """计划开工 three working days after the start: the 前期 would have begun earlier."""
    small_template(city, departments)
    park.planned_groundbreaking = date(2019, 9, 5)
    park.save()
    applied = prework_apply(actor=office(), project=park)
    assert applied.before_project_start
    assert applied.first_start < park.start_date
    late = WorkItem.objects.filter(project=park, total_float__lt=0)
    assert late.exists()  # shown as late, not hidden


def test_the_demo_park_has_its_prework_nodes_by_hand(demo):
    """龙山镇小微企业园 breaks ground on 2019-12-31; counted back by hand from Monday
    12-30 in working days: 施工许可 12-24…12-30, 质量安全监督登记 12-17…12-23, 施工合同
    12-10…12-16, 施工招标 (25 days) 11-05…12-09, its 具备开工条件 on 12-30."""
    project = Project.objects.get(code="park-longshan")
    items = {i.prework_code: i for i in project.work_items.exclude(prework_code="")}
    assert len(items) >= 30
    expected = {
        "construction-permit": (date(2019, 12, 24), date(2019, 12, 30)),
        "quality-safety": (date(2019, 12, 17), date(2019, 12, 23)),
        "contract": (date(2019, 12, 10), date(2019, 12, 16)),
        "tender": (date(2019, 11, 5), date(2019, 12, 9)),
        "ready": (date(2019, 12, 30), date(2019, 12, 30)),
    }
    for code, dates in expected.items():
        assert (items[code].plan_start, items[code].plan_finish) == dates, code
        assert items[code].deadline == dates[1]
    assert all(i.phase.code == "prework" for i in items.values())
    done = [i for i in items.values() if i.deadline <= date(2019, 11, 15)]
    assert done and all(i.reports.filter(percent_complete=100).exists() for i in done)
    # On schedule on the story's today: done, under way as planned, or not yet due.
    statuses = status_table(items=Q(project=project), city=project.city).statuses()
    lights = {statuses[i.pk].light for i in items.values()}
    assert "red" not in lights and "done" in lights, lights
