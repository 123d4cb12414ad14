"""The project's master data (项目信息) on the office's project form and the project page:
a fieldset 投资调度信息 whose values round-trip, each refusal at its field, nobody else in."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from guatu.org.models import City, Town
from guatu.projects.models import Project

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def office(users, city):
    city.code = "330700"
    city.status_date = date(2019, 11, 15)
    city.save()
    return client_for(users["supervisor"])


def form(project: Project, **changes) -> dict:
    """The edit form as the page fills it for *project*, with *changes*."""
    data = {
        "name": project.name,
        "programme": project.programme,
        "owner_department": project.owner_department_id,
        "start_date": project.start_date.isoformat(),
        "deadline": project.deadline.isoformat() if project.deadline else "",
        "calendar": project.calendar,
        "description": project.description,
        "project_code": "",
        "builder": "",
        "total_investment": "",
        "level": "",
        "category": "",
        "stage": "",
        "planned_groundbreaking": "",
        "planned_completion": "",
        "groundbreaking": "",
        "responsible_leader": "",
        "responsible_town": "",
        "preparation": "",
        "main_content": "",
    }
    return {**data, **changes}


def errors_at(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors.get(field, [])
    for error in errors:
        assert html.escape(error) in response.content.decode()  # shown on the page
    return errors


def test_the_form_shows_the_master_data_in_their_fieldset(office, project):
    page = office.get(f"/projects/{project.code}/edit/").content.decode()
    fieldset = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert "<legend>投资调度信息</legend>" in fieldset
    for name in ("project_code", "builder", "total_investment", "responsible_town", "stage"):
        assert f'name="{name}"' in fieldset
    assert 'name="name"' not in fieldset


def test_the_office_saves_the_master_data_and_the_page_shows_them(office, project, towns):
    response = office.post(
        f"/projects/{project.code}/edit/",
        form(
            project,
            project_code="２０１９－３３０７８４－４８－０１－０１２３４Ｘ",
            builder="永康市交通投资集团",
            total_investment="356000.5",
            level="provincial",
            category="continuing",
            stage="building",
            planned_groundbreaking="2016-07-01",
            planned_completion="2020-06-30",
            groundbreaking="2016-12-26",
            responsible_leader="李副市长",
            responsible_town=towns["石柱镇"].pk,
            preparation="",
            main_content="金台铁路永康段 32 公里",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.project_code == "2019-330784-48-01-01234X"
    assert project.total_investment == Decimal("356000.50")
    assert (project.level, project.category, project.stage) == (
        "provincial",
        "continuing",
        "building",
    )
    assert project.responsible_town == towns["石柱镇"]
    assert project.groundbreaking == date(2016, 12, 26)
    # The form read back shows what was saved: the round trip.
    again = office.get(f"/projects/{project.code}/edit/")
    initial = {name: again.context["form"][name].value() for name in ("project_code", "builder")}
    assert initial == {"project_code": "2019-330784-48-01-01234X", "builder": "永康市交通投资集团"}
    page = office.get(f"/projects/{project.code}/").content.decode()
    block = page[page.index('id="master-data"') :]
    block = block[: block.index("</section>")]
    for shown in ("2019-330784-48-01-01234X", "永康市交通投资集团", "356000.50", "石柱镇"):
        assert shown in block
    assert "2016-12-26" in block and "省重点" in block and "续建" in block


@pytest.mark.parametrize(
    ("changes", "field", "named"),
    [
        ({"project_code": "2019-440100-48-01-01234X"}, "project_code", "440100"),
        ({"project_code": "2030-330784-48-01-01234X"}, "project_code", "2030"),
        ({"project_code": "2019-3307"}, "project_code", "2019-3307"),
        ({"total_investment": "-1"}, "total_investment", ""),
        ({"total_investment": "1e30"}, "total_investment", ""),
        ({"planned_groundbreaking": "9999-01-01"}, "planned_groundbreaking", ""),
        (
            {"planned_groundbreaking": "2020-01-01", "planned_completion": "2019-01-01"},
            "planned_completion",
            "2019-01-01",
        ),
    ],
)
def test_bad_master_data_are_refused_at_the_field_and_change_nothing(
    office, project, changes, field, named
):
    before = list(Project.objects.filter(pk=project.pk).values())
    response = office.post(f"/projects/{project.code}/edit/", form(project, **changes))
    errors = errors_at(response, field)
    assert errors and any(named in error for error in errors)
    assert list(Project.objects.filter(pk=project.pk).values()) == before


def test_another_citys_town_is_not_offered(office, project):
    other = City.objects.create(name="杭州市", code="330100")
    town = Town.objects.create(city=other, name="萧山区")
    response = office.post(
        f"/projects/{project.code}/edit/", form(project, responsible_town=town.pk)
    )
    assert errors_at(response, "responsible_town")


def test_a_town_official_may_not_open_or_post_the_form(users, project):
    client = client_for(users["town"])
    assert client.get(f"/projects/{project.code}/edit/").status_code == 403
    response = client.post(f"/projects/{project.code}/edit/", form(project, builder="甲"))
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.builder == ""
    page = client.get(f"/projects/{project.code}/").content.decode()
    assert 'id="master-data"' in page  # everyone reads them
