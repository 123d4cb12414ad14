"""The project's ledger as of a date, with its baselines and 节点调整, as one .xlsx.

Three sheets: the as-of comparison (the plan in force on the day and the
figures then known, beside today's, with both lights), every baseline's
frozen items, and the adjustment requests with their decisions. Read-only:
the ledger import does not take it back (its sheets carry none of the
ledger's headers and are refused by name if offered).
"""

import io
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guatu.baselines.asof import AsOf, project_as_of
from guatu.baselines.models import BaselineItem
from guatu.common.spreadsheet import book_properties, write_sheet
from guatu.org.clock import city_zone
from guatu.progress.labels import light_label
from guatu.projects.models import Project

__all__ = ["as_of_filename", "as_of_workbook"]


def _number(value):
    return None if value is None else float(value)


def _local(project: Project, moment):
    """A stored moment as the city's wall-clock time, without zone (Excel has none)."""
    if moment is None:
        return None
    return timezone.localtime(moment, city_zone(project.city)).replace(tzinfo=None)


def as_of_workbook(project: Project, day: date) -> bytes:
    """The .xlsx of *project* as of *day*: the comparison, the baselines, the adjustments."""
    result = project_as_of(project, day)
    book = Workbook(write_only=True)
    book_properties(
        book,
        creator=project.city.issuer,
        title=_("%(project)s as of %(day)s") % {"project": project.name, "day": day.isoformat()},
    )
    _as_of_sheet(book, project, day, result)
    _baselines_sheet(book, project)
    _adjustments_sheet(book, project)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_of_sheet(book: Workbook, project: Project, day: date, result: AsOf) -> None:
    """The plan in force on *day* and the figures then known, beside today's."""
    if result.baseline:
        plan = _("plan in force: baseline #%(n)d %(name)s") % {
            "n": result.baseline.number,
            "name": result.baseline.name,
        }
    else:
        plan = _("no baseline frozen by that day")
    write_sheet(
        book,
        _("As of %(date)s") % {"date": day.isoformat()},
        f"{project.name} — " + _("as of %(date)s") % {"date": day.isoformat()} + f"（{plan}）",
        [
            _("Item code"),
            _("Work item"),
            _("time node then"),
            _("time node now"),
            _("early finish then"),
            _("early finish now"),
            _("duration then"),
            _("duration now"),
            _("reported then"),
            _("report date then"),
            _("reported now"),
            _("light then"),
            _("light now"),
        ],
        (
            [
                r.code,
                r.name,
                r.then.deadline if r.then else None,
                r.now.deadline if r.now else None,
                r.then.early_finish if r.then else None,
                r.now.early_finish if r.now else None,
                r.then.duration_days if r.then else None,
                r.now.duration_days if r.now else None,
                _number(r.percent_then),
                r.reported_then,
                _number(r.percent_now),
                light_label(r.light_then) if r.light_then else None,
                light_label(r.light_now) if r.light_now else None,
            ]
            for r in result.rows
        ),
    )


def _baselines_sheet(book: Workbook, project: Project) -> None:
    """Every baseline's frozen items, oldest baseline first."""
    items = (
        BaselineItem.objects.filter(baseline__project=project)
        .select_related("baseline", "baseline__created_by")
        .order_by("baseline__number", "id")
    )
    write_sheet(
        book,
        _("Baselines"),
        f"{project.name} — " + _("Baselines"),
        [
            _("Baseline"),
            _("name"),
            _("frozen at"),
            _("frozen by"),
            _("Item code"),
            _("Work item"),
            _("planned start"),
            _("duration (working days)"),
            _("time node (deadline)"),
            _("early start"),
            _("early finish"),
            _("late finish"),
        ],
        (
            [
                item.baseline.number,
                item.baseline.name,
                _local(project, item.baseline.created_at),
                str(item.baseline.created_by),
                item.code,
                item.name,
                item.planned_start,
                item.duration_days,
                item.deadline,
                item.early_start,
                item.early_finish,
                item.late_finish,
            ]
            for item in items
        ),
    )


def _adjustments_sheet(book: Workbook, project: Project) -> None:
    """The 节点调整 requests in the order they were made, with their decisions."""
    requests = project.adjustments.select_related(
        "work_item", "proposed_by", "reviewed_by", "decided_by", "baseline"
    ).order_by("proposed_at", "id")
    write_sheet(
        book,
        _("Node adjustments"),
        f"{project.name} — " + _("Node adjustments"),
        [
            _("Item code"),
            _("Work item"),
            _("time node before"),
            _("proposed time node"),
            _("days moved"),
            _("duration before"),
            _("proposed duration (working days)"),
            _("reason"),
            _("evidence"),
            _("proposed by"),
            _("proposed at"),
            _("office's opinion"),
            _("leader's decision"),
            _("status"),
            _("resulting baseline"),
        ],
        (
            [
                a.work_item.code,
                a.work_item.name,
                a.old_deadline,
                a.new_deadline,
                a.days_moved,
                a.old_duration_days,
                a.new_duration_days,
                a.reason,
                a.evidence,
                str(a.proposed_by),
                _local(project, a.proposed_at),
                a.review_note,
                a.decision_note,
                a.get_status_display(),
                a.baseline.number if a.baseline else None,
            ]
            for a in requests
        ),
    )


def as_of_filename(project: Project, day: date) -> str:
    return _("%(project)s as of %(date)s.xlsx") % {"project": project.name, "date": day.isoformat()}
