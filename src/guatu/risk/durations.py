"""What each item's remaining duration is drawn from, in a project's risk run.

A time node takes no time; a finished item is fixed at the day it finished;
an item under way continues from today with what is left of its duration (at
its recent pace when it has one); an item not started starts no earlier than
today. The analyst's three-point estimate, where there is one, overrides the
city's record (``calibration``) for that item, scaled by what is left.
"""

import math
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from guatu.core.risk import Dist
from guatu.core.schedule import NO_FIX, Constraints
from guatu.projects.models import WorkItem
from guatu.projects.scheduling import PlanNetwork
from guatu.risk.calibration import Calibration
from guatu.risk.models import ThreePoint

__all__ = ["Durations", "item_durations"]


@dataclass(frozen=True)
class Durations:
    """Each item's distribution (``Dist`` and its three parameters) and start constraints."""

    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    p3: np.ndarray
    constraints: Constraints
    #: Item index → where its figures came from (said beside each driver).
    source_of: dict[int, str]
    #: Source label → [the items drawn from it, its fit (None for the analyst's)].
    used: dict[str, list]


def item_durations(
    plan: PlanNetwork,
    *,
    now: int,
    extra_days: dict[int, int],
    calibration: Calibration,
    estimates: dict[int, ThreePoint],
) -> Durations:
    """What each of *plan*'s items is drawn from, as of the working day *now*.

    *extra_days* (item pk → days) are a what-if's, added to what is left.
    """
    items, axis = plan.items, plan.axis
    n = len(items)
    progress = calibration.progress  # the same day's figures, fetched once for the city
    earliest, latest, fixed = plan.constraints.arrays(n)
    earliest, fixed = earliest.copy(), fixed.copy()
    dist = np.full(n, Dist.FIXED, dtype=np.int64)
    p1 = plan.network.duration.astype(np.float64)
    p2 = np.zeros(n)
    p3 = np.zeros(n)
    used: dict[str, list] = {}
    source_of = {}
    analyst = _("analyst's three-point estimate")
    no_duration = _("no duration (a time node)")
    for i, item in enumerate(items):
        extra = extra_days.get(item.pk, 0)
        done = progress.get(item.pk)
        if item.kind == WorkItem.Kind.MILESTONE or item.duration_days == 0:
            p1[i] = 0.0
            source_of[i] = no_duration
            continue
        if done is not None and done.done_on is not None:
            p1[i] = 0.0  # finished: successors wait only for the day it finished
            fixed[i] = int(axis.offset_of_finish([done.done_on])[0])
            source_of[i] = _("finished on %(date)s") % {"date": done.done_on.isoformat()}
            continue
        fit = calibration.for_item(item)
        share = 1.0 - (done.percent / 100.0 if done else 0.0)  # what is left of the work
        left = max(item.duration_days * share + extra, 0.0)
        mu = fit.mu
        if done is not None and done.percent > 0:
            fixed[i] = max(now, int(earliest[i]) if earliest[i] > 0 else 0)  # under way
            if done.pace_ratio is not None:
                mu = math.log(done.pace_ratio)
        else:
            earliest[i] = max(int(earliest[i]), now)
            if fixed[i] != NO_FIX:
                fixed[i] = max(int(fixed[i]), now)
        estimate = estimates.get(item.pk)
        if estimate is not None:  # the analyst's range overrides the history
            dist[i], p1[i], p2[i], p3[i] = _three_point(estimate, share, extra)
            source_of[i] = analyst
            used.setdefault(analyst, [0, None])[0] += 1
            continue
        dist[i], p1[i], p2[i], p3[i] = Dist.LOGNORMAL, left, mu, fit.sigma
        source_of[i] = fit.source
        used.setdefault(fit.source, [0, fit])[0] += 1
    constraints = Constraints(earliest_start=earliest, latest_finish=latest, fixed_start=fixed)
    return Durations(dist, p1, p2, p3, constraints, source_of, used)


def _three_point(
    estimate: ThreePoint, share: float, extra: int
) -> tuple[Dist, float, float, float]:
    """The analyst's range scaled to what is left, with its shape (PERT or triangular)."""
    low, mode, high = (
        float(value) * share + extra
        for value in (estimate.optimistic, estimate.most_likely, estimate.pessimistic)
    )
    shape = Dist.PERT if estimate.shape == ThreePoint.Shape.PERT else Dist.TRIANGULAR
    return shape, max(low, 0.0), max(mode, 0.0), max(high, 0.0)
