"""What the 大屏's lists show when they hold more than fits: never without the worst.

The towns' ranking keeps its best few and always its worst, with a line for
how many between them are not shown; the red and yellow list says how many
of each it leaves out. Towns with nothing under way have no share to rank
and are counted apart. The investment line (``investment_line``) is the month's
headline and 开工率 in ``investment.lines``' own words, or nothing.

>>> from guatu.progress.overview import Standing
>>> towns = [Standing(k, f"镇{k}", 1 - k / 20, None, {}) for k in range(12)]
>>> board = town_board([*towns, Standing(99, "空镇", None, None, {})], rows=5)
>>> [(line.rank, line.town.name if line.town else line.rest) for line in board.lines]
[(1, '镇0'), (None, 8), (10, '镇9'), (11, '镇10'), (12, '镇11')]
>>> board.idle
1
>>> [line.rank for line in town_board(towns[:5], rows=5).lines]
[1, 2, 3, 4, 5]
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from guatu.investment import lines
from guatu.investment.rules import figures_month
from guatu.investment.selectors import city_standing
from guatu.progress.overview import Standing

#: The best towns kept at the top when the ranking must be cut (at most a third of it).
BEST = 2
#: The map panel comes round after every this many projects' charts.
MAP_EVERY = 3


@dataclass(frozen=True)
class TownLine:
    """A ranked town, or (``town`` None) the line saying how many are not shown."""

    rank: int | None
    town: Standing | None
    rest: int = 0


@dataclass(frozen=True)
class TownBoard:
    lines: list[TownLine]
    #: Towns with no work under way: no share, so no place in the ranking.
    idle: int


def town_board(standings: Sequence[Standing], *, rows: int) -> TownBoard:
    """*standings* (best first) in at most *rows* table rows.

    All of them when they fit; else the best ``BEST`` (fewer on a short board),
    a row saying how many are not shown, and the worst down to the last.
    """
    ranked = [s for s in standings if s.share is not None]
    idle = len(standings) - len(ranked)
    if len(ranked) <= rows:
        return TownBoard([TownLine(k + 1, s) for k, s in enumerate(ranked)], idle)
    best = min(BEST, (rows - 1) // 3)
    worst = max(rows - 1 - best, 1)
    start = len(ranked) - worst
    lines = [TownLine(k + 1, s) for k, s in enumerate(ranked[:best])]
    lines.append(TownLine(None, None, rest=start - best))
    lines += [TownLine(start + k + 1, s) for k, s in enumerate(ranked[start:])]
    return TownBoard(lines, idle)


@dataclass(frozen=True)
class AttentionList:
    rows: list
    #: Red and yellow items not in *rows*.
    more_red: int
    more_yellow: int


def attention_list(attention: Sequence, counts: dict[str, int], *, rows: int) -> AttentionList:
    """The first *rows* of *attention* (red first) and how many red and yellow are left out.

    *counts* are the city's items by light: the attention list itself may be cut
    shorter than the number of red items.
    """
    shown = list(attention[:rows])
    lights = [status.light for _item, status in shown]
    return AttentionList(
        shown,
        more_red=max(counts.get("red", 0) - lights.count("red"), 0),
        more_yellow=max(counts.get("yellow", 0) - lights.count("yellow"), 0),
    )


@dataclass(frozen=True)
class InvestmentLine:
    """The 投资调度 line under the screen's title: the month's headline, the 开工率 line
    (``lines.start_line``'s own words, also when the city has no 新开工 project) and the
    city's light, which colours the line's mark."""

    headline: str
    start: str
    light: str


def investment_line(city, today: date) -> InvestmentLine | None:
    """The line for the month published on *today* (``figures_month``: its due day
    passed), read from ``city_standing`` and worded by ``investment.lines`` as the
    dashboard and the bulletin word it; None when the city has no annual plan for that
    year (``has_figures``: the screen shows nothing rather than a line of zeros)."""
    standing = city_standing(city, *figures_month(city, today))
    if not standing.has_figures:
        return None
    return InvestmentLine(
        headline=lines.headline(standing),
        start=lines.start_line(standing),
        light=standing.total.light,
    )


@dataclass(frozen=True)
class Turn:
    """What one turn of the screen's rotation shows in its bottom panel: a project's chart
    (``project``, its index in the city's projects) or the map (``project`` None), and how
    many turns make the whole round."""

    project: int | None
    turns: int


def rotation(turn: int, projects: int, *, with_map: bool) -> Turn:
    """The panel of *turn* (any integer: taken round the cycle) among *projects* charts.

    Without the map, the charts in turn. With it (the city has places), the map after
    every ``MAP_EVERY`` charts and after the last: a city of seven projects goes
    1 2 3 map 4 5 6 map 7 map; a city with places and no project shows the map.

    >>> [rotation(n, 7, with_map=True).project for n in range(11)]
    [0, 1, 2, None, 3, 4, 5, None, 6, None, 0]
    >>> rotation(3, 7, with_map=False), rotation(5, 0, with_map=True)
    (Turn(project=3, turns=7), Turn(project=None, turns=1))
    >>> rotation(0, 0, with_map=False)
    Turn(project=None, turns=1)
    """
    if not with_map:
        turns = max(projects, 1)
        return Turn(turn % turns if projects else None, turns)
    turns = projects + -(-projects // MAP_EVERY) if projects else 1
    k = turn % turns
    block, within = divmod(k, MAP_EVERY + 1)
    project = block * MAP_EVERY + within
    if within == MAP_EVERY or project >= projects:
        return Turn(None, turns)
    return Turn(project, turns)
