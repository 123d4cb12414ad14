"""Every item's finish distribution as one .xlsx: the analyst's full table.

The page shows the time nodes and the tornado; planners also want each
item's P10–P90, its criticality and sensitivity and where its range came
from, to sort and filter as they like. Read-only: the ledger import does not
take it back.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from guatu.common.spreadsheet import book_properties, write_sheet
from guatu.org.models import Town
from guatu.projects.models import Phase
from guatu.risk.services import ProjectRisk

__all__ = ["items_filename", "items_workbook"]


def items_workbook(risk: ProjectRisk) -> bytes:
    """*risk* (computed with ``every_item``) as a workbook of one sheet, an item a row."""
    towns = dict(
        Town.objects.filter(pk__in={r.item.town_id for r in risk.items}).values_list("pk", "name")
    )
    phases = dict(
        Phase.objects.filter(pk__in={r.item.phase_id for r in risk.items}).values_list("pk", "name")
    )
    nodes = {row.item.pk: row for row in risk.nodes}
    book = Workbook(write_only=True)
    heading = _(
        "%(project)s — finish of every work item as of %(date)s (%(runs)d Monte Carlo runs)"
    ) % {"project": risk.project.name, "date": risk.today.isoformat(), "runs": risk.runs}
    book_properties(book, creator=risk.project.city.issuer, title=heading)
    rows = []
    for row in risk.items:
        node = nodes.get(row.item.pk)
        rows.append(
            [
                row.item.code,
                row.item.name,
                towns.get(row.item.town_id, ""),
                phases.get(row.item.phase_id, ""),
                row.item.plan_finish,
                node.node if node else None,
                row.p10,
                row.p50,
                row.p80,
                row.p90,
                round(node.probability, 3) if node and node.probability is not None else None,
                round(row.criticality, 3),
                round(row.sensitivity, 3),
                row.source,
            ]
        )
    write_sheet(
        book,
        _("Finish distribution"),
        heading,
        [
            _("Item code"),
            _("Work item"),
            _("Town"),
            _("Phase"),
            _("planned finish"),
            _("Time node"),
            "P10",
            "P50",
            "P80",
            "P90",
            _("Chance of the node"),
            _("Criticality index"),
            _("Sensitivity"),
            _("Distribution from"),
        ],
        rows,
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def items_filename(risk: ProjectRisk) -> str:
    return _("%(project)s finish distribution %(date)s.xlsx") % {
        "project": risk.project.name,
        "date": risk.today.isoformat(),
    }
