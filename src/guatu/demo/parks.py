"""Two parks of the 永康 2019 scenario with applicants, decisions and occupancy (illustrative).

石柱镇's park tightened its criteria on 2019-11-01 (亩均税收 25 → 30 万元/亩):
the September decisions stay explained by version 1, the November ones by
version 2. Enterprises and figures are invented; credit codes are valid.
"""

from datetime import date
from decimal import Decimal

from guatu.core.enterprise import complete_credit_code
from guatu.org.models import City, Town
from guatu.parks.models import Application, CriteriaSet, Enterprise, GradingScheme, Park, ParkUnit
from guatu.parks.services import application_evaluate, unit_allocate
from guatu.projects.models import Project

#: name, industry, tax, output, value added, energy, employees, R&D, land, floor area asked,
#: investment, clean environment, clean safety
APPLICANTS = {
    "park-shizhu": [
        (
            "永康市锦腾五金制品有限公司",
            "C3389",
            420,
            9800,
            2300,
            620,
            96,
            380,
            12,
            3200,
            2600,
            True,
            True,
        ),
        (
            "浙江恒泰门业有限公司",
            "C3312",
            360,
            8200,
            1900,
            540,
            120,
            260,
            14,
            4000,
            3000,
            True,
            True,
        ),
        ("永康市宏达电动工具厂", "C3424", 180, 4100, 820, 310, 60, 90, 8, 1800, 900, True, True),
        (
            "永康市金辉铸造有限公司",
            "C3391",
            260,
            6200,
            1200,
            2400,
            75,
            40,
            9,
            2500,
            1500,
            True,
            True,
        ),
        ("永康市巨丰塑料制品厂", "C2927", 150, 3600, 700, 260, 52, 30, 5, 1600, 800, False, True),
        (
            "永康市创亿智能科技有限公司",
            "C3484",
            240,
            5200,
            1500,
            180,
            64,
            420,
            6,
            2000,
            2100,
            True,
            True,
        ),
    ],
    "park-gushan": [
        (
            "永康市古山汽配有限公司",
            "C3670",
            300,
            7000,
            1600,
            480,
            88,
            210,
            10,
            3000,
            2000,
            True,
            True,
        ),
        (
            "永康市乐达休闲用品有限公司",
            "C2442",
            160,
            3900,
            780,
            220,
            70,
            60,
            7,
            2200,
            1100,
            True,
            True,
        ),
        (
            "永康市鼎盛不锈钢制品厂",
            "C3381",
            210,
            5600,
            1100,
            420,
            66,
            80,
            8,
            2400,
            1300,
            True,
            False,
        ),
        (
            "永康市新航电器有限公司",
            "C3854",
            280,
            6400,
            1450,
            300,
            90,
            320,
            9,
            2600,
            1900,
            True,
            True,
        ),
    ],
}
PARKS = {
    "park-shizhu": ("石柱镇小微企业园", "石柱镇", 180, 210000, "C33、C34", "五金机械、电动工具"),
    "park-gushan": (
        "古山镇小微企业园",
        "古山镇",
        150,
        168000,
        "C36、C33、C38",
        "汽摩配、五金、电器",
    ),
}


def _credit_code(n: int) -> str:
    return complete_credit_code(f"91330784MA2D{n:04d}0")


def build_parks(city: City, towns: dict[str, Town], supervisor) -> None:
    """Create the grading scheme, both parks with their units and first criteria, and the
    applicants: three decided in September, the rest in November (石柱镇's under version 2)."""
    _grading_scheme(city, supervisor)
    serial = 0
    for code, spec in PARKS.items():
        park = _park(city, towns, code, spec, supervisor)
        applications = []
        for row in APPLICANTS[code]:
            serial += 1
            applications.append(_application(park, row, serial))
        first, later = applications[:3], applications[3:]
        for application in first:
            application_evaluate(actor=supervisor, application=application, on=date(2019, 9, 16))
        units = list(park.units.order_by("code"))
        admitted = [a for a in first if a.status == Application.Status.ADMITTED]
        for application, unit in zip(admitted[:2], units, strict=False):
            unit_allocate(actor=supervisor, application=application, unit=unit)
        if code == "park-shizhu":
            CriteriaSet.objects.create(
                park=park,
                version=2,
                valid_from=date(2019, 11, 1),
                min_tax_per_mu=Decimal(30),
                min_tax_per_m2=Decimal(400),
                max_energy_per_value_added=Decimal("0.8"),
                negative_list="C2927、C3391",
                require_leading_industry=True,
                note="提高亩均税收门槛，铸造列入负面清单",
                created_by=supervisor,
            )
        for application in later:
            application_evaluate(actor=supervisor, application=application, on=date(2019, 11, 12))


def _grading_scheme(city: City, supervisor) -> None:
    """The city's 亩均 grading (version 1): weights, benchmarks, cut-offs and shares."""
    GradingScheme.objects.create(
        city=city,
        version=1,
        valid_from=date(2019, 1, 1),
        weights={
            "tax_per_mu": 40,
            "value_added_per_mu": 20,
            "value_added_per_energy": 15,
            "labour_productivity": 15,
            "rd_share": 10,
        },
        benchmarks={
            "tax_per_mu": 35,
            "value_added_per_mu": 200,
            "value_added_per_energy": 4,
            "labour_productivity": 25,
            "rd_share": 5,
        },
        cap=Decimal("1.5"),
        mode=GradingScheme.Mode.SCORE,
        cutoffs=[90, 70, 50],
        shares=[0.2, 0.5, 0.2],
        created_by=supervisor,
    )


def _park(city: City, towns: dict[str, Town], code: str, spec: tuple, supervisor) -> Park:
    """A park of *spec* (``PARKS``), its eight units and its first criteria (version 1)."""
    name, town, land, floor, leading, note = spec
    park = Park.objects.create(
        city=city,
        town=towns[town],
        project=Project.objects.filter(code=code).first(),
        code=code,
        name=name,
        land_area_mu=land,
        floor_area_m2=floor,
        leading_industries=leading,
        leading_industries_note=note,
    )
    for n in range(1, 9):
        ParkUnit.objects.create(
            park=park, code=f"{n // 5 + 1}号楼-{n:02d}", floor_area_m2=2400 + 300 * (n % 3)
        )
    CriteriaSet.objects.create(
        park=park,
        version=1,
        valid_from=date(2019, 6, 1),
        min_tax_per_mu=Decimal(25),
        min_tax_per_m2=Decimal(400),
        max_energy_per_value_added=Decimal("0.8"),
        negative_list="C2927",
        note="首批准入条件",
        created_by=supervisor,
    )
    return park


def _application(park: Park, row: tuple, serial: int) -> Application:
    """The enterprise of an ``APPLICANTS`` *row* (credit code from *serial*) and its application."""
    (
        firm,
        industry,
        tax,
        output,
        value_added,
        energy,
        employees,
        rd,
        land_mu,
        area,
        investment,
        env,
        safety,
    ) = row
    enterprise = Enterprise.objects.create(
        city=park.city, credit_code=_credit_code(serial), name=firm, industry=industry
    )
    return Application.objects.create(
        park=park,
        enterprise=enterprise,
        year=2018,
        tax=tax,
        output=output,
        value_added=value_added,
        energy=energy,
        employees=employees,
        rd=rd,
        land_mu=land_mu,
        floor_area=area,
        investment=investment,
        environment_ok=env,
        safety_ok=safety,
        submitted_on=date(2019, 9, 2),
    )
