"""The 问题清单 over the REST API: problems with their level, colour and 交办单, each step.

Thin, as every router of /api/v1/: a problem's colour and proposal come from
``selectors.problem_facts`` (the list page, the 大屏 and the bulletin read the same),
each step goes through ``services`` (which enforce the roles). Every path contains
``problems``; the older ``/blockers/{id}/resolve`` and ``/blockers/{id}/escalate`` stay
as aliases of the same steps (resolve: the office's 销号, a unit's 反馈). Evidence
files are attached on the problem's page; the API's 反馈 is text.
"""

from datetime import date
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from guatu.access import is_supervisor
from guatu.common.bounds import Day
from guatu.common.times import LocalDateTime
from guatu.org.clock import city_today
from guatu.org.models import Department
from guatu.org.selectors import current_city_or_404
from guatu.problems import services
from guatu.problems.models import ProblemStep
from guatu.problems.selectors import Facts, number_text, problem_facts, problems_of
from guatu.progress.models import Blocker
from guatu.progress.services import DESCRIPTION_LIMIT

router = Router(tags=["problems"])
Text = Annotated[str, Field(max_length=2000)]
Colour = Literal["blue", "yellow", "red"]
PAGE = 200


class StepOut(Schema):
    kind: str
    kind_label: str
    on: date
    level: int
    text: str
    due_on: date | None
    actor: str | None
    at: LocalDateTime
    files: list[str]


class ProblemOut(Schema):
    id: int
    project: int
    project_name: str
    work_item: int
    work_item_name: str
    description: str
    category: str
    category_name: str
    level: Annotated[int, Field(ge=1, le=4)]
    level_name: str
    colour: Colour | None
    status: str
    status_label: str
    number: str = Field(description="The 交办单's 文号, empty before 交办")
    town: str | None
    owner_department: str
    responsible_person: str
    action_required: str
    opened_on: date
    due_on: date
    overdue: bool
    assigned_on: date | None
    first_reply_on: date | None
    reply: str
    resolution: str
    resolved_on: date | None
    escalation_requested: bool
    proposed_level: int | None
    source: str


class ProblemDetailOut(ProblemOut):
    steps: list[StepOut]


class AssignIn(Schema):
    category: str = Field(max_length=20, pattern=r"^[\w-]*$")
    level: Annotated[int, Field(ge=1, le=4)] = 1
    action_required: Text
    owner_department: Annotated[int, Field(ge=1, le=2**31 - 1)]
    responsible_person: str = Field(max_length=50)
    due_on: Day


class TextIn(Schema):
    text: Text


class ReasonIn(Schema):
    reason: Text = ""


class ReturnIn(Schema):
    reason: Text


class RaiseIn(Schema):
    due_on: Day | None = None
    note: Text = ""


class DeclineIn(Schema):
    reason: Text
    due_on: Day | None = None


class ResolutionIn(Schema):
    resolution: str = Field(min_length=1, max_length=DESCRIPTION_LIMIT)


def problem_out(blocker: Blocker, facts: Facts) -> dict:
    project = blocker.work_item.project
    return {
        "id": blocker.pk,
        "project": project.pk,
        "project_name": project.name,
        "work_item": blocker.work_item_id,
        "work_item_name": blocker.work_item.name,
        "description": blocker.description,
        "category": blocker.category,
        "category_name": facts.category,
        "level": blocker.level,
        "level_name": facts.level_name,
        "colour": facts.colour or None,
        "status": blocker.status,
        "status_label": str(blocker.get_status_display()),
        "number": number_text(blocker),
        "town": blocker.town.name if blocker.town else None,
        "owner_department": str(blocker.owner_department),
        "responsible_person": blocker.responsible_person,
        "action_required": blocker.action_required,
        "opened_on": blocker.opened_on,
        "due_on": blocker.due_on,
        "overdue": facts.overdue,
        "assigned_on": blocker.assigned_on,
        "first_reply_on": blocker.first_reply_on,
        "reply": blocker.reply,
        "resolution": blocker.resolution,
        "resolved_on": blocker.resolved_on,
        "escalation_requested": blocker.escalation_requested,
        "proposed_level": facts.proposed,
        "source": blocker.source,
    }


def _one(blocker_id: int) -> Blocker:
    city = current_city_or_404()
    return get_object_or_404(problems_of(city), pk=blocker_id)


def _detail(blocker_id: int) -> dict:
    blocker = _one(blocker_id)
    city = blocker.work_item.project.city
    facts = problem_facts([blocker], city=city, today=city_today(city))[blocker.pk]
    steps = (
        ProblemStep.objects.filter(blocker=blocker)
        .select_related("actor")
        .prefetch_related("files")
        .order_by("at", "id")
    )
    return {
        **problem_out(blocker, facts),
        "steps": [
            {
                "kind": step.kind,
                "kind_label": str(step.get_kind_display()),
                "on": step.on,
                "level": step.level,
                "text": step.text,
                "due_on": step.due_on,
                "actor": str(step.actor) if step.actor else None,
                "at": step.at,
                "files": [f.name for f in step.files.all()],
            }
            for step in steps
        ],
    }


