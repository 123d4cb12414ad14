"""领导包联 and 工作专班 (issue 34): a project's 包联市领导 is one of its city's leaders, on
every path; the 专班 is written whole or not at all, its refusals at the row and field."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.audit.models import AuditEntry
from guatu.org.models import City, Department
from guatu.projects.models import Project, TaskForceMember
from guatu.projects.selectors import city_leaders, led_by, project_task_force
from guatu.projects.services import project_create, project_update
from guatu.projects.task_force import task_force_save

pytestmark = pytest.mark.django_db

Role5 = TaskForceMember.Role
FIVE = [
    (Role5.RESPONSIBLE_LEADER, "王立新", "副市长", "永康市人民政府", "0579-0000 0001"),
    (Role5.UNIT_HEAD, "陈建国", "局长", "", "0579-0000 0002"),
    (Role5.RESIDENT, "徐卫东", "驻点干部", "石柱镇人民政府", "+86 579 0000 0003"),
    (Role5.OWNER_LIAISON, "赵明", "经理", "金台铁路有限责任公司", "0579-0000-0004"),
    (Role5.BUILDER_HEAD, "孙建军", "项目经理", "施工项目部", "13900000005"),
]


def row(role, name, title="", unit="", phone="", department=None, id=None) -> dict:
    return {
        "id": id,
        "role": role,
        "name": name,
        "title": title,
        "unit": unit,
        "department": department,
        "phone": phone,
    }


def stored(project) -> list[tuple]:
    return list(project_task_force(project=project).values_list("role", "name", "unit", "phone"))


def test_a_leader_of_the_city_owns_the_project_and_the_change_is_audited(project, users):
    leader, office = users["leader"], users["supervisor"]
    project_update(project=project, actor=office, leader=leader)
    project.refresh_from_db()
    assert project.leader == leader
    assert list(led_by(leader)) == [project]
    assert list(led_by(office)) == []  # only a leader leads
    assert list(city_leaders(project.city)) == [leader]
    entry = AuditEntry.objects.filter(action="project_update").latest("pk")
    assert entry.detail == {"leader": str(leader)}
    project_update(project=project, actor=office, leader=None)
    assert list(led_by(leader)) == []


@pytest.mark.parametrize("who", ["supervisor", "department", "town", "admin"])
def test_a_user_who_is_not_a_leader_is_refused_at_the_field(project, users, who):
    with pytest.raises(ValidationError) as refused:
        project_update(project=project, actor=users["supervisor"], leader=users[who])
    assert list(refused.value.message_dict) == ["leader"]
    project.refresh_from_db()
    assert project.leader is None


def test_another_citys_leader_and_a_leader_who_left_are_refused(project, users, departments):
    other_city = City.objects.create(name="建德市", code="330182")
    stranger = user_create(
        username="jd_leader", password="pw-jd-leader-1", role=Role.LEADER, city=other_city
    )
    with pytest.raises(ValidationError) as refused:
        project_update(project=project, actor=users["supervisor"], leader=stranger)
    assert "leader" in refused.value.message_dict
    gone = users["leader"]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        project_update(project=project, actor=users["supervisor"], leader=gone)
    assert "leader" in refused.value.message_dict
    # Creating a project says the same.
    with pytest.raises(ValidationError) as refused:
        project_create(
            city=project.city,
            actor=users["supervisor"],
            code="other",
            name="另一个项目",
            start_date=project.start_date,
            owner_department=departments["交通局"],
            leader=users["town"],
        )
    assert "leader" in refused.value.message_dict


def test_the_five_in_one_roles_are_stored_with_units_and_phones_and_audited(project, users):
    rows = [row(role, name, title, unit, phone) for role, name, title, unit, phone in FIVE]
    rows.append(row(Role5.LEAD, "王组长", department=project.owner_department))
    task_force_save(project=project, actor=users["supervisor"], rows=rows)
    members = stored(project)
    # The lead first, then the 五合一 in their order.
    assert members[0] == ("lead", "王组长", "", "")
    assert [m[0] for m in members[1:]] == [
        "leader",
        "unit_head",
        "resident",
        "owner_liaison",
        "builder_head",
    ]
    assert ("resident", "徐卫东", "石柱镇人民政府", "+86 579 0000 0003") in members
    entry = AuditEntry.objects.get(action="task_force_save")
    assert len(entry.detail["members"]) == 6 and entry.detail["removed"] == []


def test_rows_are_kept_changed_added_and_removed_together(project, users):
    office = users["supervisor"]
    first = task_force_save(
        project=project,
        actor=office,
        rows=[row(Role5.LEAD, "甲"), row(Role5.MEMBER, "乙"), row(Role5.MEMBER, "丙")],
    )
    lead, second, third = first
    # The lead steps down to deputy while 乙 becomes the lead; 丙 leaves; 丁 joins.
    task_force_save(
        project=project,
        actor=office,
        rows=[
            row(Role5.DEPUTY, "甲", id=lead.pk),
            row(Role5.LEAD, "乙", phone="0579-1", id=second.pk),
            row(Role5.MEMBER, "丁"),
        ],
    )
    assert stored(project) == [
        ("lead", "乙", "", "0579-1"),
        ("deputy", "甲", "", ""),
        ("member", "丁", "", ""),
    ]
    assert not TaskForceMember.objects.filter(pk=third.pk).exists()
    assert TaskForceMember.objects.get(name="乙").pk == second.pk  # kept, not made again


@pytest.mark.parametrize(
    "bad, where",
    [
        (row(Role5.MEMBER, "乙", phone="0579-8765x"), "1-phone"),
        (row(Role5.MEMBER, "乙", phone="1" * 31), "1-phone"),
        (row(Role5.MEMBER, "乙", phone="电话0579"), "1-phone"),
        (row(Role5.MEMBER, ""), "1-name"),
        (row("chair", "乙"), "1-role"),
        (row(Role5.LEAD, "乙"), "1-role"),  # a second lead
        (row(Role5.MEMBER, "乙" * 51), "1-name"),
        (row(Role5.MEMBER, "乙", unit="单位\x00"), "1-unit"),
    ],
)
def test_one_bad_row_stores_nothing_and_is_named_at_its_row_and_field(project, users, bad, where):
    office = users["supervisor"]
    task_force_save(project=project, actor=office, rows=[row(Role5.MEMBER, "原成员")])
    before = stored(project)
    with pytest.raises(ValidationError) as refused:
        task_force_save(project=project, actor=office, rows=[row(Role5.LEAD, "甲"), bad])
    assert list(refused.value.message_dict) == [where]
    assert stored(project) == before


def test_a_department_of_another_city_and_a_member_of_another_project(project, users):
    office = users["supervisor"]
    other_city = City.objects.create(name="建德市", code="330182")
    foreign = Department.objects.create(city=other_city, name="建德市林业水利局")
    with pytest.raises(ValidationError) as refused:
        task_force_save(
            project=project, actor=office, rows=[row(Role5.UNIT_HEAD, "甲", department=foreign)]
        )
    assert list(refused.value.message_dict) == ["0-department"]
    elsewhere = Project.objects.create(
        city=project.city,
        code="elsewhere",
        name="别的项目",
        start_date=project.start_date,
        owner_department=project.owner_department,
    )
    theirs = TaskForceMember.objects.create(project=elsewhere, name="别人", role="member")
    with pytest.raises(ValidationError) as refused:
        task_force_save(
            project=project, actor=office, rows=[row(Role5.MEMBER, "改名", id=theirs.pk)]
        )
    assert list(refused.value.message_dict) == ["0-id"]
    theirs.refresh_from_db()
    assert theirs.name == "别人" and theirs.project == elsewhere


@pytest.mark.parametrize("who", ["leader", "department", "town", "admin"])
def test_only_the_office_edits_a_task_force_and_a_refusal_is_audited(project, users, who):
    with pytest.raises(PermissionDenied):
        task_force_save(project=project, actor=users[who], rows=[row(Role5.MEMBER, "甲")])
    assert not project.task_force.exists()
    denied = AuditEntry.objects.get(action="task_force_save")
    assert denied.allowed is False and denied.user == users[who]


def test_more_rows_than_a_task_force_holds_are_refused_whole(project, users):
    rows = [row(Role5.MEMBER, f"成员{n}") for n in range(41)]
    with pytest.raises(ValidationError) as refused:
        task_force_save(project=project, actor=users["supervisor"], rows=rows)
    assert refused.value.messages and not project.task_force.exists()
