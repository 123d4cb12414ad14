"""The progress sheet (进度) of a ledger import: each row judged by the report rules.

A row is read cell by cell here, and then judged by the same rules as the
report form and the API (``guatu.core.reporting``), against the reports in
force for its item plus the rows of the file already accepted; each broken
rule is noted at the cell it names. A row equal to the report in force on its
date changes nothing; a different value for a date already reported is a
correction of that report and needs its 更正原因.

The 核实情况 of an above-target report is the office's review, as on the review
page: 已确认 or 不予认定 (with its 核实意见) on a report not yet reviewed records
the review, so a whole city's export read into an empty database counts the
same reports; a review is never changed or undone, and only the supervision
office reviews.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from guatu.access import can_report
from guatu.common.bulk import id_chunks
from guatu.core.ledger.cells import (
    parse_bool,
    parse_code,
    parse_percent,
    parse_quantity,
    plain_text,
)
from guatu.core.ledger.workbook import Table
from guatu.core.reporting import Prior, ReportFigures, check_report
from guatu.errors import translate
from guatu.ledger.checking import CellChecker
from guatu.ledger.problems import expected
from guatu.ledger.reference import REVIEW_WORDS, word_key
from guatu.progress.models import ProgressReport, ReportReview
from guatu.progress.selectors import reports_in_force
from guatu.progress.services import NOTE_LIMIT, item_terms, report_record
from guatu.projects.models import WorkItem

if TYPE_CHECKING:
    from guatu.ledger.plan import Plan
    from guatu.ledger.result import ImportResult


@dataclass
class ReportRow:
    """A progress row that passed every check, to be written."""

    sheet: str
    number: int
    item_key: tuple[str, str]
    reported_on: date
    figures: ReportFigures
    note: str
    correction_reason: str
    supersedes: ProgressReport | None = None
    #: The office's decision on an above-target report ("" none) and its note.
    review: str = ""
    review_note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A review of a report already stored, read from its 核实情况."""

    report: ProgressReport
    decision: str
    note: str


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one row says of one item's progress, before the rules judge it."""

    key: tuple[str, str]
    item: dict[str, Any]
    reported_on: date
    quantity: Decimal | None
    unit: str
    percent: Decimal | None


#: The 核实意见 kept at most (``ReportReview.note``).
REVIEW_NOTE_LIMIT = 2000

#: Where each field the report rules name lives on the sheet.
FIELD_COLUMNS = {
    "reported_on": "reported_on",
    "quantity": "quantity",
    "percent": "percent",
    "unit": "unit",
    "note": "note",
    "above_target": "above_target",
    "correction_reason": "correction_reason",
}


