"""Writes of the 问题清单: each step of a problem's life, and the city's rules.

The loop (docs/PROBLEMS.md): a unit reports a 卡点 (``progress.blocker_open``); the office
交办s it with a numbered 交办单 (category, level, required action, unit, person, 时限); the
unit answers (反馈, with evidence); the office verifies and closes it (核实销号) or returns
it with the reason (退回). A level is climbed one rung at a time when the office confirms
it — on the unit's request or because the 时限 at this level passed — and a leader writes
a 批示 on a problem at level 3 or 4. Every step is a ``ProblemStep`` (history), audited,
and published (``ProblemStepped``) so the next person hears of it.

Who may: the office (督查办) 交办s, verifies, closes, returns and decides levels; the
problem's unit (its owner department, or the town of its item) answers and asks for the
next level; a leader instructs.
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guatu.access import (
    can_answer_problem,
    can_escalate_blocker,
    can_instruct_problem,
    is_supervisor,
    require,
)
from guatu.audit.services import audit_record
from guatu.baselines.evidence import PDF, CheckedFile, check_evidence
from guatu.common.events import ProblemStepped, publish
from guatu.core import problems as core
from guatu.org.clock import city_today, office_calendar
from guatu.org.models import City, Department
from guatu.problems.models import ProblemFile, ProblemRuleSet, ProblemStep
from guatu.problems.rules import rules_on
from guatu.progress.models import Blocker
from guatu.progress.services import DESCRIPTION_LIMIT, length_problem

TEXT_LIMIT = 2000
Kind = ProblemStep.Kind


def _text(errors: dict, field: str, text: str, *, required: str, limit: int = TEXT_LIMIT) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = [required]
    elif problem := length_problem(text, limit):
        errors[field] = [problem]
    return text


def _city(blocker: Blocker) -> City:
    return blocker.work_item.project.city


def _locked(blocker: Blocker) -> Blocker:
    """The problem's row, locked for the step (two offices clicking at once take turns)."""
    return (
        Blocker.objects.select_for_update(of=("self",))
        .select_related("work_item__project__city")
        .get(pk=blocker.pk)
    )


def _step(
    blocker: Blocker, kind: str, *, actor, on: date, text: str = "", due_on=None
) -> ProblemStep:
    step = ProblemStep(
        blocker=blocker,
        kind=kind,
        on=on,
        level=blocker.level,
        text=text,
        due_on=due_on,
        actor=actor,
    )
    step.save(force_insert=True)
    return step


def _done(actor, action: str, step: ProblemStep, **detail) -> ProblemStep:
    audit_record(user=actor, action=action, target=step.blocker, detail=detail)
    publish(ProblemStepped(step))
    return step


def problem_reported(blocker: Blocker, *, actor) -> ProblemStep:
    """The first step of a reported 卡点 (``BlockerOpened``; a slipping 前期 node)."""
    return _step(blocker, Kind.REPORTED, actor=actor, on=blocker.opened_on, due_on=blocker.due_on)


