"""Read paths for supervision: which bulletins a user may see; which rungs of the ladder,
and where each stands with its unit's answer (整改反馈); each unit's score of a year and
what makes it up, with how fast it answers and closes its problems (shown, not scored)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Min, OuterRef
from django.utils.translation import gettext_lazy

from guatu.access import is_supervisor
from guatu.accounts.models import Role
from guatu.org.clock import city_time, city_today
from guatu.org.models import City
from guatu.org.selectors import oversees_cities
from guatu.problems.selectors import UnitPace, unit_pace
from guatu.supervision.models import Bulletin, EscalationEvent, NoticeReply, Score


def divisions_above(user) -> list[int]:
    """The divisions above the user's city (its prefecture, its province), nearest first."""
    above, city_id, seen = [], getattr(user, "city_id", None), set()
    while city_id is not None and city_id not in seen:
        seen.add(city_id)
        city_id = City.everywhere.filter(pk=city_id).values_list("parent_id", flat=True).first()
        if city_id is not None:
            above.append(city_id)
    return above


def bulletins_visible(*, user):
    """Return the bulletins *user* may read: drafts only for the supervision office.

    A draft is a working paper (its figures and proposed escalations can still
    change); nobody else sees it until it is published. A user of a prefecture
    or province lists its own division's bulletins (the cities' are read on
    their pages); a city's users also read what the divisions above published
    about them (a 公文 addressed to them), never their drafts.
    """
    bulletins = Bulletin.objects.select_related("project")
    if oversees_cities(user):
        bulletins = bulletins.filter(city_id=user.city_id)
    if not is_supervisor(user):
        bulletins = bulletins.filter(status=Bulletin.Status.PUBLISHED)
    above = divisions_above(user)
    if above:
        from_above = Bulletin.everywhere.filter(
            city_id__in=above, status=Bulletin.Status.PUBLISHED
        ).select_related("project")
        bulletins = bulletins | from_above
    return bulletins


def escalations_visible(*, user):
    """The rungs of the ladder *user* may list: a town's or a department's official only
    their own unit's; everyone else who signs in, every rung of the cities in scope.
    Each carries ``first_answer_at`` and ``answer_count`` for ``answer_state``."""
    events = EscalationEvent.objects.select_related(
        "work_item__project__city", "town", "department"
    )
    role = getattr(user, "role", None)
    if role == Role.TOWN:
        events = events.filter(town_id=user.town_id, town_id__isnull=False)
    elif role == Role.DEPARTMENT:
        events = events.filter(department_id=user.department_id, department_id__isnull=False)
    return events.annotate(
        first_answer_at=Min("replies__created_at"), answer_count=Count("replies")
    )


@dataclass(frozen=True)
class AnswerState:
    """Where a rung's notice stands with its unit's answer."""

    #: ``answered``; ``awaiting`` (due on ``day``, or no date set); ``overdue`` (``day``
    #: passed with no answer); ``closed`` (the office closed it before any answer).
    state: str
    #: The day of the first answer (city time) when answered; otherwise the due date.
    day: date | None = None
    #: Answered, but after the due date.
    late: bool = False
    #: How many answers there are.
    count: int = 0


def answer_state(event: EscalationEvent, today: date) -> AnswerState:
    """Where *event* stands on *today* (its city's day, ``org.clock.city_today``).

    Overdue: the due date (``reply_by``) is before today, no answer came and the rung
    is open. A rung listed by ``escalations_visible`` is read without a query.
    """
    if hasattr(event, "first_answer_at"):
        first, count = event.first_answer_at, event.answer_count
    else:
        answers = event.replies.aggregate(first=Min("created_at"), count=Count("id"))
        first, count = answers["first"], answers["count"]
    if first is not None:
        # On the city's clock: a city judging an earlier day (its data date, the demo's
        # 2019-11-15) receives an answer sent now on that day, not on the machine's.
        day = min(city_time(event.work_item.project.city, first).date(), today)
        late = event.reply_by is not None and day > event.reply_by
        return AnswerState("answered", day, late, count)
    if event.resolved_at is not None:
        return AnswerState("closed")
    if event.reply_by is not None and event.reply_by < today:
        return AnswerState("overdue", event.reply_by)
    return AnswerState("awaiting", event.reply_by)


def answer_states(events) -> dict[int, AnswerState]:
    """``answer_state`` of each of *events* by its id, each on its own city's today."""
    todays: dict[int, date] = {}
    states = {}
    for event in events:
        city = event.work_item.project.city
        if city.pk not in todays:
            todays[city.pk] = city_today(city)
        states[event.pk] = answer_state(event, todays[city.pk])
    return states


def answers_due(*, city: City, first: date, last: date):
    """The city's open rungs whose answer falls due between *first* and *last* and has
    not come (the worker reminds their units)."""
    answered = NoticeReply.objects.filter(escalation_id=OuterRef("pk"))
    return (
        EscalationEvent.objects.filter(
            work_item__project__city=city,
            reply_by__range=(first, last),
            resolved_at__isnull=True,
        )
        .exclude(Exists(answered))
        .select_related("work_item__project", "town", "department")
    )


def answers_overdue(*, city: City, today: date | None = None):
    """The city's open rungs whose answer is overdue: due before *today* (the city's by
    default) and not answered."""
    today = today or city_today(city)
    answered = NoticeReply.objects.filter(escalation_id=OuterRef("pk"))
    return (
        EscalationEvent.objects.filter(
            work_item__project__city=city, reply_by__lt=today, resolved_at__isnull=True
        )
        .exclude(Exists(answered))
        .select_related("work_item__project", "town", "department")
    )


# --- the score and what makes it up ------------------------------------------------------