class ProgressSheet:
    """Checks progress tables for one import; keeps what it read of the record."""

    def __init__(self, plan: "Plan") -> None:
        self.plan = plan
        #: Item pk → its reports in force, as read from the database.
        self.stored: dict[int, list[ProgressReport]] = {}
        #: Item key → the priors the next row of that item is judged against.
        self.record: dict[tuple[str, str], list[Prior]] = {}
        self.rows: list[ReportRow] = []
        #: Reviews of reports already stored (new reports carry theirs in their row).
        self.reviews: list[ReviewRow] = []

    def check(self, table: Table, result: "ImportResult") -> None:
        plan = self.plan
        check = CellChecker(table, plan.problems, plan.year)
        known = plan._projects_of(table)
        self._load(
            [item.pk for code in known for item in plan.existing_items.get(code, {}).values()]
        )
        seen: dict[tuple[str, str, date], int] = {}
        for number, row in table.rows:
            check.start(number, row)
            project, code, item = item_reference(check, plan, known)
            if item is not None and not self._may_report(item):
                check.fail(
                    "item", _("you may report only on your own town's or department's items.")
                )
                item = None
            reported_on = check.date("reported_on", required=True)
            note = check.text("note", max_length=NOTE_LIMIT) if check.has("note") else ""
            reason = (
                check.text("correction_reason", max_length=NOTE_LIMIT)
                if check.has("correction_reason")
                else ""
            )
            above = (
                bool(check.cell("above_target", parse_bool)) if check.has("above_target") else False
            )
            entered = self._amount_cells(check)
            review = self._review_cells(check) if check.has("review") else ("", "")
            if project and code and reported_on:
                key = (project, code, reported_on)
                if key in seen:
                    check.fail(
                        "reported_on",
                        _("this work item's progress on this day is already in row %(row)d.")
                        % {"row": seen[key]},
                    )
                seen[key] = number
            if not check.ok or item is None or reported_on is None:
                continue
            quantity, unit, percent = entered
            self._judge(
                check,
                result,
                _Entry((project, code), item, reported_on, quantity, unit, percent),
                note=note,
                reason=reason,
                above=above,
                review=review,
            )

    def _judge(
        self,
        check: CellChecker,
        result: "ImportResult",
        entry: _Entry,
        *,
        note: str,
        reason: str,
        above: bool,
        review: tuple[str, str],
    ) -> None:
        """Apply the report rules to one readable row and keep it if it passes."""
        key, item, reported_on = entry.key, entry.item, entry.reported_on
        terms = item_terms(
            today=self.plan.today,
            project_start=self.plan._project_start(key[0]),
            planned_start=item["planned_start"],
            target=item["quantity_target"],
            unit=item["unit"],
        )
        record = self.record.setdefault(key, report_record(self.stored.get(item["pk"], ())))
        stored = next((p for p in record if p.reported_on == reported_on and p.key), None)
        figures, problems = check_report(
            terms,
            reported_on=reported_on,
            quantity=entry.quantity,
            unit=entry.unit,
            percent=entry.percent,
            note=note,
            above_target=above,
            corrects=stored,
            correction_reason=reason,
            record=record,
        )
        label = f"{key[0]}/{key[1]}/{reported_on.isoformat()}"
        if stored is not None:
            report = stored.key
            if figures is not None and _same(report, figures, note):
                result.progress.unchanged.append(label)
                if self._review_allowed(check, review, _review_of(report), report.above_target):
                    self.reviews.append(ReviewRow(report, *review))
                    result.reviews.created.append(label)
                return
            if not reason:
                problems = [p for p in problems if p.field != "correction_reason"]
                check.fail(
                    "correction_reason",
                    _(
                        "%(date)s was already reported as %(percent)s%%; to correct it, "
                        "give the reason for the correction."
                    )
                    % {"date": reported_on, "percent": report.percent_complete},
                    "",
                )
        for problem in problems:
            column = FIELD_COLUMNS.get(problem.field)
            if column == "quantity" and not check.has("quantity"):
                column = "percent"
            check.fail(column if column and check.has(column) else None, translate(problem), "")
        reviewed = figures is not None and self._review_allowed(
            check, review, None, figures.above_target
        )
        if problems or not check.ok:
            return
        row = ReportRow(check.table.sheet, check.number, key, reported_on, figures, note, reason)
        if reviewed:
            row.review, row.review_note = review
            result.reviews.created.append(label)
        if stored is not None:
            row.supersedes = stored.key
            row.correction_reason = reason
            result.progress.updated.append(label)
            record.remove(stored)
        else:
            result.progress.created.append(label)
        # Later rows of the same item are judged against this one as well.
        counts = not figures.above_target or row.review == ReportReview.Decision.CONFIRMED
        record.append(Prior(reported_on, figures.percent, counts, key=None))
        self.rows.append(row)

    def _review_cells(self, check: CellChecker) -> tuple[str, str]:
        """(decision or "", note) as the 核实情况 and 核实意见 cells say."""
        written = plain_text(check.raw("review"))
        decision = REVIEW_WORDS.get(word_key(written))
        if decision is None:
            labels = [*(label for _value, label in ReportReview.Decision.choices)]
            labels.append(_("awaiting review"))
            check.fail("review", expected("、".join(str(label) for label in labels)))
            decision = ""
        note = (
            check.text("review_note", max_length=REVIEW_NOTE_LIMIT)
            if check.has("review_note")
            else ""
        )
        return str(decision), note

    def _review_allowed(
        self,
        check: CellChecker,
        review: tuple[str, str],
        current: ReportReview | None,
        above: bool,
    ) -> bool:
        """Whether the row's 核实情况 records a review now (each refusal noted at its cell).

        待核实 or an empty cell says nothing: a review stands once made.
        """
        decision, note = review
        if not decision:
            return False
        if current is not None:
            if current.decision != decision:
                check.fail(
                    "review",
                    _("this report was already reviewed (%(decision)s); a review is not changed.")
                    % {"decision": current.get_decision_display()},
                )
            return False
        if self.plan.reporter is not None:
            check.fail("review", _("only the supervision office reviews reports above the target."))
            return False
        if not above:
            check.fail("review", _("Only reports above the target are reviewed."))
            return False
        if decision == ReportReview.Decision.REJECTED and not note:
            where = "review_note" if check.has("review_note") else "review"
            check.fail(where, _("Say why the figure is rejected."), "")
            return False
        return True

    def _amount_cells(
        self, check: CellChecker
    ) -> tuple[Decimal | None, str, Decimal | None] | None:
        """Read (quantity, unit written, percent) as entered (a cell unreadable: noted)."""
        before = len(check.problems)
        percent_format = check.number in check.table.percent_rows
        percent = (
            check.cell("percent", lambda v: parse_percent(v, percent_format=percent_format))
            if check.has("percent")
            else None
        )
        parsed = check.cell("quantity", parse_quantity) if check.has("quantity") else None
        if len(check.problems) > before or parsed is None:
            return None, "", percent
        quantity, written = parsed
        unit = written or (plain_text(check.raw("unit")) if check.has("unit") else "")
        return quantity, unit, percent

    def _may_report(self, item: dict[str, Any]) -> bool:
        """For a town's or department's import: the item is theirs, as on the report form."""
        reporter = self.plan.reporter
        if reporter is None:
            return True
        return can_report(
            reporter,
            WorkItem(town_id=item["town_id"], owner_department_id=item["owner_department_id"]),
        )

    def _load(self, item_ids: list[int]) -> None:
        wanted = [pk for pk in item_ids if pk not in self.stored]
        for pk in wanted:
            self.stored[pk] = []
        for chunk in id_chunks(wanted):
            for report in reports_in_force(work_item_ids=chunk).select_related("review"):
                self.stored[report.work_item_id].append(report)


def item_reference(check: CellChecker, plan: "Plan", known) -> tuple[Any, Any, Any]:
    """The row's project and item codes and the item they name, each problem at its cell:
    a project neither in this file nor in guatu, an item its project does not have."""
    project = check.cell("project", parse_code, required=True)
    if project is not None and project not in known:
        check.fail("project", _("no project has this code (in this file or in the system)."))
        project = None
    code = check.cell("item", parse_code, required=True)
    item = plan._item_state(project, code) if project and code else None
    if project and code and item is None:
        check.fail(
            "item",
            _("project %(project)s has no work item with this code.") % {"project": project},
        )
    return project, code, item


def _review_of(report: ProgressReport) -> ReportReview | None:
    try:
        return report.review
    except ReportReview.DoesNotExist:
        return None


def _same(report: ProgressReport, figures: ReportFigures, note: str) -> bool:
    """Whether a row says what the stored report says (an export read back changes nothing)."""
    return (
        report.percent_complete == figures.percent
        and report.quantity_done == figures.quantity_done
        and report.note == note
        and report.above_target == figures.above_target
    )
