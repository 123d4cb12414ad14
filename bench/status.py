"""Status benchmark: guatu's status engine against a straightforward pandas groupby.

    .venv/bin/python bench/status.py [--items 1000000] [--reports-per-item 10] [--repeat 3]

Both compute, for every item at the same date and with DESIGN.md's default
rules, the latest actual %, the progress before the forecast window, the day
100 % was first reached, planned % (linear), lag, forecast finish, slip and
the light with the early warning. The results must be equal; the ratio is
pandas time / guatu time (median of --repeat runs; guatu's JIT loaded first).
"""

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from guatu.core.status import NO_DAY, Light, StatusRules, item_status


def make_data(items: int, per_item: int, seed: int):
    """Items planned over a few hundred working days; reports sorted by item and day."""
    rng = np.random.default_rng(seed)
    es = rng.integers(0, 500, items)
    duration = rng.integers(0, 400, items)
    lf = es + duration + rng.integers(-20, 200, items)
    as_of = np.full(items, 600, dtype=np.int64)
    window_start = as_of - 20
    counts = rng.poisson(per_item, items)
    report_item = np.repeat(np.arange(items), counts)
    total = len(report_item)
    report_day = es[report_item] + rng.integers(0, 700, total)
    order = np.lexsort((report_day, report_item))
    report_item, report_day = report_item[order], report_day[order]
    # Progress grows with the days inside each item (item * 1000 keeps items apart).
    fraction = np.clip(
        (report_day - es[report_item])
        / np.maximum(duration[report_item], 1)
        * rng.uniform(0.6, 1.3, total),
        0,
        1,
    )
    report_percent = np.round(
        np.maximum.accumulate(fraction * 100 + report_item * 1000) - report_item * 1000, 2
    )
    return dict(
        es=es,
        duration=duration,
        lf=lf,
        as_of=as_of,
        window_start=window_start,
        report_item=report_item,
        report_day=report_day,
        report_percent=report_percent,
    )


def pandas_status(data, rules: StatusRules):
    """The same rules, written the way an analyst would with pandas."""
    items = pd.DataFrame(
        {
            "es": data["es"],
            "duration": data["duration"],
            "lf": data["lf"],
            "as_of": data["as_of"],
            "ws": data["window_start"],
        }
    )
    reports = pd.DataFrame(
        {"item": data["report_item"], "day": data["report_day"], "percent": data["report_percent"]}
    )
    reports = reports.join(items[["as_of", "ws"]], on="item")
    valid = reports[reports["day"] <= reports["as_of"]]
    actual = valid.groupby("item")["percent"].last().reindex(items.index)
    earlier = (
        valid[valid["day"] <= valid["ws"]]
        .groupby("item")["percent"]
        .last()
        .reindex(items.index)
        .fillna(0.0)
    )
    done_day = valid[valid["percent"] >= 100].groupby("item")["day"].first().reindex(items.index)
    milestone = items["duration"] == 0
    share = ((items["as_of"] - items["es"]) / items["duration"].clip(lower=1)).clip(0, 1)
    planned = np.where(milestone, np.where(items["as_of"] >= items["es"], 100.0, 0.0), share * 100)
    reported = actual.notna()
    progress = actual.fillna(0.0)
    lag = planned - progress
    done = progress >= 100
    rate = (progress - earlier) / (items["as_of"] - items["ws"]).clip(lower=1)
    has_forecast = (rate > 0) & ~done
    forecast = pd.Series(NO_DAY, index=items.index, dtype="int64")
    forecast[has_forecast] = (
        items["as_of"][has_forecast] + np.ceil((100 - progress[has_forecast]) / rate[has_forecast])
    ).astype("int64")
    forecast[done] = done_day[done].astype("int64")
    overdue = ~done & (items["as_of"] > items["lf"])
    light = pd.Series(int(Light.GREEN), index=items.index, dtype="int8")
    light[has_forecast & (forecast > items["lf"]) & (lag <= rules.yellow_lag)] = Light.YELLOW
    light[lag > rules.yellow_lag] = Light.YELLOW
    light[lag > rules.red_lag] = Light.RED
    light[~reported & (planned <= 0)] = Light.NOT_STARTED
    light[overdue] = Light.RED
    light[done] = Light.DONE
    return light.to_numpy(), forecast.to_numpy(), progress.to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--reports-per-item", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = make_data(args.items, args.reports_per_item, args.seed)
    rules = StatusRules()
    item_status(**{k: v[:10] if k.startswith("report") else v[:1] for k, v in data.items()})

    ours, theirs = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = item_status(**data, rules=rules)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        light, forecast, progress = pandas_status(data, rules)
        theirs.append(time.perf_counter() - started)
    same = (
        np.array_equal(result.light, light)
        and np.array_equal(result.forecast, forecast)
        and np.allclose(np.nan_to_num(result.actual), progress)
    )
    guatu_s, pandas_s = statistics.median(ours), statistics.median(theirs)
    print(f"items={args.items} reports={len(data['report_item'])}")
    print("| items | reports | pandas s | guatu s | ratio | equal |")
    print("|---:|---:|---:|---:|---:|---|")
    print(
        f"| {args.items:,} | {len(data['report_item']):,} | {pandas_s:.3f} | {guatu_s:.3f} | "
        f"{pandas_s / guatu_s:.0f}× | {'yes' if same else 'NO'} |"
    )
    counts = np.bincount(result.light, minlength=5)
    print("lights: " + ", ".join(f"{Light(k).name.lower()}={int(c)}" for k, c in enumerate(counts)))
    if not same:
        raise SystemExit("results differ")


if __name__ == "__main__":
    main()
