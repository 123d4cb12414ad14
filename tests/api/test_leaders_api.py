"""A project's 包联市领导 and 工作专班 over the API (issue 34): every representation carries
``leader`` and ``task_force``; POST and PATCH take ``leader`` (a user id), refused at the
field for a user who is not a leader or is another city's."""

import pytest
from django.test import Client

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.org.models import City
from guatu.projects.models import Project, TaskForceMember
from guatu.projects.task_force import task_force_save

pytestmark = pytest.mark.django_db
JSON = "application/json"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staffed(project, users, departments):
    """The project owned by the city's leader, with a lead and three of the 五合一."""
    Project.objects.filter(pk=project.pk).update(leader=users["leader"])
    rows = [
        ("builder_head", "孙建军", "项目经理", "施工项目部", None, "0579-0000 0005"),
        ("lead", "王组长", "副市长", "", departments["交通局"], ""),
        ("unit_head", "陈建国", "局长", "", departments["交通局"], "0579-0000 0002"),
        ("owner_liaison", "赵明", "经理", "铁路公司", None, "+86 579 0000 0004"),
    ]
    task_force_save(
        project=project,
        actor=users["supervisor"],
        rows=[
            dict(zip(("role", "name", "title", "unit", "department", "phone"), values, strict=True))
            | {"id": None}
            for values in rows
        ],
    )
    return project


def test_the_representation_carries_the_leader_and_the_task_force(staffed, users):
    one = client_of(users["town"]).get(f"/api/v1/projects/{staffed.code}")
    assert one.status_code == 200, one.content
    body = one.json()
    assert body["leader"] == {"id": users["leader"].pk, "name": "leader"}
    roles = [member["role"] for member in body["task_force"]]
    assert roles == ["lead", "unit_head", "owner_liaison", "builder_head"]
    unit_head = body["task_force"][1]
    assert unit_head == {
        "role": "unit_head",
        "role_label": str(TaskForceMember.Role.UNIT_HEAD.label),
        "name": "陈建国",
        "title": "局长",
        "unit": "",
        "department": "市交通运输局",
        "phone": "0579-0000 0002",
    }
    assert (
        body["task_force"][2]["unit"] == "铁路公司" and body["task_force"][2]["department"] is None
    )
    (listed,) = client_of(users["leader"]).get("/api/v1/projects").json()
    assert listed["leader"] == body["leader"] and listed["task_force"] == body["task_force"]


def test_a_project_without_either_says_so(project, users):
    body = client_of(users["leader"]).get(f"/api/v1/projects/{project.code}").json()
    assert body["leader"] is None and body["task_force"] == []


def test_the_list_reads_the_task_forces_in_a_fixed_number_of_queries(
    staffed, users, departments, django_assert_max_num_queries
):
    for n in range(5):
        other = Project.objects.create(
            city=staffed.city,
            code=f"p{n}",
            name=f"项目{n}",
            start_date=staffed.start_date,
            owner_department=departments["交通局"],
            leader=users["leader"],
        )
        TaskForceMember.objects.create(project=other, name=f"成员{n}", role="member")
    client = client_of(users["leader"])
    client.get("/api/v1/projects")  # sessions and caches warmed
    with django_assert_max_num_queries(30):
        rows = client.get("/api/v1/projects").json()
    assert len(rows) == 6 and all(row["leader"]["id"] == users["leader"].pk for row in rows)


def test_patch_sets_and_clears_the_leader(project, users):
    office = client_of(users["supervisor"])
    url = f"/api/v1/projects/{project.code}"
    answer = office.patch(url, {"leader": users["leader"].pk}, content_type=JSON)
    assert answer.status_code == 200, answer.content
    assert answer.json()["leader"]["id"] == users["leader"].pk
    project.refresh_from_db()
    assert project.leader == users["leader"]
    cleared = office.patch(url, {"leader": None}, content_type=JSON)
    assert cleared.status_code == 200 and cleared.json()["leader"] is None


@pytest.mark.parametrize("who", ["supervisor", "town", "department"])
def test_patch_refuses_a_user_who_is_not_a_leader_at_the_field(project, users, who):
    answer = client_of(users["supervisor"]).patch(
        f"/api/v1/projects/{project.code}", {"leader": users[who].pk}, content_type=JSON
    )
    assert answer.status_code in (400, 422)
    assert answer.json()["field"] == "leader"
    project.refresh_from_db()
    assert project.leader is None


def test_post_and_patch_refuse_another_citys_leader_and_a_user_not_there(
    project, users, departments
):
    other_city = City.objects.create(name="建德市", code="330182")
    stranger = user_create(
        username="jd_leader", password="pw-jd-leader-1", role=Role.LEADER, city=other_city
    )
    office = client_of(users["supervisor"])
    for leader in (stranger.pk, 987654321):
        patched = office.patch(
            f"/api/v1/projects/{project.code}", {"leader": leader}, content_type=JSON
        )
        assert patched.status_code in (400, 422) and patched.json()["field"] == "leader"
        made = office.post(
            "/api/v1/projects",
            {
                "code": "bridge",
                "name": "江南大桥",
                "owner_department": departments["交通局"].pk,
                "start_date": "2019-03-02",
                "leader": leader,
            },
            content_type=JSON,
        )
        assert made.status_code in (400, 422) and made.json()["field"] == "leader"
        assert "jd_leader" not in made.content.decode()  # nothing of the other city named
    assert not Project.objects.filter(code="bridge").exists()
    made = office.post(
        "/api/v1/projects",
        {
            "code": "bridge",
            "name": "江南大桥",
            "owner_department": departments["交通局"].pk,
            "start_date": "2019-03-02",
            "leader": users["leader"].pk,
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    assert made.json()["leader"]["id"] == users["leader"].pk


@pytest.mark.parametrize("value", [0, -1, "abc", 2**63])
def test_a_leader_id_out_of_shape_is_a_422(project, users, value):
    answer = client_of(users["supervisor"]).patch(
        f"/api/v1/projects/{project.code}", {"leader": value}, content_type=JSON
    )
    assert answer.status_code == 422
    assert "leader" in answer.content.decode()
