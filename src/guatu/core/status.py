"""序时进度 and the lights: progress against plan for a whole city, over arrays.

For each work item at a date t (all days are working-day offsets on the
item's own project calendar, like the schedule's; see ``CalendarAxis``):

- planned % (序时进度): the share of the item's planned working days elapsed,
  ``(t − ES) / d``, linear or on an S-curve; a milestone is due (100 %) from
  its date on;
- actual %: the latest effective report on or before t (no report: none);
- lag: planned − actual, in percentage points (欠序时进度 when positive);
- forecast finish: from the rate of the reports in the window before t
  (default four weeks); no progress in the window → no forecast, shown as such;
- slip: forecast finish − late finish (or t − late finish once overdue);
- the light, by DESIGN.md's default rules with the thresholds given:
  done; not started; red if lag > red threshold or past the late finish
  undone; yellow if lag > yellow threshold, or — the early warning (预警) —
  the lag is still green but the forecast misses the late finish; else green.

Milestones also get the wall chart's flags: done on time (red flag), done
late, overdue (black flag), pending — by ``node_flag``, the one rule the wall
chart also applies to a task's own time node.

The per-item pass is one compiled sweep over the reports, sorted by item and
day, so a city's million items and ten million reports take well under a
second. Roll-ups to projects and towns use ``bincount``.

>>> import numpy as np
>>> result = item_status(
...     es=np.array([0]), duration=np.array([10]), lf=np.array([12]), as_of=np.array([5]),
...     window_start=np.array([0]), report_item=np.array([0, 0]),
...     report_day=np.array([2, 5]), report_percent=np.array([10.0, 30.0]))
>>> float(result.planned[0]), float(result.actual[0]), float(result.lag[0])
(50.0, 30.0, 20.0)
>>> LIGHT_NAMES[result.light[0]]
'yellow'
"""

from dataclasses import dataclass
from enum import IntEnum

import numba
import numpy as np

__all__ = [
    "LIGHT_NAMES",
    "NO_DAY",
    "Flag",
    "Light",
    "Reason",
    "StatusResult",
    "StatusRules",
    "group_light",
    "group_on_track_share",
    "item_status",
    "node_flag",
]

NO_DAY = np.int64(-(1 << 60))


class Light(IntEnum):
    NOT_STARTED = 0
    GREEN = 1
    YELLOW = 2
    RED = 3
    DONE = 4


LIGHT_NAMES = ("not_started", "green", "yellow", "red", "done")
#: How bad a light is, for roll-ups: a project is as bad as its worst item.
SEVERITY = np.array([1, 2, 3, 4, 0], dtype=np.int8)  # by Light code
BY_SEVERITY = np.array(
    [Light.DONE, Light.NOT_STARTED, Light.GREEN, Light.YELLOW, Light.RED], dtype=np.int8
)


class Reason(IntEnum):
    """Why an item has its light."""

    NONE = 0
    DONE = 1
    NOT_STARTED = 2
    OVERDUE = 3
    LAG_RED = 4
    LAG_YELLOW = 5
    FORECAST = 6  # 预警: the lag is fine but the forecast misses the late finish
    ON_TRACK = 7


class Flag(IntEnum):
    """Wall-chart flags of milestones (时间节点)."""

    NONE = 0
    PENDING = 1
    DONE_ON_TIME = 2  # 红旗
    DONE_LATE = 3
    OVERDUE = 4  # 黑旗


def node_flag(done, done_on, due, today) -> Flag:
    """Return the flag of a time node due at *due*, seen at *today*.

    Done by its due date: the red flag (on time); done after it: late; not done
    and *today* past *due*: the black flag (overdue); else pending. The values
    only need to be ordered alike: working-day offsets in the status kernel,
    dates on the wall chart.

    >>> from datetime import date
    >>> node_flag(True, date(2019, 11, 15), date(2019, 11, 15), date(2019, 11, 20)).name
    'DONE_ON_TIME'
    >>> node_flag(False, None, date(2019, 11, 15), date(2019, 11, 15)).name
    'PENDING'
    >>> node_flag(False, None, date(2019, 11, 15), date(2019, 11, 16)).name
    'OVERDUE'
    """
    if done:
        return Flag.DONE_ON_TIME if done_on <= due else Flag.DONE_LATE
    if today > due:
        return Flag.OVERDUE
    return Flag.PENDING


#: ``node_flag`` compiled for the status kernel (the same source, on offsets).
_node_flag_kernel = numba.njit(cache=True, nogil=True)(node_flag)


