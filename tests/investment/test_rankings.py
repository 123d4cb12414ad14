"""红黑榜 from the city's standing, exemptions approved by a leader, and the score's part."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guatu.investment.rankings import red_black_lists
from guatu.investment.selectors import city_standing
from guatu.investment.services import exemption_grant, monthly_submit, plan_set, rules_change
from guatu.projects.models import Project
from guatu.supervision.bulletins import investment_content
from guatu.supervision.models import Bulletin, Score
from guatu.supervision.selectors import unit_scores
from guatu.supervision.services import scores_record
from tests.investment.conftest import TODAY, figures
from tests.office import office


@pytest.fixture
def two_towns(city, towns, departments, users):
    """石柱镇 ahead (1,100 of 1,200 by October: 91.7 % against 83.3 %), 前仓镇 behind
    (500 of 1,200: 41.7 %)."""
    city.status_date = TODAY  # the city's today: rules change from it on
    city.save()
    made = {}
    for n, (town, done) in enumerate((("石柱镇", 1100), ("前仓镇", 500))):
        project = Project.objects.create(
            city=city, code=f"p{n}", name=f"{town}项目", start_date=date(2019, 1, 1),
            owner_department=departments["交通局"], responsible_town=towns[town],
        )  # fmt: skip
        plan_set(actor=office(), project=project, year=2019, amount=Decimal(1200))
        monthly_submit(
            actor=office(), project=project, year=2019, month=10, figures=figures(done),
            today=TODAY,
        )  # fmt: skip
        made[town] = project
    return made


def test_lists_by_series(city, two_towns):
    standing = city_standing(city, 2019, 10)
    towns, departments = red_black_lists(city, standing)
    assert [r.name for r in towns.red] == ["石柱镇"]
    assert [b.name for b in towns.black] == ["前仓镇"]
    # The one department is behind overall (1,600 of 2,400 = 66.7 % < 83.3 %).
    assert departments.red == [] and [b.name for b in departments.black] == ["市交通运输局"]
    # The list's figure is the table's figure.
    table = {group.label: group.gap for group in standing.groups["town"]}
    assert towns.red[0].gap == table["石柱镇"]


def test_an_exemption_needs_a_leader_and_a_reason(city, towns, users, two_towns):
    with pytest.raises(PermissionDenied):
        exemption_grant(
            actor=users["supervisor"], city=city, year=2019, month=10, reason="疫情",
            town=towns["前仓镇"],
        )  # fmt: skip
    with pytest.raises(ValidationError):
        exemption_grant(
            actor=users["leader"], city=city, year=2019, month=10, reason=" ",
            town=towns["前仓镇"],
        )  # fmt: skip
    exemption_grant(
        actor=users["leader"], city=city, year=2019, month=10, reason="台风停工（市政府同意）",
        town=towns["前仓镇"],
    )  # fmt: skip
    towns_list, _departments = red_black_lists(city, city_standing(city, 2019, 10))
    assert towns_list.black == [] and [e.town.name for e in towns_list.exempt] == ["前仓镇"]


def test_list_size_is_versioned(city, users, two_towns):
    rules_change(actor=users["supervisor"], city=city, list_size=0, valid_from=TODAY)
    towns, _departments = red_black_lists(city, city_standing(city, 2019, 11))
    assert red_black_lists(city, city_standing(city, 2019, 10))[0].red  # October: v0 still
    assert towns.red == [] and towns.black == []


def test_the_score_takes_investment_only_with_a_weight(city, towns, users, two_towns):
    bulletin = Bulletin.objects.create(
        city=city, period="2019-W47", year=2019,
        content={"towns": [{"name": "石柱镇", "share": 1.0}, {"name": "前仓镇", "share": 1.0}],
                 "departments": []},
    )  # fmt: skip
    scores_record(city=city, bulletin=bulletin)
    assert {str(s.town): s.score for s in Score.objects.all()} == {
        "石柱镇": Decimal("100.00"), "前仓镇": Decimal("100.00"),
    }  # fmt: skip
    assert all(p.rule != "investment" for p in unit_scores(year=2019, unit="town")[0].parts)
    rules_change(actor=users["supervisor"], city=city, score_weight=Decimal(20), valid_from=TODAY)
    Score.objects.all().delete()
    bulletin.period = "2019-W48"  # judged on the city's today, 2019-11-15: October
    # The score reads the bulletin's own printed sums.
    bulletin.content["investment"] = investment_content(city, TODAY)
    bulletin.save()
    scores_record(city=city, bulletin=bulletin)
    scores = {str(s.town): s for s in Score.objects.all()}
    # 石柱镇 ahead: the full 20 points. 前仓镇: 500 of 1,000 due = half of them.
    assert scores["石柱镇"].score == Decimal("100.00")
    assert scores["前仓镇"].score == Decimal("90.00")
    qiancang = next(u for u in unit_scores(year=2019, unit="town") if u.name == "前仓镇")
    part = next(p for p in qiancang.parts if p.rule == "investment")
    assert part.points == Decimal("10.0") and part.figure == Decimal("50.0")
    assert sum(p.points for p in qiancang.parts) == qiancang.score


def test_the_page_shows_the_lists_and_a_leader_exempts_there(city, towns, users, two_towns):
    from django.test import Client

    from guatu.investment.models import Exemption

    leader, office_client = Client(), Client()
    leader.force_login(users["leader"])
    office_client.force_login(users["supervisor"])
    page = office_client.get("/investment/?year=2019&month=10").content.decode()
    assert "红榜" in page and "石柱镇（+" in page and "前仓镇（" in page
    assert "investment/exemptions/" not in page  # the office proposes; a leader approves
    body = {"year": 2019, "month": 10, "unit": f"town:{towns['前仓镇'].pk}", "reason": "台风停工"}
    assert office_client.post("/investment/exemptions/", body).status_code == 403
    assert not Exemption.objects.exists()
    refused = leader.post("/investment/exemptions/", {**body, "reason": ""}, follow=True)
    assert "理由" in refused.content.decode() and not Exemption.objects.exists()
    assert leader.post("/investment/exemptions/", {**body, "month": 13}).status_code == 400
    answer = leader.post("/investment/exemptions/", body)
    assert answer.status_code == 302 and "#red-black" in answer["Location"]
    assert Exemption.objects.get().approved_by == users["leader"]
    page = leader.get("/investment/?year=2019&month=10").content.decode()
    assert "台风停工" in page
    # The API says the same.
    lists = office_client.get("/api/v1/investment/city?year=2019&month=10").json()["red_black"]
    towns_list = next(item for item in lists if item["series"] == "town")
    assert [p["name"] for p in towns_list["red"]] == ["石柱镇"]
    assert towns_list["black"] == [] and towns_list["exempt"] == ["前仓镇"]


def test_the_bulletin_line(city, two_towns):
    from django.utils import translation

    from guatu.investment.lines import red_black_line

    with translation.override("zh-hans"):
        line = red_black_line(red_black_lists(city, city_standing(city, 2019, 10)))
    assert line.startswith("红榜：镇街区 石柱镇（+8.3）") and "黑榜：镇街区 前仓镇（−41.7）" in line


def test_a_cut_takes_no_more_than_the_part(city, towns, users, two_towns):
    from guatu.supervision.services import investment_parts

    rules_change(actor=users["supervisor"], city=city, score_weight=Decimal(20), valid_from=TODAY)
    content = {"investment": investment_content(city, TODAY)}
    towns_group = next(g for g in content["investment"]["groups"] if g["key"] == "town")
    towns_group["rows"][0]["done"] = -500.0  # a 核减 larger than the year so far
    parts, weight = investment_parts(city, content, TODAY)
    assert weight == 0.2 and min(parts.values()) == 0.0
