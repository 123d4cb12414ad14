"""投资调度 benchmark: every roll-up of a city's year, ours against a pandas groupby.

    .venv/bin/python bench/investment.py [--projects 1000] [--repeat 7] [--seed 1] [--django]

Random figures for ``--projects`` projects × 12 months (each project with a category,
a level, a responsible town and a lead department, an annual plan, the city's plan
curve or its own, monthly investment with the odd 核减 month and months not reported).
For every month, both sides compute — for each project, each category, level, town and
department, and the city — the sums (done January to the month, plan, plan due), 完成率,
序时进度, 超/欠序时 in points and the light with the default thresholds:

- ours: ``guatu.core.investment.rollup`` (one ``bincount`` per sum) and ``Rollup.lights``,
  as ``investment.selectors.city_standing`` calls them;
- the reference: a straightforward pandas groupby of the same figures, built from the
  same arrays (building the frames is timed, as the arrays' preparation is on our side).

The results must agree to 1e-9 (relative to the figure; lights exactly). Prints the
medians and the ratio pandas / ours against the issue's target: all roll-ups in ≤ 300 ms.

``--django`` also loads the figures into a throw-away SQLite database (``bench/
django_env.py``) and times what the pages, the API and the bulletin really call:
``city_standing`` for each of the twelve months (queries included), checked against the
same figures.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from guatu.core.investment import InvestmentRules, rollup  # noqa: E402

MONTHS = 12
#: The dimensions, with how many groups the random city has of each.
SIZES = {"category": 4, "level": 3, "town": 20, "department": 40}
TARGET_S = 0.300
TOLERANCE = 1e-9


def make_data(projects: int, seed: int) -> dict[str, np.ndarray]:
    """One year of a random city: attributes, plans, curves (cumulative shares) and the
    twelve months' investment (万元, two decimals; 0 where a month is not reported)."""
    rng = np.random.default_rng(seed)
    data = {key: rng.integers(0, size, projects) for key, size in SIZES.items()}
    data["plan"] = np.round(rng.lognormal(8, 1.2, projects), 2) + 10  # 10 万 … a few 亿
    city_curve = np.cumsum(rng.uniform(0.5, 1.5, MONTHS))
    city_curve /= city_curve[-1]
    curves = np.tile(city_curve, (projects, 1))
    own = rng.random(projects) < 0.3  # three in ten with a curve of their own
    steps = rng.uniform(0, 1, (int(own.sum()), MONTHS))
    curves[own] = np.cumsum(steps, axis=1) / steps.sum(axis=1, keepdims=True)
    curves[:, -1] = 1.0
    pace = rng.uniform(0.6, 1.3, projects) * data["plan"] / MONTHS
    amounts = np.round(pace[:, None] * rng.gamma(2.0, 0.5, (projects, MONTHS)), 2)
    amounts[rng.random((projects, MONTHS)) < 0.02] *= -0.1  # a 核减 month now and then
    amounts = np.round(amounts, 2)
    amounts[rng.random((projects, MONTHS)) < 0.05] = 0.0  # not reported
    data.update(curve=curves, city_curve=city_curve, amount=amounts)
    return data


def ours(data: dict, rules: InvestmentRules) -> dict[str, np.ndarray]:
    """Every roll-up with the core: per dimension, arrays of shape (12, groups)."""
    done = np.cumsum(data["amount"], axis=1)
    plan, curve = data["plan"], data["curve"]
    projects = len(plan)
    dims = {"project": (np.arange(projects), projects), "city": (np.zeros(projects, int), 1)}
    dims |= {key: (data[key], size) for key, size in SIZES.items()}
    out = {}
    for name, (group, groups) in dims.items():
        fields = {k: np.empty((MONTHS, groups)) for k in ("done", "plan", "due", "count")}
        fields |= {k: np.empty((MONTHS, groups)) for k in ("rate", "schedule", "gap", "light")}
        for month in range(MONTHS):
            sums = rollup(group, groups, done=done[:, month], plan=plan, share=curve[:, month])
            for key in ("done", "plan", "due", "count", "rate", "schedule", "gap"):
                fields[key][month] = getattr(sums, key)
            fields["light"][month] = sums.lights(rules)
        out[name] = fields
    return out


