"""红黑榜: each 序列 (towns; departments) ranked by 超欠序时, from the city's standing.

The lists read the same group rows as the tables (``selectors.city_standing``), so a
unit's figure on the 红黑榜 is its figure in the table by town or by department.
"""

from dataclasses import dataclass

from guatu.core import investment as core
from guatu.investment.models import Exemption
from guatu.investment.rules import version_for
from guatu.investment.selectors import CityStanding

#: The 序列 and the group dimension each reads.
SERIES = (("town", "town_id"), ("department", "department_id"))


@dataclass(frozen=True)
class Lists:
    series: str  # "town" | "department"
    red: list[core.Ranked]
    black: list[core.Ranked]
    exempt: list[Exemption]


def red_black_lists(city, standing: CityStanding) -> list[Lists]:
    """The 红榜 and 黑榜 of each 序列 for *standing*'s month, exemptions left out."""
    row = version_for(city, standing.year, standing.month)
    size = row.list_size if row else 3
    exemptions = list(
        Exemption.objects.filter(
            city=city, year=standing.year, month=standing.month
        ).select_related("town", "department", "approved_by")
    )
    result = []
    for series, field in SERIES:
        groups = [group for group in standing.groups.get(series, []) if group.key is not None]
        exempt_keys = {getattr(e, field) for e in exemptions if getattr(e, field) is not None}
        names = {group.key: group.label for group in groups}
        exempt_names = frozenset(names[key] for key in exempt_keys if key in names)
        red, black = core.red_black(
            [(group.label, group.gap) for group in groups if group.plan > 0],
            size,
            exempt_names,
        )
        result.append(
            Lists(
                series,
                red,
                black,
                [e for e in exemptions if getattr(e, field) is not None],
            )
        )
    return result
