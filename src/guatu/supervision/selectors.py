"""Read paths for supervision: which bulletins a user may see; which rungs of the ladder,
and where each stands with its unit's answer (整改反馈)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Min, OuterRef

from guatu.access import is_supervisor
from guatu.accounts.models import Role
from guatu.org.clock import city_time, city_today
from guatu.org.models import City
from guatu.org.selectors import oversees_cities
from guatu.supervision.models import Bulletin, EscalationEvent, NoticeReply


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