#: The rules of a 督查考核 score in the order shown: key, words, and whether the figure is
#: a share (the unit's on-track share, its timely reports, its blockers resolved on time)
#: or a count (rungs issued, 节点调整 approved), which take points off.
SCORE_RULES = (
    ("on_track", gettext_lazy("Work on track (share, weighted)"), "share"),
    ("timeliness", gettext_lazy("Reports on time (share of items under way)"), "share"),
    ("blockers", gettext_lazy("Blockers resolved by their due date (share)"), "share"),
    ("investment", gettext_lazy("Investment against 序时 (share, weighted)"), "share"),
    ("escalations", gettext_lazy("Rungs of the ladder issued"), "count"),
    ("adjustments", gettext_lazy("Node adjustments approved"), "count"),
)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ScorePart:
    """One rule of a unit's score over the year: its figure (an average share in % or a
    count of the year) and its points (the average per period; off the score if < 0)."""

    rule: str
    label: str
    figure: Decimal
    is_share: bool
    points: Decimal


@dataclass(frozen=True)
class UnitScore:
    """A town's or department's score of the year: the average of its periods' scores,
    to one decimal, and the parts that make it up (they add up to it exactly)."""

    name: str
    score: Decimal
    periods: int
    parts: list[ScorePart]
    #: The town's or department's id.
    key: int | None = None
    #: 问题清单: the median days from 交办 to the first 反馈 and to 销号 (``score_pace``);
    #: shown beside the score, never weighted into it.
    pace: UnitPace | None = None


def _period_points(parts: dict) -> dict[str, float]:
    """The points each rule gave one period's score (``supervision.scores_record``'s sum)."""
    weights = parts.get("weights") or {}
    adjustment = float(weights.get("adjustment", 0.0))
    invest = float(parts.get("investment_weight") or 0)  # scores before issue 33: none
    rest = 100 * (1 - invest)
    return {
        "on_track": rest * float(weights.get("on_track", 0)) * float(parts.get("on_track") or 0),
        "timeliness": rest * float(weights.get("timeliness", 0)) * float(parts["timeliness"]),
        "blockers": rest * float(weights.get("blockers", 0)) * float(parts["blockers"]),
        "investment": 100 * invest * float(parts.get("investment", 1.0)),
        "escalations": -float(parts.get("escalation_points") or 0),
        "adjustments": -adjustment * int(parts.get("adjustments") or 0),
    }


def apportion(values: list[float], total: Decimal, step: Decimal = TENTH) -> list[Decimal]:
    """*values* rounded to *step* so that they add up to *total* exactly (largest remainder:
    the values nearest to the next step take the rounding's difference).

    >>> apportion([33.34, 33.33, 33.33], Decimal("100.0"))
    [Decimal('33.4'), Decimal('33.3'), Decimal('33.3')]
    """
    units = [Decimal(repr(v)) / step for v in values]
    floors = [u.to_integral_value(rounding=ROUND_FLOOR) for u in units]
    left = int(total / step - sum(floors))
    order = sorted(range(len(values)), key=lambda i: units[i] - floors[i], reverse=left > 0)
    for i in order[: abs(left)]:
        floors[i] += 1 if left > 0 else -1
    return [(f * step).quantize(step) for f in floors]


def score_pace(city: City | None, year: int) -> dict[tuple[str, int], UnitPace]:
    """Each unit's pace on its problems for the scores page of *year*: the median calendar
    days from 交办 to the first 反馈 and to 销号, over the problems 交办ed by the year's end
    (or today, in the year under way) — ``problems.selectors.unit_pace``."""
    if city is None:
        return {}
    return unit_pace(city, until=min(date(year, 12, 31), city_today(city)))


def unit_scores(
    *, year: int, unit: str, pace: dict[tuple[str, int], UnitPace] | None = None
) -> list[UnitScore]:
    """Each town's (*unit* ``town``) or department's (``department``) score of *year*, best
    first, with what makes it up (``SCORE_RULES``) and, from *pace* (``score_pace``), how
    fast it answers and closes its problems."""
    by_unit: dict[int, list] = {}
    names: dict[int, str] = {}
    scores = Score.objects.filter(year=year, **{f"{unit}__isnull": False}).select_related(unit)
    for score in scores.order_by("period", "id"):
        key = getattr(score, f"{unit}_id")
        names[key] = str(getattr(score, unit))
        by_unit.setdefault(key, []).append(score)
    result = []
    for key, periods in by_unit.items():
        n = len(periods)
        average = sum(s.score for s in periods) / n
        shown = Decimal(average).quantize(TENTH, rounding=ROUND_HALF_UP)
        points = [_period_points(s.parts) for s in periods]
        # Investment is shown only where the city scores it (a weight in its rules).
        rules = [
            rule
            for rule in SCORE_RULES
            if rule[0] != "investment" or any(s.parts.get("investment_weight") for s in periods)
        ]
        values = [sum(p[rule] for p in points) / n for rule, _label, _kind in rules]
        apportioned = apportion(values, shown)
        parts = []
        for (rule, label, kind), value in zip(rules, apportioned, strict=True):
            if kind == "share":
                figure = sum(float(s.parts.get(rule) or 0) for s in periods) / n * 100
                figure = Decimal(repr(figure)).quantize(TENTH, rounding=ROUND_HALF_UP)
            else:
                figure = Decimal(sum(int(s.parts.get(rule) or 0) for s in periods))
            parts.append(ScorePart(rule, str(label), figure, kind == "share", value))
        found = (pace or {}).get((unit, key))
        result.append(UnitScore(names[key], shown, n, parts, key=key, pace=found))
    result.sort(key=lambda u: (-u.score, u.name))
    return result
