"""Read paths for parks: occupancy, ranked applications with their latest decision, waiting list."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from guatu.parks.models import Application, Evaluation, Park, ParkUnit


@dataclass(frozen=True)
class Occupancy:
    units: int
    vacant: int
    area: Decimal
    occupied_area: Decimal

    @property
    def share(self) -> float | None:
        return float(self.occupied_area / self.area * 100) if self.area else None


def park_occupancy(park: Park) -> Occupancy:
    units = list(park.units.values_list("status", "floor_area_m2"))
    area = sum((a for _s, a in units), Decimal(0))
    occupied = sum((a for s, a in units if s != ParkUnit.Status.VACANT), Decimal(0))
    vacant = sum(1 for s, _a in units if s == ParkUnit.Status.VACANT)
    return Occupancy(len(units), vacant, area, occupied)


def park_list():
    return Park.objects.select_related("town", "project").order_by("town__order", "code")


def applications_ranked(park: Park) -> list[Application]:
    """The park's applications, each with ``latest`` (its latest evaluation), best first."""
    applications = list(
        park.applications.select_related("enterprise").prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("criteria").order_by(
                    "-created_at", "-id"
                ),
            )
        )
    )
    for application in applications:
        evaluations = list(application.evaluations.all())
        application.latest = evaluations[0] if evaluations else None
    return sorted(
        applications,
        key=lambda a: (
            a.latest is None,
            not (a.latest and a.latest.admitted),
            -(a.latest.score if a.latest else 0),
            a.enterprise.name,
        ),
    )


def waiting_list(park: Park) -> list[Application]:
    """Admitted applications still without a unit, by score."""
    return [
        application
        for application in applications_ranked(park)
        if application.status == Application.Status.ADMITTED
    ]
