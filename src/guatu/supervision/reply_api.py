"""``/api/v1/escalations/{id}/replies``: a unit's answers to a notice (整改反馈) in the API.

The same service and the same roles as the rung's page: the rung's own town or
department answers (a JSON body with the text; files go through the page), and
the unit, leaders and the office read the answers. Another city's rung is 404.
"""

from datetime import date

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from guatu.access import can_see_notice_answers, require
from guatu.common.times import LocalDateTime
from guatu.org.clock import city_today
from guatu.supervision.models import EscalationEvent, NoticeReply
from guatu.supervision.replies import notice_reply
from guatu.supervision.selectors import answer_state

router = Router(tags=["supervision"])


class ReplyIn(Schema):
    text: str


class ReplyFileOut(Schema):
    name: str
    size: int
    url: str


class ReplyOut(Schema):
    id: int
    text: str
    created_by: str
    created_at: LocalDateTime
    files: list[ReplyFileOut]


class RepliesOut(Schema):
    escalation: int
    #: answered, awaiting, overdue or closed (``supervision.selectors.answer_state``).
    state: str
    reply_by: date | None
    replies: list[ReplyOut]


def _reply(reply: NoticeReply) -> ReplyOut:
    return ReplyOut(
        id=reply.pk,
        text=reply.text,
        created_by=str(reply.created_by),
        created_at=reply.created_at,
        files=[
            ReplyFileOut(
                name=record.name,
                size=record.size,
                url=reverse("supervision:reply-file", args=[record.pk]),
            )
            for record in reply.files.all()
        ],
    )


def _escalation(escalation_id: int) -> EscalationEvent:
    return get_object_or_404(
        EscalationEvent.objects.select_related("work_item__project__city"), pk=escalation_id
    )


@router.get(
    "/escalations/{escalation_id}/replies",
    response=RepliesOut,
    summary="A notice's answers (整改反馈) and where it stands: its unit, leaders, the office",
)
def replies(request, escalation_id: int):
    event = _escalation(escalation_id)
    require(
        can_see_notice_answers(request.user, event),
        user=request.user,
        action="notice_reply_read",
        target=event,
    )
    state = answer_state(event, city_today(event.work_item.project.city))
    return RepliesOut(
        escalation=event.pk,
        state=state.state,
        reply_by=event.reply_by,
        replies=[
            _reply(reply)
            for reply in event.replies.select_related("created_by").prefetch_related("files")
        ],
    )


@router.post(
    "/escalations/{escalation_id}/replies",
    response={201: ReplyOut},
    summary="Answer a notice (the rung's own town or department); files through the page",
)
def reply(request, escalation_id: int, payload: ReplyIn):
    event = _escalation(escalation_id)
    answer = notice_reply(actor=request.user, escalation=event, text=payload.text)
    return Status(201, _reply(answer))
