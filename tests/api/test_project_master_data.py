"""The project's master data (项目信息) over the API: the representation carries its
``project_code`` and the rest; POST and PATCH take them, each refusal at its field."""

from datetime import date

import pytest
from django.test import Client

from guatu.org.models import City, Town
from guatu.projects.models import Project

pytestmark = pytest.mark.django_db
JSON = "application/json"
GOOD = "2019-330784-48-01-01234X"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office(users, city):
    city.code = "330700"
    city.status_date = date(2019, 11, 15)
    city.save()
    return client_of(users["supervisor"])


def test_the_representation_carries_the_project_code_and_master_data(office, users, project, towns):
    Project.objects.filter(pk=project.pk).update(
        project_code=GOOD, builder="永康市交通投资集团", responsible_town=towns["石柱镇"]
    )
    listed = client_of(users["leader"]).get("/api/v1/projects")
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["project_code"] == GOOD
    assert row["builder"] == "永康市交通投资集团"
    assert row["responsible_town"] == "石柱镇"
    assert row["lead_department"] == "市交通运输局"
    one = office.get(f"/api/v1/projects/{project.code}")
    assert one.status_code == 200, one.content
    assert one.json()["project_code"] == GOOD and one.json()["total_investment"] is None


def test_post_and_patch_take_the_master_data(office, departments, towns):
    made = office.post(
        "/api/v1/projects",
        {
            "code": "bridge",
            "name": "江南大桥",
            "owner_department": departments["交通局"].pk,
            "start_date": "2019-03-02",
            "project_code": "２０１９－３３０７８４－４８－０１－０１２３４ｘ",
            "total_investment": "58000.25",
            "level": "city",
            "category": "new",
            "responsible_town": towns["前仓镇"].pk,
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    assert made.json()["project_code"] == GOOD
    assert made.json()["responsible_town"] == "前仓镇"
    changed = office.patch(
        "/api/v1/projects/bridge",
        {"stage": "started", "groundbreaking": "2019-06-01", "responsible_town": None},
        content_type=JSON,
    )
    assert changed.status_code == 200, changed.content
    project = Project.objects.get(code="bridge")
    assert (project.stage, project.groundbreaking) == ("started", date(2019, 6, 1))
    assert project.responsible_town is None and project.level == "city"
    cleared = office.patch("/api/v1/projects/bridge", {"project_code": None}, content_type=JSON)
    assert cleared.status_code == 200 and cleared.json()["project_code"] == ""


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"project_code": "2019-440100-48-01-01234X"}, 400, "440100"),
        ({"project_code": "2020-330784-48-01-01234X"}, 400, "2020"),
        ({"project_code": "x" * 61}, 422, ""),
        ({"total_investment": -1}, 422, ""),
        ({"total_investment": 1e30}, 422, ""),
        ({"total_investment": "NaN"}, 422, ""),
        ({"level": "national"}, 400, ""),
        ({"planned_completion": "9999-12-31"}, 422, ""),
        ({"planned_groundbreaking": "2020-01-01", "planned_completion": "2019-01-01"}, 400, ""),
        ({"builder": "甲\u0000"}, 400, ""),
    ],
)
def test_patch_refuses_each_bad_value_at_its_field(office, project, body, status, named):
    before = list(Project.objects.filter(pk=project.pk).values())
    answer = office.patch(f"/api/v1/projects/{project.code}", body, content_type=JSON)
    assert answer.status_code == status, answer.content
    errors = answer.json()["errors"]
    field = next(iter(body)) if len(body) == 1 else "planned_completion"
    assert field in errors, errors
    assert any(named in message for message in errors[field])
    assert list(Project.objects.filter(pk=project.pk).values()) == before


def test_post_refuses_a_code_of_another_division_and_another_citys_town(office, departments):
    base = {
        "code": "bridge",
        "name": "江南大桥",
        "owner_department": departments["交通局"].pk,
        "start_date": "2019-03-02",
    }
    answer = office.post(
        "/api/v1/projects",
        {**base, "project_code": "2019-330109-48-01-01234X"},
        content_type=JSON,
    )
    assert answer.status_code == 400 and answer.json()["field"] == "project_code"
    other = City.objects.create(name="杭州市", code="330100")
    town = Town.objects.create(city=other, name="萧山区")
    answer = office.post(
        "/api/v1/projects", {**base, "responsible_town": town.pk}, content_type=JSON
    )
    assert answer.status_code == 400 and answer.json()["field"] == "responsible_town"
    assert not Project.objects.filter(code="bridge").exists()


def test_a_town_official_may_not_patch_the_master_data(users, project):
    answer = client_of(users["town"]).patch(
        f"/api/v1/projects/{project.code}", {"builder": "甲"}, content_type=JSON
    )
    assert answer.status_code == 403
    project.refresh_from_db()
    assert project.builder == ""