@dataclass(frozen=True)
class StatusRules:
    """The thresholds in force (DESIGN.md's defaults; a supervisor may change them)."""

    yellow_lag: float = 10.0
    red_lag: float = 30.0
    s_curve: bool = False


@dataclass(frozen=True)
class StatusResult:
    planned: np.ndarray  # float64, %
    actual: np.ndarray  # float64, %, NaN without a report
    lag: np.ndarray  # float64, percentage points
    forecast: np.ndarray  # int64 exclusive finish offset, NO_DAY without a forecast
    slip: np.ndarray  # int64 working days late against the late finish (≤ 0: none)
    #: int64 exclusive offset of the report that reached 100 % (like ``report_day``:
    #: the work was done by the end of that report's date), NO_DAY if none
    done_day: np.ndarray
    light: np.ndarray  # int8 Light
    reason: np.ndarray  # int8 Reason
    flag: np.ndarray  # int8 Flag (milestones only)

    @property
    def warning(self) -> np.ndarray:
        """The early warning (预警): green by lag, but the forecast misses the late finish."""
        return self.reason == Reason.FORECAST


@numba.njit(cache=True, nogil=True)
def _classify(
    es, duration, lf, as_of, window_start, actual, earlier, done_day, yellow_lag, red_lag, s_curve
):  # pragma: no cover - compiled
    """Planned %, lag, forecast, slip, light, reason and flag, item by item.

    The rules, least to most decisive (a later one overrides): the early
    warning (lag fine, forecast late); lag beyond yellow; lag beyond red; not
    started (nothing reported, nothing planned yet); overdue (past the late
    finish, not done); done.
    """
    n = len(es)
    planned = np.empty(n)
    lag = np.empty(n)
    forecast = np.empty(n, dtype=np.int64)
    slip = np.zeros(n, dtype=np.int64)
    light = np.empty(n, dtype=np.int8)
    reason = np.empty(n, dtype=np.int8)
    flag = np.zeros(n, dtype=np.int8)
    for i in range(n):
        d = duration[i]
        t = as_of[i]
        if d == 0:
            plan = 100.0 if t >= es[i] else 0.0
        else:
            share = (t - es[i]) / d
            share = 0.0 if share < 0.0 else (1.0 if share > 1.0 else share)
            if s_curve:
                share = share * share * (3.0 - 2.0 * share)
            plan = share * 100.0
        reported = not np.isnan(actual[i])
        progress = actual[i] if reported else 0.0
        behind = plan - progress
        done = progress >= 100.0
        span = t - window_start[i]
        if span < 1:
            span = 1
        rate = (progress - earlier[i]) / span
        has_forecast = rate > 0.0 and not done
        if done:
            forecast[i] = done_day[i]
        elif has_forecast:
            forecast[i] = t + np.int64(np.ceil((100.0 - progress) / rate))
        else:
            forecast[i] = NO_DAY
        overdue = (not done) and t > lf[i]
        if done:
            slip[i] = done_day[i] - lf[i]
        elif overdue:
            slip[i] = t - lf[i]
        elif has_forecast:
            slip[i] = forecast[i] - lf[i]
        code = 1  # GREEN
        why = 7  # ON_TRACK
        if has_forecast and forecast[i] > lf[i] and behind <= yellow_lag:
            code, why = 2, 6  # YELLOW, FORECAST
        if behind > yellow_lag:
            code, why = 2, 5  # YELLOW, LAG_YELLOW
        if behind > red_lag:
            code, why = 3, 4  # RED, LAG_RED
        if (not reported) and plan <= 0.0:
            code, why = 0, 2  # NOT_STARTED
        if overdue:
            code, why = 3, 3  # RED, OVERDUE
        if done:
            code, why = 4, 1  # DONE
        planned[i] = plan
        lag[i] = behind
        light[i] = code
        reason[i] = why
        if d == 0:
            flag[i] = _node_flag_kernel(done, done_day[i], lf[i], t)
    return planned, lag, forecast, slip, light, reason, flag


@numba.njit(cache=True, nogil=True)
def _sweep(n, report_item, report_day, report_percent, as_of, window_start):  # pragma: no cover
    """Per item: the latest percent on or before t and before the window, and when 100 % came."""
    actual = np.full(n, np.nan)
    earlier = np.zeros(n)
    done_day = np.full(n, NO_DAY, dtype=np.int64)
    for r in range(len(report_item)):
        i = report_item[r]
        day = report_day[r]
        if day > as_of[i]:
            continue
        percent = report_percent[r]
        actual[i] = percent
        if day <= window_start[i]:
            earlier[i] = percent
        if percent >= 100.0 and done_day[i] == NO_DAY:
            done_day[i] = day
    return actual, earlier, done_day