@router.get(
    "/problems",
    response=list[ProblemOut],
    summary="The 问题清单: problems with their level (1–4), colour (blue/yellow/red) and "
    f"交办单 number; filters by status, level, colour, category; {PAGE} a page",
)
def problems(
    request,
    status: Literal["open", "replied", "resolved"] | None = None,
    level: Annotated[int, Field(ge=1, le=4)] | None = None,
    colour: Colour | None = None,
    category: Annotated[str, Field(max_length=20, pattern=r"^[\w-]*$")] | None = None,
    page: Annotated[int, Field(ge=1, le=10_000)] = 1,
):
    city = current_city_or_404()
    rows = problems_of(city)
    if status:
        rows = rows.filter(status=status)
    if level:
        rows = rows.filter(level=level)
    if category:
        rows = rows.filter(category=category)
    blockers = list(rows.order_by("due_on", "pk"))
    facts = problem_facts(blockers, city=city, today=city_today(city))
    out = [problem_out(b, facts[b.pk]) for b in blockers]
    if colour:
        out = [row for row in out if row["colour"] == colour]
    return out[(page - 1) * PAGE : page * PAGE]


@router.get("/problems/{blocker_id}", response=ProblemDetailOut, summary="A problem and its steps")
def problem(request, blocker_id: int):
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/assign",
    response=ProblemDetailOut,
    summary="交办 (the office): category, level, required action, unit, person and 时限; "
    "gives the 交办单 its number",
)
def assign(request, blocker_id: int, payload: AssignIn):
    blocker = _one(blocker_id)
    department = get_object_or_404(Department, pk=payload.owner_department)
    services.problem_assign(
        actor=request.user,
        blocker=blocker,
        category=payload.category,
        level=payload.level,
        action_required=payload.action_required,
        owner_department=department,
        responsible_person=payload.responsible_person,
        due_on=payload.due_on,
    )
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/reply",
    response=ProblemDetailOut,
    summary="反馈 (the problem's department or town): what was done",
)
def reply(request, blocker_id: int, payload: TextIn):
    services.problem_reply(actor=request.user, blocker=_one(blocker_id), text=payload.text)
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/close",
    response=ProblemDetailOut,
    summary="核实销号 (the office): verified and closed, with what was verified",
)
def close(request, blocker_id: int, payload: TextIn):
    services.problem_close(actor=request.user, blocker=_one(blocker_id), text=payload.text)
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/return",
    response=ProblemDetailOut,
    summary="退回 (the office): the answer does not settle it, with the reason",
)
def return_(request, blocker_id: int, payload: ReturnIn):
    services.problem_return(actor=request.user, blocker=_one(blocker_id), reason=payload.reason)
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/request-level",
    response=ProblemDetailOut,
    summary="Ask for the next level of coordination (its unit or the office)",
)
def request_level(request, blocker_id: int, payload: ReasonIn):
    services.problem_request_level(
        actor=request.user, blocker=_one(blocker_id), reason=payload.reason
    )
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/raise",
    response=ProblemDetailOut,
    summary="Record the proposed next level (the office), with the new 时限",
)
def raise_level(request, blocker_id: int, payload: RaiseIn):
    services.problem_raise(
        actor=request.user, blocker=_one(blocker_id), due_on=payload.due_on, note=payload.note
    )
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/decline",
    response=ProblemDetailOut,
    summary="Keep the level (the office), with the reason and, when overdue, a new 时限",
)
def decline(request, blocker_id: int, payload: DeclineIn):
    services.problem_decline(
        actor=request.user, blocker=_one(blocker_id), reason=payload.reason, due_on=payload.due_on
    )
    return _detail(blocker_id)


@router.post(
    "/problems/{blocker_id}/instruct",
    response=ProblemDetailOut,
    summary="A leader's 批示 on a problem at level 3 or 4",
)
def instruct(request, blocker_id: int, payload: TextIn):
    services.problem_instruct(actor=request.user, blocker=_one(blocker_id), text=payload.text)
    return _detail(blocker_id)


@router.post(
    "/blockers/{blocker_id}/resolve",
    response=ProblemDetailOut,
    summary="Alias: the office closes the problem (核实销号); its unit answers it (反馈)",
)
def resolve_blocker(request, blocker_id: int, payload: ResolutionIn):
    blocker = _one(blocker_id)
    if is_supervisor(request.user):
        services.problem_close(actor=request.user, blocker=blocker, text=payload.resolution)
    else:
        services.problem_reply(actor=request.user, blocker=blocker, text=payload.resolution)
    return _detail(blocker_id)


@router.post(
    "/blockers/{blocker_id}/escalate",
    response=ProblemDetailOut,
    summary="Alias: ask for the next level of coordination",
)
def escalate_blocker(request, blocker_id: int):
    services.problem_request_level(actor=request.user, blocker=_one(blocker_id))
    return _detail(blocker_id)
