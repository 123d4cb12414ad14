"""入园准入 and 亩均效益: screening applicants against a park's criteria, grading them.

Screening checks one applicant against one version of a park's criteria and
returns, for every criterion, the value, the threshold and whether it
passed, so that a rejection always says why. A veto (environmental or
safety record) or a negative-list industry rejects whatever the figures.

Grading follows the Zhejiang 亩均效益综合评价 practice: each indicator is
compared with the county's benchmark, ``score = min(value / benchmark, cap)
× weight`` (for energy use per value added, lower is better, so the ratio is
inverted), the weights add up to 100, and the total gives A/B/C/D by score
cut-offs or by shares of the ranking (A the top 20 %, …).

>>> figures = Figures(tax=300, output=5000, value_added=1200, energy=400,
...                   employees=80, rd=150, land_mu=10, floor_area=6000,
...                   investment=3000, industry="C3311")
>>> results = screen(figures, Criteria(min_tax_per_mu=25))
>>> [(r.key, r.value, r.threshold, r.passed) for r in results][0]
('tax_per_mu', '30.00', '≥ 25.00', True)
>>> [r.key for r in results]
['tax_per_mu', 'environment', 'safety']
>>> round(indicators(figures)["tax_per_mu"], 1)
30.0
"""

from dataclasses import dataclass, field

import numpy as np

from guatu.core.enterprise import industry_matches
from guatu.core.i18n import gettext_noop

__all__ = [
    "INDICATORS",
    "Criteria",
    "CriterionResult",
    "Figures",
    "Grading",
    "grade",
    "indicators",
    "screen",
]


@dataclass(frozen=True, slots=True)
class Figures:
    """An applicant's last-year figures, as declared (money in 万元)."""

    tax: float
    output: float
    value_added: float
    energy: float  # tonnes of standard coal (吨标准煤)
    employees: int
    rd: float
    land_mu: float  # land it uses now
    floor_area: float  # floor area it asks for in the park, ㎡
    investment: float  # what it will invest in the park, 万元
    industry: str  # GB/T 4754, e.g. C3311
    environment_ok: bool = True
    safety_ok: bool = True


