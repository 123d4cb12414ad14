"""Reads of the 问题清单: each problem with its colour and proposal, the lists by person.

Every page, the API, the 大屏, the bulletin and the agenda read problems through
``problem_facts``, so a colour or a proposal is worked out by one rule
(``core.problems``) wherever it shows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from guatu.core import problems as core
from guatu.org import numbering
from guatu.org.clock import office_calendar
from guatu.problems.models import ProblemStep
from guatu.problems.rules import rules_on
from guatu.progress.models import Blocker
from guatu.progress.status import items_status

Kind = ProblemStep.Kind


@dataclass(frozen=True)
class Facts:
    """What a problem's row shows beyond its own fields."""

    colour: str  # blue / yellow / red, '' for none
    proposed: int | None  # the level proposed, None if none
    returned: bool  # its last answer was returned
    overdue: bool
    category: str  # the category's name
    level_name: str


def with_answer_state(blockers: QuerySet[Blocker]) -> QuerySet[Blocker]:
    """*blockers* with ``last_answer``: the kind of their latest 反馈 or 退回 step."""
    last = ProblemStep.everywhere.filter(
        blocker=OuterRef("pk"), kind__in=(Kind.REPLIED, Kind.RETURNED)
    ).order_by("-at", "-id")
    return blockers.annotate(last_answer=Subquery(last.values("kind")[:1]))


def problem_facts(blockers: list[Blocker], *, city, today: date) -> dict[int, Facts]:
    """Each problem's colour, proposal and names at *today* (one status read for all)."""
    if not blockers:
        return {}
    rules = rules_on(city, today)
    open_items = [b.work_item for b in blockers if b.status != Blocker.Status.RESOLVED]
    statuses = items_status(items=open_items, as_of=today) if open_items else {}
    behind = [
        getattr(statuses.get(b.work_item_id), "light", "") in ("yellow", "red") for b in blockers
    ]
    missing = [b.pk for b in blockers if not hasattr(b, "last_answer")]
    if missing:  # read without ``with_answer_state``: one query for their answer state
        states = dict(
            with_answer_state(Blocker.objects.filter(pk__in=missing)).values_list(
                "pk", "last_answer"
            )
        )
        for b in blockers:
            if b.pk in states:
                b.last_answer = states[b.pk]
    returned = [b.last_answer == Kind.RETURNED for b in blockers]
    colours = core.colours(
        today,
        [b.due_on for b in blockers],
        behind=behind,
        returned=returned,
        resolved=[b.status == Blocker.Status.RESOLVED for b in blockers],
        calendar=office_calendar(city),
        blue_days=rules.blue_days,
    )
    facts = {}
    for i, b in enumerate(blockers):
        resolved = b.status == Blocker.Status.RESOLVED
        facts[b.pk] = Facts(
            colour=colours[i],
            proposed=None
            if resolved
            else core.proposed_level(
                b.level, requested=b.escalation_requested, overdue=b.due_on < today
            ),
            returned=returned[i],
            overdue=not resolved and b.due_on < today,
            category=rules.category_name(b.category),
            level_name=rules.level_name(b.level),
        )
    return facts


def problems_of(city) -> QuerySet[Blocker]:
    """The city's problems with what their rows show, the answer state included."""
    return with_answer_state(
        Blocker.objects.filter(work_item__project__city=city).select_related(
            "work_item__project", "owner_department", "town"
        )
    )


def proposals(city, today: date) -> list[Blocker]:
    """Open problems proposed for the next level at *today* (asked for, or overdue)."""
    rows = (
        problems_of(city)
        .exclude(status=Blocker.Status.RESOLVED)
        .filter(Q(escalation_requested=True) | Q(due_on__lt=today), level__lt=core.TOP_LEVEL)
    )
    return list(rows.order_by("due_on", "pk"))


def awaiting_leader(*, city, leader, today: date) -> list[Blocker]:
    """Open problems at level 3 or 4 of *leader*'s projects with no 批示 at that level yet."""
    instructed = ProblemStep.everywhere.filter(
        blocker=OuterRef("pk"), kind=Kind.INSTRUCTED, level=OuterRef("level")
    )
    rows = (
        problems_of(city)
        .filter(work_item__project__leader=leader, level__gte=3)
        .exclude(status=Blocker.Status.RESOLVED)
        .exclude(Exists(instructed))
    )
    return list(rows.order_by("-level", "due_on", "pk"))


def week_lists(city, first: date, last: date) -> dict[str, list[Blocker]]:
    """The week's 新增 / 推进中 / 已销号 (``core.week_state``), each by 时限."""
    rows = problems_of(city).filter(opened_on__lte=last).exclude(resolved_on__lt=first)
    lists: dict[str, list[Blocker]] = {"new": [], "ongoing": [], "closed": []}
    for b in rows.order_by("due_on", "pk"):
        for state in core.week_state(b.opened_on, b.resolved_on, first, last):
            lists[state].append(b)
    return lists


@dataclass(frozen=True)
class UnitPace:
    """How fast a unit answers and closes its problems (median calendar days from 交办)."""

    to_reply: float | None
    to_close: float | None
    count: int


def unit_pace(city, *, until: date) -> dict[tuple[str, int], UnitPace]:
    """Per unit (("department", id) and ("town", id)): the median days from 交办 to the
    first 反馈 and to 销号, over the problems 交办ed by *until*."""
    rows = Blocker.objects.filter(
        work_item__project__city=city, assigned_on__isnull=False, assigned_on__lte=until
    ).values_list("owner_department_id", "town_id", "assigned_on", "first_reply_on", "resolved_on")
    replies: dict[tuple[str, int], list] = defaultdict(list)
    closes: dict[tuple[str, int], list] = defaultdict(list)
    for department, town, assigned, replied, resolved in rows:
        replied = replied if replied is not None and replied <= until else None
        resolved = resolved if resolved is not None and resolved <= until else None
        for key in (("department", department), ("town", town)):
            if key[1] is None:
                continue
            replies[key].append((assigned, replied))
            closes[key].append((assigned, resolved))
    return {
        key: UnitPace(
            core.median_days(replies[key]), core.median_days(closes[key]), len(replies[key])
        )
        for key in replies
    }


#: The 交办单's series mark in the city's document numbers.
ASSIGNMENT_MARK = "交"


def number_text(blocker: Blocker) -> str:
    """The 交办单's number as printed (永重点办交〔2019〕7号), empty before 交办."""
    if blocker.number is None or blocker.year is None:
        return ""
    return numbering.number_text(
        blocker.work_item.project.city, blocker.year, blocker.number, ASSIGNMENT_MARK
    )
