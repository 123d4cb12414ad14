"""Intake endpoints of the REST API: restore a page and find its facts; accept facts as evidence."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status

from guatu.access import is_supervisor, require
from guatu.common.bounds import Day
from guatu.intake.services import evidence_accept, intake_as_dict, intake_read
from guatu.org.selectors import current_city
from guatu.projects.models import Project

router = Router(tags=["intake"])


class IntakeIn(Schema):
    text: str
    issue: Day


class ChoiceIn(Schema):
    fact: int
    project: str


class EvidenceIn(Schema):
    text: str
    issue: Day
    source: str
    choices: list[ChoiceIn]


class EvidenceOut(Schema):
    id: int
    project: str
    kind: str
    value: str
    quote: str


@router.post("", summary="Restore a page's extracted text and list its facts (supervision office)")
def read(request, payload: IntakeIn) -> dict:
    require(
        is_supervisor(request.user), user=request.user, action="intake_read", target=current_city()
    )
    return intake_as_dict(intake_read(text=payload.text, issue=payload.issue))


@router.post(
    "/evidence",
    response={201: list[EvidenceOut]},
    summary="Attach facts (by index in the reading of the same text) to projects as evidence",
)
def accept(request, payload: EvidenceIn):
    choices = [(c.fact, get_object_or_404(Project, code=c.project)) for c in payload.choices]
    stored = evidence_accept(
        actor=request.user,
        text=payload.text,
        issue=payload.issue,
        source=payload.source,
        choices=choices,
    )
    return Status(
        201,
        [
            EvidenceOut(id=e.pk, project=e.project.code, kind=e.kind, value=e.value, quote=e.quote)
            for e in stored
        ],
    )
