"""The 卡点 sheet of a whole city's ledger: open blockers are live work and move with the city.

A row is one blocker of a work item, matched by the item, its description
and the day it was opened, so reading the same file twice changes nothing.
A new row opens the blocker; a known one takes the row's department, person,
due date and state. Blockers only go forward, as on their page: an open one
may be marked 已上报 (its unit asks for the next level of coordination), answered
(已反馈) or resolved (with its 解决情况 and 解决日期); a resolved blocker is not
reopened (open a new one).
Only the supervision office imports this sheet (it is a plan sheet).
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from guatu.core.ledger.cells import plain_text
from guatu.core.ledger.workbook import Table
from guatu.ledger.checking import CellChecker
from guatu.ledger.problems import expected
from guatu.ledger.progress_sheet import item_reference
from guatu.ledger.reference import BLOCKER_STATUS_WORDS, ESCALATED_WORD, word_key
from guatu.progress.models import Blocker
from guatu.progress.services import DESCRIPTION_LIMIT

if TYPE_CHECKING:
    from guatu.ledger.plan import Plan
    from guatu.ledger.result import ImportResult

#: The fields a row sets, as the model names them.
BLOCKER_FIELDS = (
    "owner_department_id",
    "responsible_person",
    "due_on",
    "status",
    "escalation_requested",
    "resolution",
    "resolved_on",
)
#: Where a blocker may go from each state.
_FORWARD = {
    Blocker.Status.OPEN: {Blocker.Status.OPEN, Blocker.Status.REPLIED, Blocker.Status.RESOLVED},
    Blocker.Status.REPLIED: {Blocker.Status.REPLIED, Blocker.Status.RESOLVED},
    Blocker.Status.RESOLVED: {Blocker.Status.RESOLVED},
}


@dataclass
class BlockerRow:
    """A checked row: a new blocker (``existing`` None) or a change to a known one."""

    item_key: tuple[str, str]
    description: str
    opened_on: date
    values: dict[str, Any]
    existing: Blocker | None = None


class BlockerSheet:
    """Checks 卡点 tables for one import; keeps the rows to write."""

    def __init__(self, plan: "Plan") -> None:
        self.plan = plan
        self.rows: list[BlockerRow] = []
        self._stored: dict[tuple[str, str, str, date], Blocker] | None = None

    def check(self, table: Table, result: "ImportResult") -> None:
        plan = self.plan
        check = CellChecker(table, plan.problems, plan.year)
        known = plan._projects_of(table)
        stored = self._load()
        seen: dict[tuple[str, str, str, date], int] = {}
        for number, row in table.rows:
            check.start(number, row)
            project, code, item = item_reference(check, plan, known)
            description = check.text("description", max_length=DESCRIPTION_LIMIT, required=True)
            values = self._values(check)
            opened_on = check.date("opened_on", required=True)
            if opened_on and values["due_on"] and values["due_on"] < opened_on:
                check.fail("due_on", _("A blocker cannot be due before it was opened."))
            if not check.ok or item is None or opened_on is None:
                continue
            key = (project, code, description, opened_on)
            if key in seen:
                check.fail(
                    "description",
                    _("this blocker is already in row %(row)d (same item, description and date).")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = number
            label = f"{project}/{code}/{opened_on.isoformat()}"
            existing = stored.get(key)
            if existing is None:
                self.rows.append(BlockerRow((project, code), description, opened_on, values))
                result.blockers.created.append(label)
                continue
            if values["status"] not in _FORWARD[existing.status]:
                check.fail(
                    "status",
                    _("this blocker is %(status)s: it cannot go back (open a new one).")
                    % {"status": existing.get_status_display()},
                )
                continue
            if all(getattr(existing, name) == value for name, value in values.items()):
                result.blockers.unchanged.append(label)
                continue
            self.rows.append(BlockerRow((project, code), description, opened_on, values, existing))
            result.blockers.updated.append(label)

    def _values(self, check: CellChecker) -> dict[str, Any]:
        """The row's department, person, due date and state, each checked at its cell."""
        ref = self.plan.reference
        department = check.text("owner_department", max_length=80, required=True)
        department_id = ref.departments.get(department) if department else None
        if department and department_id is None:
            check.fail("owner_department", expected(ref.department_expected()))
        person = check.text("person", max_length=50, required=True)
        due_on = check.date("due_on", required=True)
        written = plain_text(check.raw("status")) if check.has("status") else ""
        status = BLOCKER_STATUS_WORDS.get(word_key(written))
        if status is None:
            labels = "、".join(str(label) for _value, label in Blocker.Status.choices)
            check.fail("status", expected(labels))
            status = Blocker.Status.OPEN
        requested = status == ESCALATED_WORD
        if requested:
            status = Blocker.Status.OPEN
        resolution = (
            check.text("resolution", max_length=DESCRIPTION_LIMIT)
            if check.has("resolution")
            else ""
        )
        resolved_on = check.date("resolved_on") if check.has("resolved_on") else None
        if status == Blocker.Status.RESOLVED and not (resolution and resolved_on):
            where = "resolution" if not resolution else "resolved_on"
            check.fail(
                where if check.has(where) else "status",
                _("A resolved blocker needs its resolution and date."),
                "",
            )
        return {
            "owner_department_id": department_id,
            "responsible_person": person,
            "due_on": due_on,
            "status": str(status),
            "escalation_requested": requested,
            "resolution": resolution,
            "resolved_on": resolved_on,
        }

    def _load(self) -> dict[tuple[str, str, str, date], Blocker]:
        """The city's blockers by (project, item, description, opened on), read once."""
        if self._stored is None:
            blockers = Blocker.objects.filter(work_item__project__city=self.plan.city)
            self._stored = {
                (b.work_item.project.code, b.work_item.code, b.description, b.opened_on): b
                for b in blockers.select_related("work_item__project")
            }
        return self._stored


__all__ = ["BLOCKER_FIELDS", "BlockerRow", "BlockerSheet"]
