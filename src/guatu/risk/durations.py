"""What each item's remaining duration is drawn from, in a project's risk run.

The network is the stored schedule's (``projects.scheduling``): a finished
item keeps its actual dates; an item under way continues from the data date
with what is left of its duration (at its recent pace when it has one); an
item not started starts no earlier than the data date. The analyst's
three-point estimate, where there is one, overrides the city's record
(``calibration``) for that item, scaled by what is left.
"""

import math
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from guatu.core.risk import Dist
from guatu.core.schedule import Constraints, Network, progressed
from guatu.projects.models import WorkItem
from guatu.projects.scheduling import PlanNetwork
from guatu.risk.calibration import Calibration
from guatu.risk.models import ThreePoint

__all__ = ["Durations", "item_durations"]


@dataclass(frozen=True)
class Durations:
    """Each item's distribution (``Dist`` and its three parameters) and start constraints."""

    #: The network the runs schedule: the plan's, progress folded in.
    network: Network
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
    extra_days: dict[int, int],
    calibration: Calibration,
    estimates: dict[int, ThreePoint],
) -> Durations:
    """What each of *plan*'s items is drawn from, as of its data date.

    The network is the schedule's own, progress folded in (``core.schedule.progressed``):
    a run with every item at its planned pace is the stored schedule. *extra_days*
    (item pk → days) are a what-if's, added to what is left.
    """
    items = plan.items
    n = len(items)
    network, constraints = plan.network, plan.constraints
    done = np.zeros(n, dtype=bool)
    if plan.progress is not None:
        folded = progressed(network, constraints, plan.progress)
        network, constraints, done = folded.network, folded.constraints, folded.done
    pace = calibration.progress  # the same day's figures, fetched once for the city
    reported = plan.reported or {}
    dist = np.full(n, Dist.FIXED, dtype=np.int64)
    p1 = network.duration.astype(np.float64)
    p2 = np.zeros(n)
    p3 = np.zeros(n)
    used: dict[str, list] = {}
    source_of = {}
    analyst = _("analyst's three-point estimate")
    no_duration = _("no duration (a time node)")
    for i, item in enumerate(items):
        if item.kind == WorkItem.Kind.MILESTONE or item.duration_days == 0:
            source_of[i] = no_duration
            continue
        if done[i]:
            source_of[i] = _("finished on %(date)s") % {"date": reported[i].done_on.isoformat()}
            continue
        extra = extra_days.get(item.pk, 0)
        left = float(network.duration[i])  # what is left (the whole of it, not started)
        share = left / item.duration_days
        fit = calibration.for_item(item)
        mu = fit.mu
        recent = pace.get(item.pk)
        if i in reported and reported[i].started_on and recent and recent.pace_ratio:
            mu = math.log(recent.pace_ratio)  # under way: at its recent pace
        estimate = estimates.get(item.pk)
        if estimate is not None:  # the analyst's range overrides the history
            dist[i], p1[i], p2[i], p3[i] = _three_point(estimate, share, extra)
            source_of[i] = analyst
            used.setdefault(analyst, [0, None])[0] += 1
            continue
        dist[i], p1[i], p2[i], p3[i] = Dist.LOGNORMAL, max(left + extra, 0.0), mu, fit.sigma
        source_of[i] = fit.source
        used.setdefault(fit.source, [0, fit])[0] += 1
    return Durations(network, dist, p1, p2, p3, constraints, source_of, used)


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