@dataclass(frozen=True, slots=True)
class Criteria:
    """One version of a park's admission criteria; ``None`` means the criterion is not used."""

    min_tax_per_mu: float | None = None  # 万元/亩
    min_tax_per_m2: float | None = None  # 元 per ㎡ of requested floor area
    min_investment_per_m2: float | None = None  # 元 per ㎡ of requested floor area
    max_energy_per_value_added: float | None = None  # 吨标准煤 per 万元
    whitelist: tuple[str, ...] = ()  # industry prefixes admitted (empty: any)
    negative_list: tuple[str, ...] = ()  # industry prefixes refused
    leading_industries: tuple[str, ...] = ()  # the park's 主导产业
    require_leading_industry: bool = False
    environment_veto: bool = True
    safety_veto: bool = True


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One line of an evaluation: ``label`` is a message id, the figures as shown."""

    key: str
    label: str
    value: str
    threshold: str
    passed: bool


def indicators(f: Figures) -> dict[str, float]:
    """The per-land, per-energy and per-person figures, NaN where the base is zero."""

    def ratio(a: float, b: float) -> float:
        return a / b if b else float("nan")

    return {
        "tax_per_mu": ratio(f.tax, f.land_mu),
        "value_added_per_mu": ratio(f.value_added, f.land_mu),
        "value_added_per_energy": ratio(f.value_added, f.energy),
        "energy_per_value_added": ratio(f.energy, f.value_added),
        "labour_productivity": ratio(f.value_added, f.employees),
        "rd_share": ratio(f.rd * 100, f.output),
        "tax_per_m2": ratio(f.tax * 10_000, f.floor_area),
        "investment_per_m2": ratio(f.investment * 10_000, f.floor_area),
    }


def _number(value: float, places: int = 2) -> str:
    return "—" if value != value else f"{value:,.{places}f}"


def screen(f: Figures, c: Criteria) -> list[CriterionResult]:
    """Check *f* against every criterion *c* uses, in a fixed order."""
    values = indicators(f)
    results: list[CriterionResult] = []

    def minimum(key: str, label: str, threshold: float | None) -> None:
        if threshold is None:
            return
        value = values[key]
        passed = value == value and value >= threshold
        results.append(
            CriterionResult(key, label, _number(value), f"≥ {_number(threshold)}", passed)
        )

    minimum("tax_per_mu", gettext_noop("tax per mu (万元/亩)"), c.min_tax_per_mu)
    minimum("tax_per_m2", gettext_noop("tax per m² of floor area (元/㎡)"), c.min_tax_per_m2)
    minimum(
        "investment_per_m2",
        gettext_noop("investment per m² of floor area (元/㎡)"),
        c.min_investment_per_m2,
    )
    if c.max_energy_per_value_added is not None:
        value = values["energy_per_value_added"]
        results.append(
            CriterionResult(
                "energy_per_value_added",
                gettext_noop("energy per value added (吨标准煤/万元)"),
                _number(value, 3),
                f"≤ {_number(c.max_energy_per_value_added, 3)}",
                value == value and value <= c.max_energy_per_value_added,
            )
        )
    if c.whitelist:
        results.append(
            CriterionResult(
                "whitelist",
                gettext_noop("industry admitted"),
                f.industry,
                "、".join(c.whitelist),
                industry_matches(f.industry, list(c.whitelist)),
            )
        )
    if c.negative_list:
        results.append(
            CriterionResult(
                "negative_list",
                gettext_noop("industry not on the negative list"),
                f.industry,
                "≠ " + "、".join(c.negative_list),
                not industry_matches(f.industry, list(c.negative_list)),
            )
        )
    if c.require_leading_industry:
        results.append(
            CriterionResult(
                "leading_industry",
                gettext_noop("matches the park's leading industries"),
                f.industry,
                "、".join(c.leading_industries),
                industry_matches(f.industry, list(c.leading_industries)),
            )
        )
    for key, label, used, clean in (
        (
            "environment",
            gettext_noop("environmental record (veto)"),
            c.environment_veto,
            f.environment_ok,
        ),
        ("safety", gettext_noop("safety record (veto)"), c.safety_veto, f.safety_ok),
    ):
        if used:
            results.append(CriterionResult(key, label, "✓" if clean else "✗", "✓", clean))
    return results


#: The 亩均效益 indicators, with whether more is better.
INDICATORS = {
    "tax_per_mu": True,
    "value_added_per_mu": True,
    "value_added_per_energy": True,
    "labour_productivity": True,
    "rd_share": True,
}


@dataclass(frozen=True)
class Grading:
    """How to grade: weights (adding up to 100) and county benchmarks per indicator.

    ``mode`` is ``"score"`` (A from ``cutoffs[0]`` points, B from ``cutoffs[1]``,
    C from ``cutoffs[2]``, else D) or ``"share"`` (the top ``shares[0]`` of the
    ranking are A, the next ``shares[1]`` B, the next ``shares[2]`` C, the rest D).
    """

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "tax_per_mu": 40,
            "value_added_per_mu": 20,
            "value_added_per_energy": 15,
            "labour_productivity": 15,
            "rd_share": 10,
        }
    )
    benchmarks: dict[str, float] = field(
        default_factory=lambda: {
            "tax_per_mu": 25.0,
            "value_added_per_mu": 120.0,
            "value_added_per_energy": 1.5,
            "labour_productivity": 20.0,
            "rd_share": 3.0,
        }
    )
    cap: float = 1.5
    mode: str = "score"
    cutoffs: tuple[float, float, float] = (90.0, 70.0, 50.0)
    shares: tuple[float, float, float] = (0.2, 0.5, 0.2)


def grade(rows: list[Figures], g: Grading) -> tuple[np.ndarray, list[str]]:
    """Return each row's score (0 to ``100 × cap``) and grade A/B/C/D.

    An indicator without a base (no land, no energy use reported) scores 0.

    >>> scores, grades = grade([Figures(50, 5000, 2400, 800, 100, 200, 10, 6000, 3000, "C3311")],
    ...                        Grading())
    >>> float(scores[0]), grades
    (91.83, ['A'])
    """
    n = len(rows)
    scores = np.zeros(n)
    for key, weight in g.weights.items():
        values = np.array([indicators(row)[key] for row in rows], dtype=float)
        benchmark = g.benchmarks[key]
        ratio = values / benchmark if INDICATORS.get(key, True) else benchmark / values
        ratio = np.where(np.isfinite(ratio), np.clip(ratio, 0, g.cap), 0.0)
        scores += ratio * weight
    scores = np.round(scores, 2)
    if g.mode == "share":
        order = np.argsort(-scores, kind="stable")
        bounds = np.cumsum(g.shares) * n
        grades = [""] * n
        for rank, i in enumerate(order):
            grades[i] = next(
                (letter for letter, bound in zip("ABC", bounds, strict=True) if rank < bound),
                "D",
            )
        return scores, grades
    a, b, c = g.cutoffs
    return scores, ["A" if s >= a else "B" if s >= b else "C" if s >= c else "D" for s in scores]
