"""Screening and grading cases computed by hand."""

import math
from dataclasses import replace

from guatu.core.admission import Criteria, Figures, Grading, grade, indicators, screen

FIRM = Figures(
    tax=300,  # 万元
    output=5000,
    value_added=1200,
    energy=400,  # 吨标准煤
    employees=80,
    rd=150,
    land_mu=10,
    floor_area=6000,  # ㎡ asked for
    investment=3000,
    industry="C3311",
)


def test_indicators_by_hand():
    values = indicators(FIRM)
    assert values["tax_per_mu"] == 30  # 300 / 10
    assert values["value_added_per_mu"] == 120  # 1200 / 10
    assert values["value_added_per_energy"] == 3  # 1200 / 400
    assert values["energy_per_value_added"] == 400 / 1200
    assert values["labour_productivity"] == 15  # 1200 / 80
    assert values["rd_share"] == 3  # 150 / 5000 × 100
    assert values["tax_per_m2"] == 500  # 3,000,000 元 / 6000 ㎡
    assert values["investment_per_m2"] == 5000  # 30,000,000 元 / 6000 ㎡
    assert math.isnan(indicators(replace(FIRM, land_mu=0))["tax_per_mu"])


def test_screening_says_why():
    criteria = Criteria(
        min_tax_per_mu=35,
        min_tax_per_m2=400,
        min_investment_per_m2=6000,
        max_energy_per_value_added=0.3,
        whitelist=("C33", "C34"),
        negative_list=("C3311",),
        leading_industries=("C34",),
        require_leading_industry=True,
    )
    results = {r.key: r for r in screen(FIRM, criteria)}
    assert [key for key, r in results.items() if not r.passed] == [
        "tax_per_mu",
        "investment_per_m2",
        "energy_per_value_added",
        "negative_list",
        "leading_industry",
    ]
    assert (results["tax_per_mu"].value, results["tax_per_mu"].threshold) == ("30.00", "≥ 35.00")
    assert results["energy_per_value_added"].value == "0.333"
    assert results["tax_per_m2"].passed and results["whitelist"].passed


def test_vetoes_reject_whatever_the_figures():
    polluter = replace(FIRM, environment_ok=False)
    results = screen(polluter, Criteria())
    assert [(r.key, r.passed) for r in results] == [("environment", False), ("safety", True)]
    assert [r.key for r in screen(polluter, Criteria(environment_veto=False))] == ["safety"]


def test_grading_by_score_by_hand():
    # tax 30/25 = 1.2 × 40 = 48; va/mu 120/120 = 1 × 20 = 20; va/energy 3/1.5 = 2 → cap 1.5 × 15
    # = 22.5; labour 15/20 = 0.75 × 15 = 11.25; R&D 3/3 = 1 × 10 = 10: total 111.75 → A.
    scores, grades = grade([FIRM], Grading())
    assert float(scores[0]) == 111.75 and grades == ["A"]
    weak = replace(FIRM, tax=50, value_added=300, rd=0)
    # 5/25 × 40 = 8; 30/120 × 20 = 5; 0.75/1.5 × 15 = 7.5; 3.75/20 × 15 = 2.8125; 0 → 23.31 → D
    scores, grades = grade([weak], Grading())
    assert float(scores[0]) == 23.31 and grades == ["D"]


def test_grading_by_shares_of_the_ranking():
    # Tax per mu stays under the cap (37.5), so the ranking follows the tax.
    firms = [replace(FIRM, tax=tax) for tax in (100, 200, 300, 360, 370, 50, 150, 250, 350, 365)]
    _scores, grades = grade(firms, Grading(mode="share", shares=(0.2, 0.5, 0.2)))
    by_tax = dict(zip((f.tax for f in firms), grades, strict=True))
    assert [by_tax[t] for t in (370, 365)] == ["A", "A"]
    assert [by_tax[t] for t in (360, 350, 300, 250, 200)] == ["B"] * 5
    assert [by_tax[t] for t in (150, 100)] == ["C", "C"]
    assert by_tax[50] == "D"