def item_status(
    *,
    es: np.ndarray,
    duration: np.ndarray,
    lf: np.ndarray,
    as_of: np.ndarray,
    window_start: np.ndarray,
    report_item: np.ndarray,
    report_day: np.ndarray,
    report_percent: np.ndarray,
    rules: StatusRules | None = None,
) -> StatusResult:
    """Return the status of every item at its ``as_of`` offset.

    Reports must be effective ones only (not superseded), sorted by item and
    then by day; ``report_day`` is the exclusive offset of the report's date
    (the working days done by the end of that day), like ``as_of``.
    """
    rules = rules or StatusRules()
    n = len(es)
    es = np.asarray(es, dtype=np.int64)
    duration = np.asarray(duration, dtype=np.int64)
    lf = np.asarray(lf, dtype=np.int64)
    as_of = np.asarray(as_of, dtype=np.int64)
    window_start = np.asarray(window_start, dtype=np.int64)
    actual, earlier, done_day = _sweep(
        n,
        np.ascontiguousarray(report_item, dtype=np.int64),
        np.ascontiguousarray(report_day, dtype=np.int64),
        np.ascontiguousarray(report_percent, dtype=np.float64),
        as_of,
        window_start,
    )
    planned, lag, forecast, slip, light, reason, flag = _classify(
        es,
        duration,
        lf,
        as_of,
        window_start,
        actual,
        earlier,
        done_day,
        float(rules.yellow_lag),
        float(rules.red_lag),
        bool(rules.s_curve),
    )
    return StatusResult(
        planned=planned,
        actual=actual,
        lag=lag,
        forecast=forecast,
        slip=slip,
        done_day=done_day,
        light=light,
        reason=reason,
        flag=flag,
    )


def group_light(
    group: np.ndarray, light: np.ndarray, groups: int, counted: np.ndarray | None = None
) -> np.ndarray:
    """Return each group's light: its worst counted item's (RED > YELLOW > GREEN).

    *counted* selects the items that count (a project counts its critical
    items); a group with none of them falls back to all its items. When the
    worst counted light is 完成 or 未开工, the group is read as a whole: 完成
    only if every item is done, 未开工 only if no item has started, and
    otherwise under way and on track (green) — a park with five of seven
    items done and two not yet due is not "not started".

    >>> L = Light
    >>> group_light(np.array([0, 0, 1, 1, 2]), np.array([L.DONE, L.NOT_STARTED,
    ...     L.DONE, L.DONE, L.NOT_STARTED]), 3).tolist() == [L.GREEN, L.DONE, L.NOT_STARTED]
    True
    """
    severity = SEVERITY[light]
    worst_all = np.zeros(groups, dtype=np.int8)
    np.maximum.at(worst_all, group, severity)
    if counted is None:
        worst = worst_all
    else:
        worst = np.full(groups, -1, dtype=np.int8)
        np.maximum.at(worst, group[counted], severity[counted])
        worst = np.where(worst >= 0, worst, worst_all)
    rolled = BY_SEVERITY[worst]
    started = np.zeros(groups, dtype=bool)
    np.logical_or.at(started, group, light != Light.NOT_STARTED)
    all_done = np.ones(groups, dtype=bool)
    np.logical_and.at(all_done, group, light == Light.DONE)
    quiet = (rolled == Light.DONE) | (rolled == Light.NOT_STARTED)
    whole = np.where(all_done, Light.DONE, np.where(started, Light.GREEN, Light.NOT_STARTED))
    return np.where(quiet, whole, rolled).astype(np.int8)


def group_on_track_share(
    group: np.ndarray, light: np.ndarray, weight: np.ndarray, groups: int
) -> np.ndarray:
    """Return each group's share of items on track (green or done), weighted.

    Items not started yet are neither on nor off track and do not count; a
    group with nothing under way gets NaN.
    """
    under_way = light != Light.NOT_STARTED
    on_track = under_way & ((light == Light.GREEN) | (light == Light.DONE))
    total = np.bincount(group[under_way], weights=weight[under_way], minlength=groups)
    good = np.bincount(group[on_track], weights=weight[on_track], minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, good / total, np.nan)