def problem_assign(
    *,
    actor,
    blocker: Blocker,
    category: str,
    level: int,
    action_required: str,
    owner_department: Department,
    responsible_person: str,
    due_on: date,
) -> ProblemStep:
    """交办: give the problem its 交办单 — the next number of the city's year — with what
    must be done, by whom, by when. Once: a problem is 交办ed once (its number names it)."""
    require(is_supervisor(actor), user=actor, action="problem_assign", target=blocker)
    city = _city(blocker)
    today = city_today(city)
    rules = rules_on(city, today)
    errors: dict[str, list[str]] = {}
    if category not in rules.names:
        errors["category"] = [
            _("Choose one of: %(names)s.") % {"names": "、".join(rules.names.values())}
        ]
    if not isinstance(level, int) or not 1 <= level <= core.TOP_LEVEL:
        errors["level"] = [_("The level is 1 to 4.")]
    action_required = _text(
        errors, "action_required", action_required, required=_("Say what must be done.")
    )
    responsible_person = _text(
        errors,
        "responsible_person",
        responsible_person,
        required=_("Name the person responsible."),
        limit=50,
    )
    if owner_department is None or owner_department.city_id != city.pk:
        errors["owner_department"] = [_("Choose a department of this city.")]
    if due_on is None:
        errors["due_on"] = [_("The 时限 is today or later.")]
    elif problem := _due_problem(due_on, today):
        errors["due_on"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The city's row is the lock of its numbers: two 交办单 never share one.
        list(City.everywhere.select_for_update().filter(pk=city.pk).values_list("pk"))
        locked = _locked(blocker)
        if locked.number is not None:
            raise ValidationError({"__all__": [_("This problem was already assigned (交办).")]})
        if locked.status == Blocker.Status.RESOLVED:
            raise ValidationError({"__all__": [_("This problem is closed.")]})
        last = Blocker.objects.filter(work_item__project__city=city, year=today.year).aggregate(
            top=Max("number")
        )["top"]
        locked.year, locked.number = today.year, (last or 0) + 1
        locked.assigned_on = today
        locked.category, locked.level = category, level
        locked.action_required = action_required
        locked.owner_department = owner_department
        locked.responsible_person = responsible_person
        locked.due_on = max(due_on, locked.opened_on)
        locked.full_clean()
        locked.save()
        step = _step(
            locked, Kind.ASSIGNED, actor=actor, on=today, text=action_required, due_on=due_on
        )
        return _done(actor, "problem_assign", step, number=locked.number, level=level)


def problem_reply(*, actor, blocker: Blocker, text: str, files: Sequence = ()) -> ProblemStep:
    """反馈: the unit says what it did, with evidence (PDFs, photos); the office verifies."""
    require(can_answer_problem(actor, blocker), user=actor, action="problem_reply", target=blocker)
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text, required=_("Say what was done about the problem."))
    checked, problems = check_evidence(list(files))
    if problems:
        errors["files"] = problems
    if errors:
        raise ValidationError(errors)
    written: list[ProblemFile] = []
    try:
        with transaction.atomic():
            locked = _locked(blocker)
            if locked.status != Blocker.Status.OPEN:
                raise ValidationError(
                    {"__all__": [_("This problem is not waiting for an answer.")]}
                )
            if locked.number is None:  # the answer is to a 交办单: the days count from it
                raise ValidationError(
                    {"__all__": [_("This problem is not assigned (交办) yet: nothing to answer.")]}
                )
            today = city_today(_city(locked))
            locked.status = Blocker.Status.REPLIED
            locked.reply = text
            locked.first_reply_on = locked.first_reply_on or today
            locked.save(update_fields=["status", "reply", "first_reply_on"])
            step = _step(locked, Kind.REPLIED, actor=actor, on=today, text=text)
            _files_save(step, checked, written)
            return _done(actor, "problem_reply", step, files=[record.name for record in written])
    except BaseException:
        for record in written:  # the rows rolled back; their files go too
            if record.file:
                record.file.delete(save=False)
        raise


def _files_save(step: ProblemStep, checked: Sequence[CheckedFile], written: list) -> None:
    from django.core.files.base import ContentFile

    for found in checked:
        record = ProblemFile(
            step=step, name=found.name, content_type=found.content_type, size=len(found.data)
        )
        written.append(record)
        suffix = ".pdf" if found.content_type == PDF else "." + found.content_type.split("/")[1]
        record.file.save(f"evidence{suffix}", ContentFile(found.data), save=False)
        record.save(force_insert=True)


