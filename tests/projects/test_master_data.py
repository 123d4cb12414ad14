"""The project's master data (项目信息) through the services: each problem at its field.

The 项目代码 is judged by ``core.project_code`` against the city's division and the city's
today (one rule, in ``project_check``); the other master data by their own bounds.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guatu.audit.models import AuditEntry
from guatu.org.models import City, Town
from guatu.projects.models import Project
from guatu.projects.services import project_create, project_update
from tests.office import office

pytestmark = pytest.mark.django_db

GOOD = "2019-330784-48-01-01234X"
TODAY = date(2019, 11, 15)


@pytest.fixture
def jinhua(city):
    """The fixture city as 金华 (a prefecture city, 330700) whose today is in 2019."""
    city.code = "330700"
    city.status_date = TODAY
    city.save()
    return city


def _create(city, departments, **fields):
    return project_create(
        city=city,
        actor=office(),
        code=fields.pop("code", "park"),
        name="石柱镇小微企业园",
        start_date=date(2019, 3, 1),
        owner_department=departments["交通局"],
        **fields,
    )


def _refused(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_good_code_is_stored_as_the_platform_writes_it_fullwidth_included(jinhua, departments):
    project = _create(
        jinhua, departments, project_code="  ２０１９－３３０７８４－４８－０１－０１２３４ｘ "
    )
    project.refresh_from_db()
    assert project.project_code == GOOD


def test_the_citys_own_division_is_accepted_too(jinhua, departments):
    project = _create(jinhua, departments, project_code="2018-330700-48-01-ABCDE1")
    assert project.project_code == "2018-330700-48-01-ABCDE1"


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("2019-3307-48", "2019-3307-48"),  # the shape
        ("2020-330784-48-01-01234X", "2020"),  # a year after the city's today
        ("1989-330784-48-01-01234X", "1989"),  # before the platform
        ("2019-330184-48-01-01234X", "330184"),  # a county of 杭州, another city
        ("2019-440100-48-01-01234X", "440100"),  # another province
        ("2019-330784-4A-01-01234X", "4A"),  # the industry part
        ("2019-330784-48-0B-01234X", "0B"),  # the project type part
        ("2019-330784-48-01-0123-X", "0123-X"),  # the serial and check character
    ],
)
def test_a_bad_code_is_refused_at_the_field_naming_its_part(jinhua, departments, code, named):
    errors = _refused(lambda: _create(jinhua, departments, project_code=code))
    assert list(errors) == ["project_code"]
    assert any(named in message for message in errors["project_code"])
    assert not Project.objects.filter(code="park").exists()


def test_an_update_with_a_bad_code_changes_nothing(jinhua, departments):
    project = _create(jinhua, departments, project_code=GOOD)
    errors = _refused(
        lambda: project_update(
            project=project, actor=office(), project_code="2019-330100-48-01-01234X", builder="甲"
        )
    )
    assert list(errors) == ["project_code"]
    assert "330100" in errors["project_code"][0]
    project.refresh_from_db()
    assert (project.project_code, project.builder) == (GOOD, "")


def test_an_update_with_a_good_code_is_stored_and_audited(jinhua, departments, towns):
    project = _create(jinhua, departments)
    project_update(
        project=project,
        actor=office(),
        project_code="２０１９－３３０７８４－４８－０１－９９９９９９",
        builder="永康市城市建设投资集团",
        total_investment=Decimal("125000.50"),
        level=Project.Level.PROVINCIAL,
        category=Project.Category.NEW,
        stage=Project.Stage.STARTED,
        planned_groundbreaking=date(2019, 4, 1),
        planned_completion=date(2021, 12, 31),
        groundbreaking=date(2019, 5, 8),
        main_content="新建标准厂房 12 万平方米",
        responsible_leader="张副市长",
        responsible_town=towns["石柱镇"],
        preparation="施工许可已取得",
    )
    project.refresh_from_db()
    assert project.project_code == "2019-330784-48-01-999999"
    assert project.total_investment == Decimal("125000.50")
    assert project.responsible_town == towns["石柱镇"]
    entry = AuditEntry.objects.filter(action="project_update").latest("pk")
    assert entry.detail["project_code"] == "2019-330784-48-01-999999"
    assert entry.detail["responsible_town"] == "石柱镇"


def test_the_division_of_another_city_is_refused_though_the_city_is_in_the_same_province(
    jinhua, departments
):
    """永康 (330784) is 金华's; 义乌 is too (330782); 杭州's 萧山 (330109) is not."""
    assert _create(jinhua, departments, code="a", project_code="2019-330782-48-01-000001")
    errors = _refused(
        lambda: _create(jinhua, departments, code="b", project_code="2019-330109-48-01-000001")
    )
    assert "330109" in errors["project_code"][0]


def test_a_code_another_project_of_the_city_has_is_refused(jinhua, departments):
    _create(jinhua, departments, code="a", project_code=GOOD)
    errors = _refused(lambda: _create(jinhua, departments, code="b", project_code=GOOD))
    assert GOOD in errors["project_code"][0]


def test_a_responsible_town_of_another_city_is_refused(jinhua, departments):
    other = City.objects.create(name="杭州市", code="330100")
    town = Town.objects.create(city=other, name="萧山区")
    errors = _refused(lambda: _create(jinhua, departments, responsible_town=town))
    assert list(errors) == ["responsible_town"]


@pytest.mark.parametrize(
    "amount", [Decimal("-0.01"), Decimal("1000000000000"), Decimal("1e30"), Decimal("NaN")]
)
def test_a_total_investment_out_of_bounds_is_refused_at_the_field(jinhua, departments, amount):
    errors = _refused(lambda: _create(jinhua, departments, total_investment=amount))
    assert list(errors) == ["total_investment"]


def test_the_largest_total_investment_is_kept(jinhua, departments):
    project = _create(jinhua, departments, total_investment=Decimal("999999999999.99"))
    project.refresh_from_db()
    assert project.total_investment == Decimal("999999999999.99")


def test_a_completion_planned_before_the_start_of_works_is_refused(jinhua, departments):
    errors = _refused(
        lambda: _create(
            jinhua,
            departments,
            planned_groundbreaking=date(2020, 1, 1),
            planned_completion=date(2019, 12, 31),
        )
    )
    assert list(errors) == ["planned_completion"]
    project = _create(jinhua, departments, planned_completion=date(2020, 6, 30))
    # Moving the start of works past the stored completion: refused at the start.
    errors = _refused(
        lambda: project_update(
            project=project, actor=office(), planned_groundbreaking=date(2020, 7, 1)
        )
    )
    assert list(errors) == ["planned_groundbreaking"]


@pytest.mark.parametrize("name", ["planned_groundbreaking", "planned_completion", "groundbreaking"])
def test_a_master_date_out_of_bounds_is_refused(jinhua, departments, name):
    errors = _refused(lambda: _create(jinhua, departments, **{name: date(9999, 12, 31)}))
    assert list(errors) == [name]


def test_a_level_not_in_the_list_and_a_nul_character_are_refused_at_their_fields(
    jinhua, departments
):
    assert list(_refused(lambda: _create(jinhua, departments, level="national"))) == ["level"]
    assert list(_refused(lambda: _create(jinhua, departments, builder="甲\x00"))) == ["builder"]


def test_a_town_official_may_not_change_the_master_data(jinhua, departments, users):
    from django.core.exceptions import PermissionDenied

    project = _create(jinhua, departments)
    with pytest.raises(PermissionDenied):
        project_update(project=project, actor=users["town"], builder="甲")
