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

from guatu.progress.models import ProgressReport
from guatu.progress.selectors import COUNTS
from guatu.projects.models import WorkItem

MIN_ITEMS = 5
MIN_SIGMA = 0.05
PRIOR = (math.log(1.1), 0.25)
#: Under-way items count once this much is done (less says little about the pace).
MIN_PERCENT = 20.0
#: A pace is "recent" over this many days of reports.
PACE_WINDOW = 28

__all__ = ["Fit", "ItemProgress", "calibrate", "item_progress"]


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


@dataclass(frozen=True, slots=True)
class _Planned:
    pk: int
    duration_days: int
    early_start: date | None
    early_finish: date | None
    town_id: int | None
    phase_id: int | None


def item_progress(items: list, today: date, *, city=None) -> dict[int, ItemProgress]:
    """Latest figure, completion day and recent pace of *items* (reports that count).

    With *city*, the reports are selected by the city rather than by a list of
    every item's key (the calibration reads the whole city's).
    """
    reports = ProgressReport.objects.filter(COUNTS, reported_on__lte=today)
    if city is not None:
        reports = reports.filter(work_item__project__city=city)
    else:
        reports = reports.filter(work_item__in=[i.pk for i in items])
    rows = reports.order_by("work_item_id", "reported_on", "created_at", "id").values_list(
        "work_item_id", "reported_on", "percent_complete"
    )
    by_item: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for pk, day, percent in rows:
        by_item[pk].append((day, float(percent)))
    planned = {i.pk: i for i in items}
    found = {}
    for pk, reports in by_item.items():
        item = planned.get(pk)
        if item is None:  # not a scheduled item of the calibration
            continue
        percent = reports[-1][1]
        done_on = next((day for day, p in reports if p >= 100.0), None)
        pace_ratio = None
        recent = [(d, p) for d, p in reports if (reports[-1][0] - d).days <= PACE_WINDOW]
        if done_on is None and len(recent) >= 2 and item.early_finish and item.early_start:
            days = (recent[-1][0] - recent[0][0]).days
            gained = recent[-1][1] - recent[0][1]
            if days > 0 and gained > 0:
                span = (item.early_finish - item.early_start).days + 1
                left_planned = span * (100.0 - percent) / 100.0
                if left_planned > 0:
                    pace_ratio = ((100.0 - percent) / (gained / days)) / left_planned
        found[pk] = ItemProgress(percent, done_on, pace_ratio)
    return found


def _ratio(item, progress: ItemProgress | None, today: date) -> float | None:
    if not (item.early_start and item.early_finish) or item.duration_days <= 0:
        return None
    span = (item.early_finish - item.early_start).days + 1
    if progress is None:
        return None
    if progress.done_on is not None:
        return max((progress.done_on - item.early_start).days + 1, 1) / span
    if progress.percent >= MIN_PERCENT and today > item.early_start:
        projected = (today - item.early_start).days / (progress.percent / 100.0)
        return projected / span
    return None


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
    from guatu.org.models import Town
    from guatu.projects.models import Phase

    items = [
        _Planned(*row)
        for row in WorkItem.objects.filter(
            project__city=city, early_start__isnull=False, duration_days__gt=0
        ).values_list("pk", "duration_days", "early_start", "early_finish", "town_id", "phase_id")
    ]  # plain values: a city has tens of thousands of items
    towns = dict(Town.objects.filter(pk__in={i.town_id for i in items}).values_list("pk", "name"))
    phases = dict(
        Phase.objects.filter(pk__in={i.phase_id for i in items}).values_list("pk", "name")
    )
    progress = item_progress(items, today, city=city)
    groups: dict[tuple, list[float]] = defaultdict(list)
    names: dict[tuple, str] = {}
    no_phase, city_level, whole = _("no phase"), _("city level"), _("whole city")
    for item in items:
        ratio = _ratio(item, progress.get(item.pk), today)
        if ratio is None or ratio <= 0:
            continue
        phase = phases[item.phase_id] if item.phase_id else no_phase
        town = towns[item.town_id] if item.town_id else city_level
        for key, name in (
            ((item.town_id, item.phase_id), f"{town}·{phase}"),
            ((None, item.phase_id), phase),
            ((None, None), whole),
        ):
            groups[key].append(ratio)
            names[key] = name
    fits = {}
    for key, ratios in groups.items():
        if len(ratios) >= MIN_ITEMS:
            label = _("%(group)s (%(count)d items)") % {"group": names[key], "count": len(ratios)}
            fits[key] = _fit(ratios, label)
    return Calibration(fits, progress)
