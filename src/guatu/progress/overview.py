"""The progress read model: one computation of where the city stands on a date.

The dashboard, the town list, the bulletin (and the scores it records) lay
out this one result, so they can never disagree: the lights of the items as
of a date and one period earlier, the counts by light, the early warnings,
the towns and departments ranked by work on track with the change since the
previous period, the planned and actual progress weighted by planned value,
and the items that need attention. Project lights roll up by one rule too
(``status.lights_by_project``), for every page and the API.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from django.db.models import Q

from guatu.core.status import LIGHT_NAMES, Light, Reason, group_on_track_share
from guatu.org.clock import city_today
from guatu.org.models import City, Department, Town
from guatu.progress.status import (
    StatusInputs,
    StatusTable,
    planned_value_weights,
    status_inputs,
    status_table,
)
from guatu.projects.models import WorkItem

#: What the city's rankings and counts are about: the work, not its milestones.
TASKS = Q(kind=WorkItem.Kind.TASK)
#: The dashboard's comparison period (a week); bulletins pass their own period's length.
PERIOD_DAYS = 7


@dataclass(frozen=True)
class Standing:
    """A town's or department's place: the share of its work on track, and the change."""

    pk: int
    name: str
    share: float | None
    #: Percentage points since the previous period; None when either side has nothing under way.
    change: float | None
    counts: dict[str, int]


class WeightedProgress(NamedTuple):
    """Planned (序时) and actual % of a set of items, weighted by planned value."""

    planned: float
    actual: float


def weighted_progress(table: StatusTable, weights: np.ndarray | None = None) -> WeightedProgress:
    """Return the planned and actual % of *table*'s items, weighted by planned value.

    An item without a report counts as 0 % done; *weights* default to
    ``planned_value_weights`` of the table. Rounded to 0.1 percentage point.
    """
    if weights is None:
        weights = planned_value_weights(table.planned_value)
    total = weights.sum() or 1.0
    planned = (table.result.planned * weights).sum() / total
    actual = (np.nan_to_num(table.result.actual) * weights).sum() / total
    return WeightedProgress(round(float(planned), 1), round(float(actual), 1))


@dataclass
class Overview:
    """Where the items in scope stand at ``as_of``, and one period before."""

    city: City
    as_of: date
    previous: date
    table: StatusTable
    before: StatusTable
    weights: np.ndarray = field(repr=False)
    #: The rows fetched once for both dates; other looks back (the ladder) reuse them.
    inputs: StatusInputs | None = field(default=None, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        return _counts(self.table)

    @property
    def previous_counts(self) -> dict[str, int]:
        return _counts(self.before)

    @property
    def progress(self) -> WeightedProgress:
        """Planned and actual % of the items in scope at ``as_of``, weighted by planned value."""
        return weighted_progress(self.table, self.weights)

    @property
    def on_track(self) -> float | None:
        """The share of the work under way that is on track (green or done), weighted; the
        figure towns and departments are ranked by, for the whole city."""
        return _share(self.table.light, self.weights)

    @property
    def warnings(self) -> int:
        """Early warnings (预警): green by lag, but the forecast misses the late finish."""
        return int((self.table.result.reason == Reason.FORECAST).sum())

    def towns(self) -> list[Standing]:
        towns = Town.objects.filter(city=self.city).order_by("order")
        names = dict(towns.values_list("pk", "name"))
        return self._standings(self.table.town_id, names)

    def departments(self) -> list[Standing]:
        names = {d.pk: str(d) for d in Department.objects.filter(city=self.city).order_by("name")}
        owners = dict(
            WorkItem.objects.filter(pk__in=self.table.pks.tolist()).values_list(
                "pk", "owner_department_id"
            )
        )
        key = np.array([owners.get(pk) or 0 for pk in self.table.pks.tolist()], dtype=np.int64)
        return self._standings(key, names)

    def _standings(self, key: np.ndarray, names: dict[int, str]) -> list[Standing]:
        """Rank by on-track share (weighted by planned value), best first; empty groups last."""
        rows = []
        for pk, name in names.items():
            mine = key == pk
            lights = self.table.light[mine]
            counts = {n: int((lights == k).sum()) for k, n in enumerate(LIGHT_NAMES)}
            share = _share(self.table.light[mine], self.weights[mine])
            earlier = _share(self.before.light[mine], self.weights[mine])
            rows.append(Standing(pk, name, share, _change(share, earlier), counts))
        return sorted(rows, key=lambda s: (s.share is None, -(s.share or 0), s.name))

    def listed(self, *, red: bool = True, yellow: bool = False, warned: bool = False) -> np.ndarray:
        """Indexes of the items needing attention: red first, then furthest behind plan."""
        light, reason = self.table.light, self.table.result.reason
        chosen = np.zeros(len(light), dtype=bool)
        if red:
            chosen |= light == Light.RED
        if yellow:
            chosen |= light == Light.YELLOW
        if warned:
            chosen |= reason == Reason.FORECAST
        where = np.flatnonzero(chosen)
        order = np.lexsort((-self.table.result.lag[where], light[where] != Light.RED))
        return where[order]


def progress_overview(
    *,
    city: City,
    as_of: date | None = None,
    period_days: int = PERIOD_DAYS,
    items: Q = TASKS,
) -> Overview:
    """Compute the overview of the items matching *items* at *as_of* (the city's today)."""
    as_of = as_of or city_today(city)
    previous = as_of - timedelta(days=period_days)
    inputs = status_inputs(items=items, up_to=as_of, city=city)
    table = status_table(as_of=as_of, inputs=inputs)
    before = status_table(as_of=previous, inputs=inputs)
    return Overview(
        city=city,
        as_of=as_of,
        previous=previous,
        table=table,
        before=before,
        weights=planned_value_weights(table.planned_value),
        inputs=inputs,
    )


def standings_since(
    standings: list[Standing], earlier: dict[int, float | None] | None
) -> list[Standing]:
    """*standings* with each change against the *earlier* shares (by pk), as an earlier
    bulletin printed them, not as the lights stood a period ago: a bulletin's 较上期.

    A unit without a share then or now has no change; with no *earlier* (nothing to
    compare with) no unit has one.

    >>> now = [Standing(1, "石柱镇", 0.9, 52.9, {}), Standing(2, "前仓镇", 0.5, None, {})]
    >>> [s.change for s in standings_since(now, {1: 0.9, 2: 0.25})]
    [0.0, 25.0]
    >>> [s.change for s in standings_since(now, {1: None})], standings_since(now, None)[0].change
    ([None, None], None)
    """
    earlier = earlier or {}
    return [replace(s, change=_change(s.share, earlier.get(s.pk))) for s in standings]


def _change(share: float | None, earlier: float | None) -> float | None:
    """The change of an on-track share in percentage points, None when either is missing."""
    return None if share is None or earlier is None else round((share - earlier) * 100, 1)


def _counts(table: StatusTable) -> dict[str, int]:
    return {name: int((table.light == k).sum()) for k, name in enumerate(LIGHT_NAMES)}


def _share(light: np.ndarray, weight: np.ndarray) -> float | None:
    """One group's on-track share: green or done among the items under way, weighted."""
    if not len(light):
        return None
    share = group_on_track_share(np.zeros(len(light), dtype=np.int64), light, weight, 1)[0]
    return None if np.isnan(share) else round(float(share), 4)


__all__ = [
    "Overview",
    "Standing",
    "WeightedProgress",
    "progress_overview",
    "standings_since",
    "weighted_progress",
]
