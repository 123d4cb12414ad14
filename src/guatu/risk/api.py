"""Schedule risk over the REST API: the same figures as the page, with the same what-if."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from guatu.common.bounds import WorkingDays
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project, WorkItem
from guatu.risk.estimates import estimate_clear, estimate_set
from guatu.risk.services import (
    WhatIf,
    nodes_at_risk,
    project_risk,
    project_risk_cached,
    what_if_risk,
)

router = Router(tags=["risk"])


class NodeOut(Schema):
    item: int
    code: str
    name: str
    node: date | None
    p10: date
    p50: date
    p80: date
    p90: date
    probability: float | None
    criticality: float


class ItemOut(Schema):
    item: int
    code: str
    name: str
    p10: date
    p50: date
    p80: date
    p90: date
    criticality: float
    sensitivity: float
    source: str


class DriverOut(Schema):
    item: int
    name: str
    sensitivity: float
    criticality: float
    source: str


class SourceOut(Schema):
    history: str
    items: int
    median_ratio: float | None
    sigma: float | None


class RiskOut(Schema):
    project: str
    as_of: date
    runs: int
    converged: bool
    target: date | None
    target_probability: float | None
    finish_p10: date
    finish_p50: date
    finish_p80: date
    finish_p90: date
    nodes: list[NodeOut]
    drivers: list[DriverOut]
    sources: list[SourceOut]
    items: list[ItemOut] | None = None


@router.get(
    "/projects/{code}/risk",
    response={200: RiskOut, 404: dict},
    summary="Chance of each time node (Monte Carlo, calibrated on the city's reports); "
    "optional what-if: node_item + node_date, delay_item + delay_days (nothing stored); "
    "every_item=true adds each item's P10–P90",
)
def risk(
    request,
    code: str,
    node_item: int | None = None,
    node_date: date | None = None,
    delay_item: int | None = None,
    delay_days: int = 0,
    every_item: bool = False,
):
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    nodes, extra = {}, {}
    if node_item is not None and node_date is not None:
        nodes[get_object_or_404(WorkItem, pk=node_item, project=project).pk] = node_date
    if delay_item is not None:
        extra[get_object_or_404(WorkItem, pk=delay_item, project=project).pk] = delay_days
    what_if = WhatIf(nodes, extra)
    if what_if:  # the same runs as today's, so only what the change moves moves
        result = what_if_risk(project, what_if, every_item=every_item)[1]
    elif every_item:
        result = project_risk(project, every_item=True)
    else:
        result = project_risk_cached(project)  # the page's figures, computed once
    if result is None:
        return Status(404, {"detail": _("The project has no scheduled work items yet.")})
    return RiskOut(
        project=project.code,
        as_of=result.today,
        runs=result.runs,
        converged=result.converged,
        target=result.target,
        target_probability=result.target_probability,
        finish_p10=result.finish[0],
        finish_p50=result.finish[1],
        finish_p80=result.finish[2],
        finish_p90=result.finish[3],
        nodes=[
            NodeOut(
                item=row.item.pk,
                code=row.item.code,
                name=row.item.name,
                node=row.node,
                p10=row.p10,
                p50=row.p50,
                p80=row.p80,
                p90=row.p90,
                probability=row.probability,
                criticality=row.criticality,
            )
            for row in result.nodes
        ],
        drivers=[
            DriverOut(
                item=d.item.pk,
                name=d.item.name,
                sensitivity=d.sensitivity,
                criticality=d.criticality,
                source=d.source,
            )
            for d in result.drivers
        ],
        sources=[
            SourceOut(history=label, items=count, median_ratio=ratio, sigma=sigma)
            for label, count, ratio, sigma in result.sources
        ],
        items=[
            ItemOut(
                item=row.item.pk, code=row.item.code, name=row.item.name, p10=row.p10,
                p50=row.p50, p80=row.p80, p90=row.p90, criticality=row.criticality,
                sensitivity=row.sensitivity, source=row.source,
            )
            for row in result.items
        ]
        if every_item
        else None,
    )  # fmt: skip


class AtRiskOut(Schema):
    project: str
    project_name: str
    item: int
    name: str
    node: date
    p80: date
    probability: float


@router.get(
    "/risk/nodes",
    response=list[AtRiskOut],
    summary="The city's time nodes not yet due whose chance is under 50 % (worst first)",
)
def at_risk(request):
    return [
        AtRiskOut(
            project=row.project_code,
            project_name=row.project_name,
            item=row.item_pk,
            name=row.item_name,
            node=row.node,
            p80=row.p80,
            probability=row.probability,
        )
        for row in nodes_at_risk(current_city_or_404())
    ]


class EstimateIn(Schema):
    optimistic: WorkingDays
    most_likely: WorkingDays
    pessimistic: WorkingDays
    shape: str = "pert"
    note: str = ""


class EstimateOut(EstimateIn):
    item: int


@router.put(
    "/items/{item_id}/estimate",
    response=EstimateOut,
    summary="Set an item's three-point estimate (working days, whole item; the office)",
)
def estimate_put(request, item_id: int, payload: EstimateIn):
    item = get_object_or_404(WorkItem, pk=item_id)
    row = estimate_set(actor=request.user, item=item, **payload.dict())
    return EstimateOut(
        item=item.pk, optimistic=row.optimistic, most_likely=row.most_likely,
        pessimistic=row.pessimistic, shape=row.shape, note=row.note,
    )  # fmt: skip


@router.delete(
    "/items/{item_id}/estimate",
    response={204: None},
    summary="Clear an item's three-point estimate: back to the city's history (the office)",
)
def estimate_delete(request, item_id: int):
    estimate_clear(actor=request.user, item=get_object_or_404(WorkItem, pk=item_id))
    return Status(204, None)
