"""Admission decisions: versioned criteria, reasons kept, batch screening all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guatu.core.enterprise import complete_credit_code
from guatu.parks.models import Application, CriteriaSet, Enterprise, Evaluation, Park, ParkUnit
from guatu.parks.services import (
    application_evaluate,
    applications_screen,
    criteria_change,
    unit_allocate,
)
from tests.ledger.files import csv_file, xlsx

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 15)
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "税收（万元）",
    "产值（万元）",
    "增加值（万元）",
    "能耗（吨标准煤）",
    "从业人数",
    "研发投入（万元）",
    "现用地（亩）",
    "申请面积（㎡）",
    "计划投资（万元）",
    "环保无违法",
]


def code(n: int) -> str:
    return complete_credit_code(f"91330784MA2D{n:04d}0")


@pytest.fixture
def park(city, towns, users):
    city.status_date = TODAY
    city.save(update_fields=["status_date"])
    park = Park.objects.create(
        city=city,
        town=towns["石柱镇"],
        code="p1",
        name="石柱镇小微企业园",
        land_area_mu=180,
        floor_area_m2=210000,
        leading_industries="C33、C34",
    )
    for n in range(1, 4):
        ParkUnit.objects.create(park=park, code=f"A-{n}", floor_area_m2=2400)
    CriteriaSet.objects.create(
        park=park,
        version=1,
        valid_from=date(2019, 6, 1),
        min_tax_per_mu=Decimal(25),
        negative_list="C2927",
        created_by=users["supervisor"],
    )
    return park


def apply(park, n, tax, industry="C3311", **figures):
    enterprise = Enterprise.objects.create(
        city=park.city, credit_code=code(n), name=f"企业{n}", industry=industry
    )
    values = dict(
        tax=tax,
        output=5000,
        value_added=1200,
        energy=400,
        employees=80,
        rd=150,
        land_mu=10,
        floor_area=3000,
        investment=3000,
        submitted_on=date(2019, 9, 1),
    )
    return Application.objects.create(
        park=park, enterprise=enterprise, year=2018, **{**values, **figures}
    )


def test_a_criteria_change_leaves_past_decisions_explained_by_the_old_version(park, users):
    firm = apply(park, 1, tax=280)  # 28 万元/亩
    before = application_evaluate(actor=users["supervisor"], application=firm, on=date(2019, 9, 16))
    assert before.admitted and before.criteria.version == 1
    criteria_change(
        actor=users["supervisor"], park=park, valid_from=TODAY, min_tax_per_mu=Decimal(30)
    )
    after = application_evaluate(actor=users["supervisor"], application=firm, on=TODAY)
    assert not after.admitted and after.criteria.version == 2
    assert after.failed == [
        {
            "key": "tax_per_mu",
            "label": "tax per mu (万元/亩)",
            "value": "28.00",
            "threshold": "≥ 30.00",
            "passed": False,
        }
    ]
    before.refresh_from_db()
    assert before.admitted and before.criteria.version == 1, "the September decision stands"
    assert before.results[0]["threshold"] == "≥ 25.00"
    with pytest.raises(ValidationError):
        criteria_change(actor=users["supervisor"], park=park, valid_from=date(2019, 1, 1))


def test_allocation_and_the_waiting_list(park, users):
    firm = apply(park, 1, tax=300)
    application_evaluate(actor=users["supervisor"], application=firm, on=TODAY)
    unit = park.units.get(code="A-1")
    unit_allocate(actor=users["town"], application=firm, unit=unit, status="sold")
    unit.refresh_from_db()
    firm.refresh_from_db()
    assert (unit.status, unit.enterprise, firm.status) == ("sold", firm.enterprise, "allocated")
    other = apply(park, 2, tax=300)
    application_evaluate(actor=users["supervisor"], application=other, on=TODAY)
    with pytest.raises(ValidationError):
        unit_allocate(actor=users["supervisor"], application=other, unit=unit)
    rejected = apply(park, 3, tax=100)
    application_evaluate(actor=users["supervisor"], application=rejected, on=TODAY)
    with pytest.raises(ValidationError):
        unit_allocate(
            actor=users["supervisor"], application=rejected, unit=park.units.get(code="A-2")
        )


def test_only_the_parks_town_and_the_supervision_office_decide(park, users, towns):
    firm = apply(park, 1, tax=300)
    for role in ("leader", "department"):
        with pytest.raises(PermissionDenied):
            application_evaluate(actor=users[role], application=firm)
    other_town = type(users["town"]).objects.create(
        username="qc", role="town", town=towns["前仓镇"]
    )
    with pytest.raises(PermissionDenied):
        application_evaluate(actor=other_town, application=firm)
    application_evaluate(actor=users["town"], application=firm)
    assert Evaluation.objects.count() == 1


def test_batch_screening_ranks_and_explains(park, users, tmp_path):
    rows = [
        HEADER,
        ["锦腾五金", code(11), "C3389", 420, 9800, 2300, 620, 96, 380, 12, 3200, 2600, "是"],
        ["巨丰塑料", code(12), "2927", "150", "3,600", 700, 260, 52, 30, 5, 1600, 800, "否"],
        ["宏达电动", code(13), "C3424", 180, 4100, 820, 310, 60, 90, 8, 1800, 900, None],
    ]
    result = applications_screen(
        actor=users["supervisor"],
        park=park,
        source=str(xlsx(tmp_path / "a.xlsx", {"入园申请": rows})),
        on=TODAY,
    )
    assert result.ok, [str(p) for p in result.problems]
    ranked = [(e.application.enterprise.name, e.admitted) for e in result.evaluations]
    assert ranked[0] == ("锦腾五金", True), "admitted first"
    assert {name for name, admitted in ranked[1:]} == {"巨丰塑料", "宏达电动"}
    reasons = {
        e.application.enterprise.name: {r["key"] for r in e.failed} for e in result.evaluations
    }
    assert reasons["巨丰塑料"] == {"negative_list", "environment"}  # 150 / 5 = 30 万元/亩 passes
    assert reasons["宏达电动"] == {"tax_per_mu"}  # 180 / 8 = 22.5 < 25
    assert Application.objects.get(enterprise__name="巨丰塑料").status == "rejected"


def test_invalid_credit_codes_and_negative_figures_are_refused_by_cell(park, users, tmp_path):
    typo = code(21)[:-1] + ("A" if code(21)[-1] != "A" else "B")
    rows = [
        HEADER,
        ["甲", typo, "C3389", 420, 9800, 2300, 620, 96, 380, 12, 3200, 2600, "是"],
        ["乙", code(22), "C3389", -5, 9800, 2300, 620, 96, 380, 12, 3200, 2600, "是"],
        ["丙", code(23), "Z99", 100, 9800, 2300, 620, 96.5, 380, 12, 0, 2600, "也许"],
        ["丁", code(22), "C3389", 100, 9800, 2300, 620, 96, 380, 12, 3200, 2600, "是"],
    ]
    result = applications_screen(
        actor=users["supervisor"],
        park=park,
        source=str(csv_file(tmp_path / "申请.csv", rows, "gbk")),
        on=TODAY,
    )
    places = sorted((p.row, p.column[:1]) for p in result.problems)
    assert places == [(2, "B"), (3, "D"), (4, "C"), (4, "H"), (4, "K"), (4, "M"), (5, "B")]
    assert "甲" not in [e.name for e in Enterprise.objects.all()]
    assert not Application.objects.exists() and not Evaluation.objects.exists()
