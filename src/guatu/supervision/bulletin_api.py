"""``/api/v1/bulletins`` and ``/api/v1/escalations``: the bulletin and its ladder in the API.

The same services and roles as the pages: the supervision office drafts, decides
each proposed rung (keep, lower, strike, with the reason; a 约谈's time and
place) and publishes; everyone else reads what they may (published bulletins;
a town or department only its own unit's rungs). Another city's ids are 404.
"""

from datetime import date

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from guatu.common.bounds import ProjectCode
from guatu.common.times import LocalDateTime
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.supervision.models import Bulletin
from guatu.supervision.notices import number_text
from guatu.supervision.selectors import answer_states, bulletins_visible, escalations_visible
from guatu.supervision.services import (
    bulletin_draft,
    bulletin_publish,
    bulletin_rung_decide,
    publish_summary,
)

router = Router(tags=["supervision"])


class BulletinOut(Schema):
    id: int
    period: str
    status: str
    title: str
    number_text: str
    published_at: LocalDateTime | None


class RungOut(Schema):
    work_item: int
    item: str
    project: str
    town: str
    department: str
    level: str
    level_name: str
    #: The rung the ladder proposed, when the office lowered it (or struck it).
    proposed: str | None
    reason: str
    decision_reason: str
    #: A 约谈's time (ISO, the city's zone) and place, when the office gave them.
    interview_at: str
    interview_place: str
    recorded: bool


class BulletinDetailOut(BulletinOut):
    as_of: str
    rungs: list[RungOut]
    struck: list[RungOut]
    #: What publishing will record: rungs by level (name, count), lowered and struck.
    summary: dict


class DraftIn(Schema):
    period: str
    project: ProjectCode = ""


class RungIn(Schema):
    work_item: int
    #: A level code (reminder, notice, interview, criticism) at most the proposed one;
    #: empty strikes the rung.
    level: str = ""
    reason: str = ""
    interview_at: str = ""
    interview_place: str = ""


class PublishIn(Schema):
    number: int | None = None


class EscalationOut(Schema):
    id: int
    period: str
    level: str
    level_name: str
    work_item: int
    item: str
    project: str
    town: str
    department: str
    number_text: str
    addressee: str
    issued_on: date | None
    reply_by: date | None
    #: answered, awaiting, overdue or closed.
    answer: str
    notice_pdf: str
    notice_docx: str


def _bulletin(bulletin: Bulletin) -> dict:
    return {
        "id": bulletin.pk,
        "period": bulletin.period,
        "status": bulletin.status,
        "title": bulletin.content.get("title", ""),
        "number_text": bulletin.content.get("number_text", "") if bulletin.number else "",
        "published_at": bulletin.published_at,
    }


def _rung(row: dict) -> RungOut:
    decision = row.get("decision") or {}
    return RungOut(
        work_item=row["work_item"],
        item=row["item"],
        project=row["project"],
        town=row["town"],
        department=row["department"],
        level=row["level_code"],
        level_name=row["level"],
        proposed=decision.get("proposed"),
        reason=(row.get("evidence") or {}).get("reason", ""),
        decision_reason=decision.get("reason", ""),
        interview_at=(row.get("interview") or {}).get("at", ""),
        interview_place=(row.get("interview") or {}).get("place", ""),
        recorded=row["recorded"],
    )


def _detail(bulletin: Bulletin) -> BulletinDetailOut:
    content = bulletin.content
    return BulletinDetailOut(
        **_bulletin(bulletin),
        as_of=content.get("as_of", ""),
        rungs=[_rung(row) for row in content.get("escalations", [])],
        struck=[_rung(row) for row in content.get("struck", [])],
        summary=publish_summary(bulletin),
    )


@router.get("/bulletins", response=list[BulletinOut], summary="The bulletins one may read")
def bulletins(request):
    return [_bulletin(b) for b in bulletins_visible(user=request.user)]


@router.get(
    "/bulletins/{bulletin_id}",
    response=BulletinDetailOut,
    summary="A bulletin with its rungs (a draft: the proposals and the office's decisions)",
)
def bulletin(request, bulletin_id: int):
    return _detail(get_object_or_404(bulletins_visible(user=request.user), pk=bulletin_id))


@router.post(
    "/bulletins",
    response={201: BulletinDetailOut},
    summary="Draft a bulletin (the supervision office): 2019-W46, 2019年第46周 or a date",
)
def draft(request, payload: DraftIn):
    project = None
    if payload.project:
        project = get_object_or_404(Project, code=payload.project)
    made = bulletin_draft(
        actor=request.user,
        city=current_city_or_404(),
        period_text=payload.period,
        project=project,
    )
    return Status(201, _detail(made))


@router.post(
    "/bulletins/{bulletin_id}/rungs",
    response=BulletinDetailOut,
    summary="Keep, lower or strike a proposed rung of a draft, with the reason (the office)",
)
def decide(request, bulletin_id: int, payload: RungIn):
    found = get_object_or_404(bulletins_visible(user=request.user), pk=bulletin_id)
    decided = bulletin_rung_decide(
        actor=request.user,
        bulletin=found,
        work_item_id=payload.work_item,
        level=payload.level,
        reason=payload.reason,
        interview_at=payload.interview_at,
        interview_place=payload.interview_place,
    )
    return _detail(decided)


@router.post(
    "/bulletins/{bulletin_id}/publish",
    response=BulletinDetailOut,
    summary="Publish (印发) a draft: numbered, frozen, its rungs recorded and notified",
)
def publish(request, bulletin_id: int, payload: PublishIn):
    found = get_object_or_404(bulletins_visible(user=request.user), pk=bulletin_id)
    return _detail(bulletin_publish(actor=request.user, bulletin=found, number=payload.number))


@router.get(
    "/escalations",
    response=list[EscalationOut],
    summary="The rungs one may read (a town or department: its own), with their notices",
)
def escalations(request):
    events = list(
        escalations_visible(user=request.user)
        .select_related("city")
        .order_by("-created_at", "-id")[:500]
    )
    states = answer_states(events)
    return [
        EscalationOut(
            id=event.pk,
            period=event.period,
            level=event.level,
            level_name=event.get_level_display(),
            work_item=event.work_item_id,
            item=event.work_item.name,
            project=event.work_item.project.name,
            town=event.town.name if event.town else "",
            department=str(event.department or ""),
            number_text=number_text(event),
            addressee=event.addressee,
            issued_on=event.issued_on,
            reply_by=event.reply_by,
            answer=states[event.pk].state,
            notice_pdf=reverse("supervision:notice-pdf", args=[event.pk]),
            notice_docx=reverse("supervision:notice", args=[event.pk]),
        )
        for event in events
    ]
