"""Import a ledger (台账): projects, work items and progress, all of it or nothing.

The whole file is checked before anything is written, and every problem is
reported with its sheet, row, column and value; if there is any, nothing is
written. Rows are matched by their codes (项目编码; 项目编码 + 事项编码;
项目编码 + 事项编码 + 填报日期), so importing the same file twice changes
nothing, and a dry run says what would be new, changed or unchanged.

A column present in a sheet sets its field, an empty cell clearing it; a
column the sheet does not have leaves the field as it is. The 前置事项
column lists all of an item's predecessors: links not listed are removed.
Progress is history and is only ever added to: a different value for a day
already reported is a correction, which needs its 更正原因.
"""

from datetime import date
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, reports_own_items, require
from guatu.audit.services import audit_record
from guatu.core.ledger.columns import BLOCKERS, ITEMS, LEDGER_SHEETS, PROGRESS, PROJECTS
from guatu.core.ledger.organisation import ORG_SHEETS
from guatu.core.ledger.workbook import Workbook
from guatu.ledger.blockers_sheet import BlockerSheet
from guatu.ledger.checking import MAX_PROBLEMS, TooManyProblems, sheets_read, source_name
from guatu.ledger.layout import NOTES_SHEET
from guatu.ledger.links import links_check
from guatu.ledger.plan import Plan
from guatu.ledger.problems import Problem
from guatu.ledger.progress_sheet import ProgressSheet
from guatu.ledger.reference import (
    Reference,
)
from guatu.ledger.result import Changes, ImportResult
from guatu.ledger.writing import plan_write
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.org.selectors import current_city

__all__ = ["Changes", "ImportResult", "ledger_import"]


def ledger_import(
    *,
    source: str | Path | IO[bytes],
    actor,
    name: str | None = None,
    dry_run: bool = False,
    city: City | None = None,
    today: date | None = None,
    organisation_read: bool = False,
) -> ImportResult:
    """Check the ledger in *source* and, unless *dry_run* or a problem is found, write it.

    The supervision office imports whole ledgers. A town's or a department's
    officials import progress sheets for the items they may report on (their
    town's, or the ones their department owns), as on the report form; any
    other sheet or item is a problem at its cell. Anyone else gets
    ``PermissionDenied``.
    """
    city = city or current_city()
    supervisor = is_supervisor(actor)
    require(supervisor or reports_own_items(actor), user=actor, action="ledger_import", target=city)
    reporter = not supervisor
    file_name = source_name(source, name)
    result = ImportResult(file=file_name, dry_run=dry_run)
    book = sheets_read(
        source,
        name=file_name,
        specs=LEDGER_SHEETS + ORG_SHEETS,
        problems=result.problems,
        notes=result.notes,
        quiet=(NOTES_SHEET,),
    )
    if book is None:
        return result
    _set_organisation_aside(book, city, organisation_read, result)
    today = today or city_today(city)
    plan = Plan(city=city, reference=Reference.load(city), today=today, year=today.year)
    if reporter:
        plan.reporter = actor
        _refuse_plan_sheets(book, plan)
        if plan.problems:
            result.problems = plan.problems
            return result
    _check_book(book, plan, result)
    result.problems = plan.problems
    if result.problems or dry_run:
        return result
    with transaction.atomic():
        plan_write(plan, actor, result)
        audit_record(
            user=actor,
            action="ledger_import",
            target=city,
            detail={
                "file": file_name,
                "projects": result.projects.counts,
                "items": result.items.counts,
                "progress": result.progress.counts,
                "reviews": result.reviews.counts,
                "blockers": result.blockers.counts,
            },
        )
    result.written = True
    return result


def _set_organisation_aside(
    book: Workbook, city: City | None, organisation_read: bool, result: ImportResult
) -> None:
    """Take the organisation's sheets out of *book*, with a note unless another step reads them."""
    for table in [table for table in book.tables if table.spec in ORG_SHEETS]:
        # A whole city's export carries its organisation; it sets up a new city
        # (``ledger_import_new_city``, *organisation_read*) but never rewrites one.
        book.tables.remove(table)
        if organisation_read:
            continue
        result.notes.append(
            _(
                "Sheet “%(sheet)s” (organisation) was not read: %(city)s is already set up; "
                "change its organisation in the administration."
            )
            % {"sheet": table.sheet, "city": city.name if city else ""}
        )


def _refuse_plan_sheets(book: Workbook, plan: Plan) -> None:
    """A town's or department's official sends progress only: any other sheet is a problem."""
    for table in book.tables:
        if table.spec is not PROGRESS:
            plan.problems.append(
                Problem(
                    table.sheet,
                    None,
                    None,
                    "",
                    _(
                        "only the supervision office imports projects and work items; "
                        "send progress sheets only."
                    ),
                )
            )


def _check_book(book: Workbook, plan: Plan, result: ImportResult) -> None:
    """Check the projects, the items, their links, then progress, each problem into *plan*."""
    try:
        for spec, check in ((PROJECTS, plan.check_projects), (ITEMS, plan.check_items)):
            for table in book.tables:
                if table.spec is spec:
                    check(table, result)
        links_check(plan, result)
        plan.progress = ProgressSheet(plan)
        for table in book.tables:
            if table.spec is PROGRESS:
                plan.progress.check(table, result)
        plan.blockers = BlockerSheet(plan)
        for table in book.tables:
            if table.spec is BLOCKERS:
                plan.blockers.check(table, result)
    except TooManyProblems:
        result.notes.append(
            _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS}
        )
