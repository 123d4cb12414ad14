"""How long the city's work really takes, learned from its own reports.

For every item that reached 100 % (the first report that says so), the ratio
of the calendar days it took from its planned start to the days the plan gave
it; for every item under way with at least 20 % done, the same ratio as its
pace so far projects it. Ratios are grouped by town × phase, falling back to
the phase, then to the whole city, whichever first has ``MIN_ITEMS``; their
logarithms give a lognormal (μ, σ) that the Monte Carlo draws each remaining
duration from. Every fit says where it came from and how many items it rests
on, so a leader can judge it. A city with too little history gets a modest
prior (+10 %, σ 0.25), labelled as such.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils.translation import gettext as _

from guatu.common.rows import day_array, value_rows
from guatu.org.models import Town
from guatu.progress.models import ProgressReport
from guatu.progress.selectors import COUNTS
from guatu.projects.models import Phase, WorkItem

MIN_ITEMS = 5
MIN_SIGMA = 0.05
PRIOR = (math.log(1.1), 0.25)
#: Under-way items count once this much is done (less says little about the pace).
MIN_PERCENT = 20.0
#: A pace is "recent" over this many days of reports.
PACE_WINDOW = 28

__all__ = ["Calibration", "Fit", "ItemProgress", "calibrate", "item_progress"]


@dataclass(frozen=True)
class Fit:
    mu: float
    sigma: float
    count: int
    source: str  # e.g. 石柱镇·路基（12 项）

    @property
    def median_ratio(self) -> float:
        return math.exp(self.mu)


@dataclass(frozen=True)
class ItemProgress:
    percent: float
    done_on: date | None
    pace_ratio: float | None  # remaining time at the recent pace / remaining planned time


@dataclass(frozen=True)
class _Items:
    """The calibrated items as arrays (days as numpy day numbers)."""

    pk: np.ndarray
    start: np.ndarray  # early start
    finish: np.ndarray  # early finish (NaT if none)
    town: list
    phase: list


def item_progress(items: _Items, reports: list[tuple], today: date) -> dict[int, ItemProgress]:
    """Latest figure, completion day and recent pace of *items*, from *reports* (item,
    day, percent) sorted by item and day — for a whole city at once, in arrays.

    The pace is the last ``PACE_WINDOW`` days of reports: the share gained
    per day, projected over what is left and compared with what the plan left.
    """
    if not reports or not len(items.pk):
        return {}
    pks = np.fromiter((r[0] for r in reports), dtype=np.int64, count=len(reports))
    days = day_array([r[1] for r in reports]).astype(np.int64)
    percent = np.fromiter((float(r[2]) for r in reports), dtype=np.float64, count=len(reports))
    first = np.flatnonzero(np.r_[True, pks[1:] != pks[:-1]])  # each item's first report
    last = np.r_[first[1:], len(pks)] - 1
    index = np.arange(len(pks))
    done_at = np.minimum.reduceat(np.where(percent >= 100.0, index, len(pks)), first)
    last_day = np.repeat(days[last], last - first + 1)
    recent = np.minimum.reduceat(
        np.where(last_day - days <= PACE_WINDOW, index, len(pks)), first
    )  # the first report of the window
    where = np.searchsorted(items.pk, pks[first])
    at = np.minimum(where, len(items.pk) - 1)  # each reported item's row (checked by known)
    known = (where < len(items.pk)) & (items.pk[at] == pks[first])
    start = items.start.astype(np.int64)[at]
    finish = items.finish[at]
    span = (finish.astype(np.int64) - start + 1).astype(np.float64)
    now = percent[last]
    elapsed = (days[last] - days[recent]).astype(np.float64)
    gained = now - percent[recent]
    left_planned = span * (100.0 - now) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = ((100.0 - now) / (gained / elapsed)) / left_planned
    has_pace = (
        (done_at == len(pks)) & (last > recent) & ~np.isnat(finish) & (elapsed > 0)
        & (gained > 0) & (left_planned > 0)
    )  # fmt: skip
    done_day = days[np.minimum(done_at, len(pks) - 1)].astype("datetime64[D]").tolist()
    return {
        int(pk): ItemProgress(
            float(now[k]),
            done_day[k] if done_at[k] < len(pks) else None,
            float(pace[k]) if has_pace[k] else None,
        )
        for k, pk in enumerate(pks[first])
        if known[k]
    }


def _ratios(items: _Items, progress: dict[int, ItemProgress], today: date) -> np.ndarray:
    """Actual (or projected) over planned span per item; NaN where there is none yet.

    A finished item: the days from its planned start to the day it reached
    100 %; one under way with ``MIN_PERCENT`` done: the days so far over the
    share done.
    """
    ratios = np.full(len(items.pk), np.nan)
    start = items.start.tolist()
    finish = items.finish.tolist()
    for k, pk in enumerate(items.pk.tolist()):
        found = progress.get(pk)
        if found is None or finish[k] is None:
            continue
        span = (finish[k] - start[k]).days + 1
        if found.done_on is not None:
            ratios[k] = max((found.done_on - start[k]).days + 1, 1) / span
        elif found.percent >= MIN_PERCENT and today > start[k]:
            ratios[k] = (today - start[k]).days / (found.percent / 100.0) / span
    return ratios


def _fit(ratios: list[float], source: str) -> Fit:
    logs = np.log(np.asarray(ratios, dtype=np.float64))
    sigma = float(logs.std(ddof=1)) if len(logs) > 1 else MIN_SIGMA
    return Fit(float(logs.mean()), max(sigma, MIN_SIGMA), len(ratios), source)


class Calibration:
    """The fits of a city's history, looked up per item (town × phase → phase → city)."""

    def __init__(self, fits: dict, progress: dict) -> None:
        self.fits = fits
        #: Every scheduled item's progress on the calibration's day (``item_progress``),
        #: read again by the risk of each project rather than fetched once more.
        self.progress = progress

    def for_item(self, item) -> Fit:
        for key in ((item.town_id, item.phase_id), (None, item.phase_id), (None, None)):
            if key in self.fits:
                return self.fits[key]
        return Fit(*PRIOR, 0, _("default (too little history)"))


