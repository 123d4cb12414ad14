"""前期 endpoints of the REST API: the city's template, and a project's 前期 nodes made
from it (docs/PREWORK.md). The same services as the pages (``projects.prework``)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from guatu.org.selectors import current_city
from guatu.projects.models import Project
from guatu.projects.prework import prework_apply, template_rows

router = Router(tags=["前期"])


class PreworkNodeOut(Schema):
    code: str
    name: str
    duration_days: int = Field(description="Typical duration in working days (工作日).")
    department_id: int | None = Field(description="The 要素 department; null: the owner.")
    department: str = Field(description="Its full name; empty for the owner (建设单位).")


class PreworkLinkOut(Schema):
    predecessor: str = Field(description="A node's code.")
    successor: str = Field(description="A node's code.")
    kind: str = Field(description="FS, SS or FF.")
    lag_days: int = Field(description="Working days; negative for a lead.")


class PreworkTemplateOut(Schema):
    stored: bool = Field(description="False while the city uses the default unchanged.")
    updated_at: datetime | None
    updated_by: str
    nodes: list[PreworkNodeOut]
    links: list[PreworkLinkOut]


class PreworkItemOut(Schema):
    id: int
    code: str
    name: str
    prework_code: str
    milestone: bool
    duration_days: int = Field(description="In the project's own calendar.")
    planned_start: date | None = Field(description="The node's latest start (a task).")
    deadline: date = Field(description="Its time node: the latest finish.")
    owner_department: str


class PreworkAppliedOut(Schema):
    project: str
    finish_by: date = Field(description="The day before 计划开工: the 前期 is done by then.")
    first_start: date
    before_project_start: bool = Field(
        description="The first node would start before the project's start date: late."
    )
    items: list[PreworkItemOut]


@router.get(
    "/prework/template",
    response=PreworkTemplateOut,
    summary="The city's 前期 template: nodes (working days, 要素 department) and links",
)
def prework_template_get(request):
    rows = template_rows(current_city())
    return PreworkTemplateOut(
        stored=rows.stored,
        updated_at=rows.updated_at,
        updated_by=rows.updated_by,
        nodes=[
            PreworkNodeOut(
                code=node.code,
                name=node.name,
                duration_days=node.duration_days,
                department_id=node.department.pk if node.department else None,
                department=node.department.name if node.department else "",
            )
            for node in rows.nodes
        ],
        links=[
            PreworkLinkOut(
                predecessor=link.predecessor,
                successor=link.successor,
                kind=link.kind,
                lag_days=link.lag_days,
            )
            for link in rows.links
        ],
    )


@router.post(
    "/projects/{code}/prework",
    response={201: PreworkAppliedOut},
    summary=(
        "Make a project's 前期 nodes from the city's template, backwards from its 计划开工 "
        "(the office); refused when it has no 计划开工 or has them already"
    ),
)
def prework_apply_post(request, code: str):
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    applied = prework_apply(actor=request.user, project=project)
    departments = {
        item.pk: str(item.owner_department.name) if item.owner_department else ""
        for item in applied.items
    }
    return Status(
        201,
        PreworkAppliedOut(
            project=project.code,
            finish_by=applied.finish_by,
            first_start=applied.first_start,
            before_project_start=applied.before_project_start,
            items=[
                PreworkItemOut(
                    id=item.pk,
                    code=item.code,
                    name=item.name,
                    prework_code=item.prework_code,
                    milestone=item.is_milestone,
                    duration_days=item.duration_days,
                    planned_start=item.planned_start,
                    deadline=item.deadline,
                    owner_department=departments[item.pk],
                )
                for item in applied.items
            ],
        ),
    )
