"""Links and joint milestones go through the services, which refuse bad networks whole."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guatu.progress.joint import joint_milestone_state
from guatu.progress.services import report_submit
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.services import Link, dependencies_add, joint_milestone_create
from tests.office import office

pytestmark = pytest.mark.django_db


def test_links_of_all_four_types_are_stored(project, make_item):
    a, b, c, d = (make_item(code) for code in "abcd")
    dependencies_add(
        actor=office(),
        project=project,
        links=[Link(a, b, "FS", 2), Link(a, c, "SS", -1), Link(b, d, "FF"), Link(c, d, "SF", 3)],
    )
    stored = {
        (x.predecessor.code, x.successor.code, x.type, x.lag_days) for x in Dependency.objects.all()
    }
    assert stored == {
        ("a", "b", "FS", 2),
        ("a", "c", "SS", -1),
        ("b", "d", "FF", 0),
        ("c", "d", "SF", 3),
    }


def test_a_cycle_is_refused_naming_its_items_and_nothing_is_stored(project, make_item):
    a = make_item("a", name="征地")
    b = make_item("b", name="交地")
    c = make_item("c", name="开工")
    dependencies_add(actor=office(), project=project, links=[Link(a, b), Link(b, c)])
    d = make_item("d", name="建成")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        # The first link is fine on its own; the batch must still be refused whole.
        dependencies_add(actor=office(), project=project, links=[Link(c, d), Link(c, a)])
    message = raised.value.messages[0]
    assert "循环" in message
    for name in ("征地", "交地", "开工"):
        assert name in message
    assert "建成" not in message
    assert Dependency.objects.count() == 2


def test_a_self_link_is_refused(project, make_item):
    a = make_item("a")
    with pytest.raises(ValidationError):
        dependencies_add(actor=office(), project=project, links=[Link(a, a)])
    assert not Dependency.objects.exists()


def test_a_link_across_projects_is_refused(project, make_item, city, departments):
    other = Project.objects.create(
        city=city,
        code="other",
        name="其他项目",
        start_date=date(2019, 1, 1),
        owner_department=departments["交通局"],
    )
    a = make_item("a")
    foreign = WorkItem.objects.create(project=other, code="x", name="外部事项")
    with pytest.raises(ValidationError):
        dependencies_add(actor=office(), project=project, links=[Link(a, foreign)])
    assert not Dependency.objects.exists()


def test_a_repeated_pair_is_refused(project, make_item):
    a, b = make_item("a"), make_item("b")
    dependencies_add(actor=office(), project=project, links=[Link(a, b)])
    with pytest.raises(ValidationError):
        dependencies_add(actor=office(), project=project, links=[Link(a, b, "SS")])
    assert Dependency.objects.count() == 1


def test_joint_milestone_is_fed_by_each_branch(project, make_item):
    main, connecting, station = make_item("zx"), make_item("lj"), make_item("zc")
    milestone = joint_milestone_create(
        actor=office(),
        project=project,
        code="jf",
        name="同期交付",
        deadline=date(2020, 6, 30),
        branches=[main, connecting, station],
    )
    assert milestone.joint and milestone.is_milestone and milestone.duration_days == 0
    assert set(milestone.predecessor_links.values_list("predecessor__code", flat=True)) == {
        "zx",
        "lj",
        "zc",
    }


def test_joint_milestone_with_one_branch_is_refused_and_not_stored(project, make_item):
    main = make_item("zx")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        joint_milestone_create(
            actor=office(), project=project, code="jf", name="同期交付", branches=[main]
        )
    assert "同期交付" in raised.value.messages[0]
    assert not WorkItem.objects.filter(code="jf").exists()


def test_joint_milestone_is_reached_only_when_every_branch_is_delivered(project, make_item, users):
    main = make_item("zx", quantity_target=Decimal("7.8"), unit="km")
    connecting = make_item("lj")
    milestone = joint_milestone_create(
        actor=office(), project=project, code="jf", name="同期交付", branches=[main, connecting]
    )
    town = users["town"]
    report_submit(
        work_item=main,
        reported_by=town,
        reported_on=date(2019, 11, 15),
        quantity=Decimal("7.8"),
        today=date(2019, 11, 15),
    )
    report_submit(
        work_item=connecting,
        reported_by=town,
        reported_on=date(2019, 11, 15),
        percent=Decimal(60),
        today=date(2019, 11, 15),
    )
    state = joint_milestone_state(milestone=milestone)
    assert not state.reached
    assert [b.item.code for b in state.outstanding] == ["lj"]
    report_submit(
        work_item=connecting,
        reported_by=town,
        reported_on=date(2019, 11, 22),
        percent=Decimal(100),
        today=date(2019, 11, 22),
    )
    assert joint_milestone_state(milestone=milestone).reached