def reference(data: dict, rules: InvestmentRules) -> dict[str, np.ndarray]:
    """The same roll-ups as an analyst would write them with pandas (long frame, groupby)."""
    projects = len(data["plan"])
    months = pd.DataFrame(
        {
            "project": np.repeat(np.arange(projects), MONTHS),
            "month": np.tile(np.arange(MONTHS), projects),
            "amount": data["amount"].ravel(),
            "share": data["curve"].ravel(),
        }
    )
    attributes = pd.DataFrame({key: data[key] for key in SIZES} | {"plan": data["plan"]})
    attributes["project"] = np.arange(projects)
    attributes["city"] = 0
    frame = months.merge(attributes, on="project")
    frame["done"] = frame.groupby("project")["amount"].cumsum()
    frame["due"] = frame["plan"] * frame["share"]
    out = {}
    for name in ("project", "city", *SIZES):
        sums = frame.groupby([name, "month"]).agg(
            done=("done", "sum"), plan=("plan", "sum"), due=("due", "sum"), count=("done", "size")
        )
        has_plan = sums["plan"] > 0
        sums["rate"] = np.where(has_plan, sums["done"] / sums["plan"] * 100, 0.0)
        sums["schedule"] = np.where(has_plan, sums["due"] / sums["plan"] * 100, 0.0)
        sums["gap"] = sums["rate"] - sums["schedule"]
        sums["light"] = np.select(
            [~has_plan, sums["gap"] < -rules.red_gap, sums["gap"] < -rules.yellow_gap], [0, 3, 2], 1
        )
        wide = sums.unstack(name)  # rows: months; columns: (field, group)
        groups = projects if name == "project" else SIZES.get(name, 1)
        out[name] = {
            key: wide[key].reindex(columns=range(groups), fill_value=0).to_numpy(dtype=float)
            for key in ("done", "plan", "due", "count", "rate", "schedule", "gap", "light")
        }
    return out