def problem_close(*, actor, blocker: Blocker, text: str) -> ProblemStep:
    """核实销号: the office verified the answer; the problem is closed with its note."""
    require(is_supervisor(actor), user=actor, action="problem_close", target=blocker)
    errors: dict[str, list[str]] = {}
    text = _text(
        errors, "text", text, required=_("Say what was verified."), limit=DESCRIPTION_LIMIT
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(blocker)
        if locked.status == Blocker.Status.RESOLVED:
            raise ValidationError({"__all__": [_("This problem is closed.")]})
        today = city_today(_city(locked))
        locked.status = Blocker.Status.RESOLVED
        locked.resolution = text
        locked.resolved_on = today
        locked.escalation_requested = False
        locked.full_clean()
        locked.save(update_fields=["status", "resolution", "resolved_on", "escalation_requested"])
        step = _step(locked, Kind.CLOSED, actor=actor, on=today, text=text)
        return _done(actor, "problem_close", step)


def problem_return(*, actor, blocker: Blocker, reason: str) -> ProblemStep:
    """退回: the answer does not settle it; the unit works on, told why."""
    require(is_supervisor(actor), user=actor, action="problem_return", target=blocker)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=_("A return gives its reason."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(blocker)
        if locked.status != Blocker.Status.REPLIED:
            raise ValidationError({"__all__": [_("Only an answered problem can be returned.")]})
        locked.status = Blocker.Status.OPEN
        locked.save(update_fields=["status"])
        step = _step(locked, Kind.RETURNED, actor=actor, on=city_today(_city(locked)), text=reason)
        return _done(actor, "problem_return", step, reason=reason)


def problem_request_level(*, actor, blocker: Blocker, reason: str = "") -> ProblemStep:
    """The unit (or the office) asks for the next level of coordination, saying why."""
    require(
        can_escalate_blocker(actor, blocker), user=actor, action="blocker_escalate", target=blocker
    )
    reason = (reason or "").strip()
    if problem := length_problem(reason, TEXT_LIMIT):
        raise ValidationError({"reason": [problem]})
    with transaction.atomic():
        locked = _locked(blocker)
        if locked.status == Blocker.Status.RESOLVED:
            raise ValidationError({"__all__": [_("A resolved blocker cannot be escalated.")]})
        if locked.level >= core.TOP_LEVEL:
            raise ValidationError({"__all__": [_("This problem is at the top level already.")]})
        if locked.escalation_requested:
            raise ValidationError({"__all__": [_("The next level was asked for already.")]})
        locked.escalation_requested = True
        locked.save(update_fields=["escalation_requested"])
        step = _step(locked, Kind.REQUESTED, actor=actor, on=city_today(_city(locked)), text=reason)
        return _done(actor, "blocker_escalate", step, reason=reason)


def proposal(blocker: Blocker, today: date) -> int | None:
    """The level *blocker* is proposed for at *today* (one rung up), or None."""
    if blocker.status == Blocker.Status.RESOLVED:
        return None
    return core.proposed_level(
        blocker.level, requested=blocker.escalation_requested, overdue=blocker.due_on < today
    )


def _due_problem(due_on: date | None, today: date) -> str | None:
    """What is wrong with a new 时限: before today, or more than five years ahead."""
    if due_on is None:
        return None
    if due_on < today:
        return _("The 时限 is today or later.")
    if due_on.year > today.year + 5:
        return _("The 时限 is at most five years ahead.")
    return None


def problem_raise(
    *, actor, blocker: Blocker, due_on: date | None = None, note: str = ""
) -> ProblemStep:
    """Record the proposed level (the office confirms it): one rung up, with the new 时限
    (the level's working days from today unless the office gives one)."""
    require(is_supervisor(actor), user=actor, action="problem_raise", target=blocker)
    city = _city(blocker)
    today = city_today(city)
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if problem := length_problem(note, TEXT_LIMIT):
        errors["note"] = [problem]
    if problem := _due_problem(due_on, today):
        errors["due_on"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(blocker)
        level = proposal(locked, today)
        if level is None:
            raise ValidationError({"__all__": [_("No next level is proposed for this problem.")]})
        rules = rules_on(city, today)
        locked.level = level
        locked.escalation_requested = False
        locked.due_on = due_on or core.due_after(office_calendar(city), today, rules.days_at(level))
        locked.full_clean()
        locked.save(update_fields=["level", "escalation_requested", "due_on"])
        step = _step(locked, Kind.RAISED, actor=actor, on=today, text=note, due_on=locked.due_on)
        return _done(actor, "problem_raise", step, level=level, due_on=locked.due_on.isoformat())


def problem_decline(
    *, actor, blocker: Blocker, reason: str, due_on: date | None = None
) -> ProblemStep:
    """Keep the level (the office declines the proposal, saying why). A problem proposed
    because its 时限 passed needs a new 时限, or it would be proposed again at once."""
    require(is_supervisor(actor), user=actor, action="problem_decline", target=blocker)
    city = _city(blocker)
    today = city_today(city)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=_("Say why the level stays."))
    if problem := _due_problem(due_on, today):
        errors["due_on"] = [problem]
    elif due_on is None and blocker.due_on < today:
        errors["due_on"] = [_("The 时限 has passed: give a new one.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(blocker)
        if proposal(locked, today) is None:
            raise ValidationError({"__all__": [_("No next level is proposed for this problem.")]})
        locked.escalation_requested = False
        if due_on is not None:
            locked.due_on = due_on
        locked.full_clean()
        locked.save(update_fields=["escalation_requested", "due_on"])
        step = _step(locked, Kind.DECLINED, actor=actor, on=today, text=reason, due_on=due_on)
        return _done(actor, "problem_decline", step, reason=reason)


def problem_instruct(*, actor, blocker: Blocker, text: str) -> ProblemStep:
    """A leader's 批示 on a problem at level 3 or 4: what they decided."""
    require(
        can_instruct_problem(actor, blocker), user=actor, action="problem_instruct", target=blocker
    )
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text, required=_("Write the instruction."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(blocker)
        if locked.status == Blocker.Status.RESOLVED:
            raise ValidationError({"__all__": [_("This problem is closed.")]})
        if locked.level < 3:
            raise ValidationError(
                {"__all__": [_("A leader instructs on problems at level 3 or 4.")]}
            )
        step = _step(locked, Kind.INSTRUCTED, actor=actor, on=city_today(_city(locked)), text=text)
        return _done(actor, "problem_instruct", step)


def rules_change(
    *,
    actor,
    city: City,
    categories: Sequence[tuple[str, str]],
    level_names: Sequence[str],
    level_days: Sequence[int],
    blue_days: int,
    valid_from: date | None = None,
    note: str = "",
) -> ProblemRuleSet:
    """Add a version of the city's 问题清单 rules from *valid_from* (never in the past)."""
    require(is_supervisor(actor), user=actor, action="problem_rules", target=city)
    today = city_today(city)
    valid_from = valid_from or today
    errors: dict[str, list[str]] = {}
    if valid_from < today:
        errors["valid_from"] = [_("Choose %(today)s or later.") % {"today": today}]
    codes = [str(code).strip() for code, _name in categories]
    names = [str(name).strip() for _code, name in categories]
    if not categories or len(categories) > 30:
        errors["categories"] = [_("Between 1 and 30 categories.")]
    elif len(set(codes)) != len(codes) or len(set(names)) != len(names):
        errors["categories"] = [_("Each category once.")]
    elif any(
        not code or len(code) > 20 or not name or len(name) > 20
        for code, name in zip(codes, names, strict=True)
    ):
        errors["categories"] = [_("Each category has a code and a name of at most 20 characters.")]
    if len(level_names) != core.TOP_LEVEL or any(
        not str(name).strip() or len(str(name)) > 30 for name in level_names
    ):
        errors["level_names"] = [_("Four names, each at most 30 characters.")]
    if len(level_days) != core.TOP_LEVEL or any(
        not isinstance(days, int) or not 1 <= days <= 250 for days in level_days
    ):
        errors["level_days"] = [_("Four numbers of working days, each 1 to 250.")]
    if not isinstance(blue_days, int) or not 0 <= blue_days <= 60:
        errors["blue_days"] = [_("0 to 60 working days.")]
    if problem := length_problem(note, 200):
        errors["note"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        list(City.everywhere.select_for_update().filter(pk=city.pk).values_list("pk"))
        latest = ProblemRuleSet.objects.filter(city=city).order_by("-version").first()
        rules = ProblemRuleSet(
            city=city,
            version=(latest.version + 1) if latest else 1,
            valid_from=valid_from,
            categories=[[code, name] for code, name in zip(codes, names, strict=True)],
            level_names=[str(name).strip() for name in level_names],
            level_days=list(level_days),
            blue_days=blue_days,
            note=note,
            created_by=actor,
        )
        rules.save(force_insert=True)
        audit_record(
            user=actor,
            action="problem_rules",
            target=city,
            detail={"version": rules.version, "valid_from": valid_from.isoformat()},
        )
    return rules
