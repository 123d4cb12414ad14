"""The level above's own 定期通报: its cities side by side for a period (赛马).

A prefecture's or province's office publishes it with the same machinery as a
city's bulletin — a draft, then a number of its own (its ``document_prefix``),
Word, PDF and Excel — but its content is the cities' standings, each computed
afresh in the city's own scope (never a stale row of the read model): progress,
lights and overdue time nodes at the period's date (capped by the city's own
status date); open blockers and nodes at risk as they stand when it is drafted.
The same figures as ``/region/`` shows once the worker has caught up, and as
each city's own dashboard.
"""

from django.utils.translation import gettext as _

from guatu.core.periods import Period
from guatu.core.status import LIGHT_NAMES
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.org.selectors import is_above_cities
from guatu.supervision.region import cities_ranked

#: The totals of the overview: the lights, then the counted figures.
TOTALS = ("overdue_nodes", "nodes_at_risk", "blockers_open", "blockers_overdue")


def is_region(city: City) -> bool:
    """A division above the cities (its bulletin ranks cities, not towns): the same test
    as the one that makes its users read-only below (``org.selectors``)."""
    return is_above_cities(city)


def region_bulletin_content(*, region: City, period: Period, number_text: str = "") -> dict:
    """The bulletin of *period* for the cities below *region*, as stored content."""
    as_of = min(period.end, city_today(region))
    cities = cities_ranked(region, lambda city: min(period.end, city_today(city)))
    counts = {name: sum(row["counts"][name] for row in cities) for name in LIGHT_NAMES}
    totals = {name: sum(row[name] for row in cities) for name in TOTALS}
    return {
        "kind": "region",
        "city": region.name,
        "office": region.office_name or _("Key projects office"),
        "scope": region.name,
        "period": period.key,
        "period_label": period.label(),
        "as_of": as_of.isoformat(),
        "title": _(
            "Bulletin on the progress of the key projects of the cities of %(scope)s, %(period)s"
        )
        % {"scope": region.name, "period": period.label()},
        "number_text": number_text,
        "counts": counts,
        "totals": totals,
        "cities": cities,
        # What a city's bulletin carries and this one has not: empty, so every
        # renderer and the publishing step read one shape.
        "previous_counts": {},
        "towns": [],
        "departments": [],
        "red_items": [],
        "warned_items": [],
        "blockers": [],
        "escalations": [],
        "adjustments": [],
        "risk": [],
        "risk_nodes": [],
        "curves": [],
    }