def calibrate(city, today: date) -> Calibration:
    """Fit the city's history as of *today* (only reports dated by then)."""
    rows = value_rows(
        WorkItem.objects.filter(
            project__city=city, plan_start__isnull=False, duration_days__gt=0
        ).order_by("pk"),
        # The plan as agreed: the early dates run from the data date (a finished item's
        # are its actual ones), which would make every finished item look on time.
        "pk", "plan_start", "plan_finish", "town_id", "phase_id",
    )  # fmt: skip
    items = _Items(
        pk=np.array([r[0] for r in rows], dtype=np.int64),
        start=day_array([r[1] for r in rows]),
        finish=day_array([r[2] for r in rows]),
        town=[r[3] for r in rows],
        phase=[r[4] for r in rows],
    )
    reports = value_rows(
        ProgressReport.objects.filter(
            COUNTS, reported_on__lte=today, work_item__project__city=city
        ).order_by("work_item_id", "reported_on", "created_at", "id"),
        "work_item_id", "reported_on", "percent_complete",
    )  # fmt: skip
    progress = item_progress(items, reports, today)
    ratios = _ratios(items, progress, today)
    towns = dict(Town.objects.filter(pk__in=set(items.town)).values_list("pk", "name"))
    phases = dict(Phase.objects.filter(pk__in=set(items.phase)).values_list("pk", "name"))
    groups: dict[tuple, list[float]] = defaultdict(list)
    names: dict[tuple, str] = {}
    no_phase, city_level, whole = _("no phase"), _("city level"), _("whole city")
    for k in np.flatnonzero(ratios > 0).tolist():
        town_id, phase_id = items.town[k], items.phase[k]
        phase = phases[phase_id] if phase_id else no_phase
        town = towns[town_id] if town_id else city_level
        for key, name in (
            ((town_id, phase_id), f"{town}·{phase}"),
            ((None, phase_id), phase),
            ((None, None), whole),
        ):
            groups[key].append(ratios[k])
            names[key] = name
    fits = {}
    for key, values in groups.items():
        if len(values) >= MIN_ITEMS:
            label = _("%(group)s (%(count)d items)") % {"group": names[key], "count": len(values)}
            fits[key] = _fit(values, label)
    return Calibration(fits, progress)
