"""问题清单's messages: each step reaches the next person, and the one who asked hears back.

- a 卡点 reported (or a 前期 node that slipped) → the office, to 交办;
- 交办 → the problem's unit (its department, its item's town, their robots), with the
  交办单's number, the action and the 时限;
- 反馈 → the office, to verify; the unit's call to act is settled;
- 核实销号 / 退回 → the unit (退回 with the reason), and whoever reported it;
- the next level asked for → the office; recorded → the unit, the one who asked, and at
  level 3 or 4 the project's leader (包联市领导), whose 批示 it waits for; declined → the
  unit and the one who asked, with the reason;
- a leader's 批示 → the office and the unit; the leader's call is settled.

Each audience's notices of a problem share a key prefix (``problem-office:7:``), so the
step that answers a call marks that call read: an inbox keeps no stale calls to act.
The 待办 entries (``todo_*``) are computed from the problems themselves.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from guatu.accounts.models import Role
from guatu.notify.models import Kind
from guatu.notify.services import notices_settled, notify, office_users, unit_users
from guatu.problems.models import ProblemStep
from guatu.problems.rules import rules_on
from guatu.problems.selectors import awaiting_leader, number_text, problems_of, proposals
from guatu.progress.models import Blocker

Step = ProblemStep.Kind


def problem_url(blocker_id: int) -> str:
    return reverse("problems:detail", args=[blocker_id])


def _key(audience: str, blocker: Blocker, step_id: int | str) -> str:
    return f"problem-{audience}:{blocker.pk}:{step_id}"


def _settle(audience: str, blocker: Blocker) -> None:
    notices_settled(prefix=f"problem-{audience}:{blocker.pk}:")


def _reporter(blocker: Blocker):
    first = (
        ProblemStep.everywhere.filter(blocker=blocker, kind=Step.REPORTED)
        .select_related("actor")
        .first()
    )
    return first.actor if first is not None else None


def _send(blocker: Blocker, audience: str, step_id, title: str, body: str, *, users=(), unit=False):
    city = blocker.work_item.project.city
    towns = [blocker.town] if unit and blocker.town is not None else []
    departments = [blocker.owner_department] if unit else []
    people = list(users)
    if unit:
        people += unit_users(towns=towns, departments=departments)
    return notify(
        city=city,
        kind=Kind.PROBLEM,
        event=_key(audience, blocker, step_id),
        title=title,
        body=body,
        url=problem_url(blocker.pk),
        users=people,
        towns=towns,
        departments=departments,
        office=audience == "office",
    )


def _words(blocker: Blocker) -> dict[str, str]:
    return {
        "project": blocker.work_item.project.name,
        "problem": blocker.description[:80],
        "number": number_text(blocker) or "—",
        "due": blocker.due_on.isoformat(),
    }


def on_blocker_opened(blocker: Blocker, actor) -> int:
    """A reported problem (or a slipped 前期 node) to the office, to 交办."""
    city = blocker.work_item.project.city
    office = [user for user in office_users(city=city) if user != actor]
    title = _("Problem to assign: %(project)s · %(problem)s") % _words(blocker)
    body = _("Reported by %(who)s, to be settled by %(due)s.") % {
        "who": actor or _("guatu (a 前期 node slipped)"),
        "due": blocker.due_on.isoformat(),
    }
    return _send(blocker, "office", "reported", title, body, users=office)


def on_problem_stepped(step: ProblemStep) -> int:
    blocker = step.blocker
    city = blocker.work_item.project.city
    words = {**_words(blocker), "text": step.text[:300] or "—"}
    rules = rules_on(city, step.on)
    words["level"] = rules.level_name(blocker.level)
    kind = step.kind
    if kind == Step.ASSIGNED:
        _settle("office", blocker)
        title = _("Problem assigned to you (%(number)s): %(project)s · %(problem)s") % words
        body = _("Required: %(text)s Answer by %(due)s (level: %(level)s).") % words
        sent = _send(blocker, "unit", step.pk, title, body, unit=True)
        return sent + _to_leader(blocker, step, words, body)
    if kind == Step.REPLIED:
        _settle("unit", blocker)
        title = _("Problem answered, to verify: %(project)s · %(problem)s") % words
        return _send(
            blocker, "office", step.pk, title, words["text"], users=office_users(city=city)
        )
    if kind in (Step.CLOSED, Step.RETURNED):
        _settle("office", blocker)
        if kind == Step.CLOSED:  # nothing is asked of anyone any more
            _settle("unit", blocker)
            _settle("leader", blocker)
            notices_settled(prefix=f"blocker:{blocker.pk}:")
        title = (
            _("Problem closed (销号): %(project)s · %(problem)s")
            if kind == Step.CLOSED
            else _("Problem answer returned: %(project)s · %(problem)s — work on")
        ) % words
        body = _("The supervision office: %(text)s") % words
        return _send(blocker, "unit", step.pk, title, body, users=[_reporter(blocker)], unit=True)
    if kind == Step.REQUESTED:
        title = _("Next level asked for: %(project)s · %(problem)s") % words
        body = _("%(who)s asks for the next level: %(text)s") % {**words, "who": step.actor}
        return _send(blocker, "office", step.pk, title, body, users=office_users(city=city))
    if kind in (Step.RAISED, Step.DECLINED):
        _settle("office", blocker)
        asked = ProblemStep.everywhere.filter(blocker=blocker, kind=Step.REQUESTED).last()
        users = [asked.actor] if asked is not None and asked.actor is not None else []
        if kind == Step.RAISED:
            title = _("Problem raised to %(level)s: %(project)s · %(problem)s") % words
            body = _("New 时限 %(due)s. %(text)s") % words
        else:
            title = _("Next level declined: %(project)s · %(problem)s") % words
            body = _("The level stays. The supervision office: %(text)s") % words
        sent = _send(blocker, "unit", step.pk, title, body, users=users, unit=True)
        if kind == Step.RAISED:
            sent += _to_leader(blocker, step, words, body)
        return sent
    if kind == Step.INSTRUCTED:
        _settle("leader", blocker)
        title = _("Leader's instruction: %(project)s · %(problem)s") % words
        body = _("%(who)s: %(text)s") % {**words, "who": step.actor}
        sent = _send(blocker, "unit", step.pk, title, body, unit=True)
        return sent + _send(blocker, "office", step.pk, title, body, users=office_users(city=city))
    return 0


def _to_leader(blocker: Blocker, step: ProblemStep, words: dict, body: str) -> int:
    """At level 3 or 4 the project's 包联市领导 hears it waits for their 批示."""
    leader = blocker.work_item.project.leader
    if blocker.level < 3 or leader is None:
        return 0
    title = _("Problem for your instruction (%(level)s): %(project)s · %(problem)s") % words
    return _send(blocker, "leader", step.pk, title, body, users=[leader])


# --- 待办 ------------------------------------------------------------------------------


def to_assign(city) -> list[Blocker]:
    return list(
        problems_of(city).filter(status=Blocker.Status.OPEN, number__isnull=True).order_by("pk")
    )


def to_verify(city) -> list[Blocker]:
    return list(problems_of(city).filter(status=Blocker.Status.REPLIED).order_by("pk"))


def to_decide(city, today: date) -> list[Blocker]:
    """Proposed for the next level (asked for, or overdue at its level)."""
    return proposals(city, today)


def to_instruct(user, city, today: date) -> list[Blocker]:
    return awaiting_leader(city=city, leader=user, today=today)


def to_answer(user, city) -> list[Blocker]:
    """Open problems the unit answers for: its department's, or its town's items'."""
    rows = problems_of(city).filter(status=Blocker.Status.OPEN)
    if user.role == Role.DEPARTMENT:
        rows = rows.filter(owner_department_id=user.department_id)
    elif user.role == Role.TOWN:
        rows = rows.filter(work_item__town_id=user.town_id)
    else:
        return []
    return list(rows.order_by("due_on", "pk"))
