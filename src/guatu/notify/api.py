"""Inbox endpoints of the REST API: one's own messages, and marking them read."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from guatu.common.times import LocalDateTime
from guatu.notify.models import Notice
from guatu.notify.services import notices_read
from guatu.notify.todo import todo
from guatu.org.selectors import current_city

router = Router(tags=["inbox"])
LIMIT = 200


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: LocalDateTime
    read_at: LocalDateTime | None


class ReadOut(Schema):
    marked: int


def _out(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.pk,
        kind=notice.kind,
        kind_label=str(notice.get_kind_display()),
        title=notice.title,
        body=notice.body,
        url=notice.url,
        created_at=notice.created_at,
        read_at=notice.read_at,
    )


@router.get("", response=list[NoticeOut], summary="My messages, newest first (at most 200)")
def inbox(request, unread: bool = False):
    rows = Notice.objects.filter(recipient=request.user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return [_out(notice) for notice in rows[:LIMIT]]


@router.post("/{notice_id}/read", response=NoticeOut, summary="Mark one of my messages read")
def read_one(request, notice_id: int):
    notice = get_object_or_404(Notice, pk=notice_id, recipient=request.user)
    notices_read(user=request.user, ids=[notice.pk])
    notice.refresh_from_db()
    return _out(notice)


@router.post("/read", response=ReadOut, summary="Mark all my messages read")
def read_all(request):
    return ReadOut(marked=notices_read(user=request.user))


todo_router = Router(tags=["to do"])


class TodoRowOut(Schema):
    text: str
    url: str


class TodoOut(Schema):
    kind: str
    title: str
    count: int
    url: str
    rows: list[TodoRowOut]


@todo_router.get(
    "/todo",
    response=list[TodoOut],
    summary="My 待办: what waits for me, by kind, each with its count and where it is done",
)
def my_todo(request):
    return [
        TodoOut(
            kind=entry.kind,
            title=entry.title,
            count=entry.count,
            url=entry.url,
            rows=[TodoRowOut(text=row.text, url=row.url) for row in entry.rows],
        )
        for entry in todo(request.user, current_city())
    ]