def differences(a: dict, b: dict) -> list[str]:
    """Where *a* and *b* differ beyond 1e-9 of the figure (lights and counts: at all)."""
    found = []
    for name in a:
        for key, left in a[name].items():
            right = b[name][key]
            if key in ("light", "count"):
                bad = left != right
            else:
                bad = np.abs(left - right) > TOLERANCE * np.maximum(1.0, np.abs(right))
            if bad.any():
                month, group = np.argwhere(bad)[0]
                found.append(
                    f"{name}.{key}: {int(bad.sum())} differ, first month {month + 1} group "
                    f"{group}: {left[month, group]!r} vs {right[month, group]!r}"
                )
    return found


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def through_django(data: dict, core: dict, repeat: int) -> float:
    """Load the figures into SQLite and time ``city_standing`` for the twelve months."""
    from django_env import django_environment

    folder = django_environment("guatu-bench-investment-")
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password

    from guatu.accounts.models import Role, User
    from guatu.investment.models import AnnualPlan, InvestmentRuleSet, MonthlyReport
    from guatu.investment.selectors import city_standing
    from guatu.org.models import City, Department, Town
    from guatu.projects.models import Project

    started = time.perf_counter()
    city = City.objects.create(name="基准市", code="339999")
    towns = Town.objects.bulk_create(
        Town(city=city, name=f"镇{n:02d}", order=n) for n in range(SIZES["town"])
    )
    departments = Department.objects.bulk_create(
        Department(city=city, name=f"部门{n:02d}", short_name=f"部{n:02d}")
        for n in range(SIZES["department"])
    )
    unit = User.objects.create(
        username="bench", role=Role.SUPERVISOR, city=city, password=make_password("x")
    )
    InvestmentRuleSet.objects.create(
        city=city,
        version=1,
        valid_from=date(2019, 1, 1),
        curve=[float(v) * 100 for v in data["city_curve"]],
    )
    levels = list(Project.Level.values)
    categories = list(Project.Category.values)
    projects = Project.objects.bulk_create(
        Project(
            city=city,
            code=f"p{n:05d}",
            name=f"项目{n:05d}",
            start_date=date(2019, 1, 1),
            owner_department=departments[data["department"][n]],
            responsible_town=towns[data["town"][n]],
            level=levels[data["level"][n]],
            category=categories[data["category"][n]],
        )
        for n in range(len(data["plan"]))
    )
    own = ~np.all(data["curve"] == data["city_curve"], axis=1)
    AnnualPlan.objects.bulk_create(
        AnnualPlan(
            project=project,
            year=2019,
            amount=Decimal(f"{data['plan'][n]:.2f}"),
            curve=[float(v) * 100 for v in data["curve"][n]] if own[n] else None,
        )
        for n, project in enumerate(projects)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=project,
            year=2019,
            month=month + 1,
            amount=Decimal(f"{data['amount'][n, month]:.2f}"),
            reported_by=unit,
        )
        for n, project in enumerate(projects)
        for month in range(MONTHS)
        if data["amount"][n, month] != 0
    )
    print(f"loaded into SQLite in {time.perf_counter() - started:.1f} s ({folder})")

    def standings():
        return [city_standing(city, 2019, month) for month in range(1, MONTHS + 1)]

    seconds, result = timed(standings, repeat)
    # The same figures as the core's: the city's and each town's, every month (the
    # curves went through the database as percentages: equal to 1e-9, not to the bit).
    for month, standing in enumerate(result):
        total = standing.total
        assert total.count == len(projects)
        for key in ("done", "plan", "rate", "schedule", "gap"):
            want = core["city"][key][month, 0]
            assert abs(getattr(total, key) - want) <= TOLERANCE * max(1.0, abs(want)), (
                month + 1,
                key,
                getattr(total, key),
                want,
            )
        by_town = {row.label: row for row in standing.groups["town"]}
        for n, town in enumerate(towns):
            if town.name in by_town:
                want = core["town"]["gap"][month, n]
                assert abs(by_town[town.name].gap - want) <= TOLERANCE * max(1.0, abs(want))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--django", action="store_true", help="also time city_standing on SQLite (12 months)"
    )
    args = parser.parse_args()
    data = make_data(args.projects, args.seed)
    rules = InvestmentRules(curve=tuple(float(v) for v in data["city_curve"]))
    ours(make_data(10, args.seed), rules)  # imports and first calls out of the timing
    guatu_s, mine = timed(lambda: ours(data, rules), args.repeat)
    pandas_s, theirs = timed(lambda: reference(data, rules), args.repeat)
    problems = differences(mine, theirs)
    groups = sum(frame["done"].shape[1] for frame in mine.values())
    print(
        f"projects={args.projects} months={MONTHS} "
        f"roll-ups={groups * MONTHS:,} (project, city, {', '.join(SIZES)}; every month)"
    )
    print("| projects × months | roll-ups | pandas s | guatu s | ratio | target | equal |")
    print("|---:|---:|---:|---:|---:|---|---|")
    print(
        f"| {args.projects:,} × {MONTHS} | {groups * MONTHS:,} | {pandas_s:.4f} | "
        f"{guatu_s:.4f} | {pandas_s / guatu_s:.1f}× | "
        f"{'met' if guatu_s <= TARGET_S else 'MISSED'} (≤ {TARGET_S * 1000:.0f} ms) | "
        f"{'yes' if not problems else 'NO'} |"
    )
    lights = np.bincount(mine["project"]["light"][-1].astype(int), minlength=4)
    print(f"December's project lights: none={lights[0]} green={lights[1]} "
          f"yellow={lights[2]} red={lights[3]}")  # fmt: skip
    if problems:
        raise SystemExit("results differ:\n" + "\n".join(problems))
    if args.django:
        seconds = through_django(data, mine, args.repeat)
        print(
            f"| city_standing × 12 months (SQLite, queries included) | {seconds:.3f} s | "
            f"{seconds / MONTHS * 1000:.0f} ms a month | "
            f"a page's month {'within' if seconds / MONTHS <= TARGET_S else 'ABOVE'} "
            f"{TARGET_S * 1000:.0f} ms |"
        )
    if guatu_s > TARGET_S:
        raise SystemExit(f"the roll-ups took {guatu_s:.3f} s, above {TARGET_S} s")


if __name__ == "__main__":
    main()
