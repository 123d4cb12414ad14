"""``GET /api/v1/region``: the cities below a prefecture or province, as its page ranks them."""

from datetime import date

from django.http import Http404
from ninja import Router, Schema

from guatu.common.times import LocalDateTime
from guatu.org.selectors import current_city, oversees_cities
from guatu.supervision.region import region_standings

router = Router(tags=["region"])


class CityStandingOut(Schema):
    code: str
    name: str
    as_of: date
    computed_at: LocalDateTime
    on_track: float | None
    planned: float
    actual: float
    behind: float
    counts: dict[str, int]
    blockers_open: int
    blockers_overdue: int
    overdue_nodes: int
    nodes_at_risk: int
    #: The city's figures changed after computed_at; the worker is recomputing the row.
    stale: bool


@router.get(
    "/region",
    response=list[CityStandingOut],
    summary="The cities below (prefecture or province users): ranked by work on track",
)
def region(request):
    if not oversees_cities(request.user):
        raise Http404("no cities below")
    return [
        CityStandingOut(
            code=row.city.code,
            name=row.city.name,
            as_of=row.as_of,
            computed_at=row.computed_at,
            on_track=row.on_track,
            planned=row.planned,
            actual=row.actual,
            behind=row.behind,
            counts=row.counts,
            blockers_open=row.blockers_open,
            blockers_overdue=row.blockers_overdue,
            overdue_nodes=row.overdue_nodes,
            nodes_at_risk=row.nodes_at_risk,
            stale=row.stale,
        )
        for row in region_standings(current_city())
    ]
