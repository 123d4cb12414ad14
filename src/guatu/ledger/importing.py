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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from guatu.access import is_supervisor, reports_own_items, require
from guatu.audit.services import audit_record
from guatu.common.bulk import rows_insert
from guatu.core.errors import CoreError, CycleError, UnitError
from guatu.core.ledger.cells import (
    CellError,
    parse_amount,
    parse_bool,
    parse_code,
    parse_links,
    parse_number,
    parse_quantity,
    plain_text,
)
from guatu.core.ledger.columns import ITEMS, PROGRESS, PROJECTS
from guatu.core.ledger.workbook import Table, read_ledger
from guatu.core.network import check_acyclic
from guatu.core.units import parse_unit
from guatu.errors import translate
from guatu.ledger.checking import MAX_PROBLEMS, CellChecker, TooManyProblems
from guatu.ledger.problems import Problem, expected
from guatu.ledger.progress_sheet import ProgressSheet
from guatu.ledger.reference import (
    CALENDAR_WORDS,
    KIND_WORDS,
    Reference,
    unit_expected,
)
from guatu.org.clock import city_today
from guatu.org.models import City
from guatu.org.selectors import default_city
from guatu.progress.models import ProgressReport
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.scheduling import schedule_recalculate

HUNDRED = Decimal(100)
QUANTITY_STEP = Decimal("0.0001")
MONEY_STEP = Decimal("0.01")
PERCENT_STEP = Decimal("0.01")

PROJECT_FIELDS = (
    "name",
    "programme",
    "owner_department_id",
    "start_date",
    "deadline",
    "calendar",
    "description",
)
ITEM_FIELDS = (
    "name",
    "kind",
    "joint",
    "phase_id",
    "town_id",
    "owner_department_id",
    "quantity_target",
    "unit",
    "planned_value",
    "duration_days",
    "planned_start",
    "deadline",
    "fixed",
)
#: Item fields by the column that sets them.
ITEM_COLUMNS = {
    "name": ("name",),
    "kind": ("kind",),
    "joint": ("joint",),
    "phase": ("phase_id",),
    "town": ("town_id",),
    "owner_department": ("owner_department_id",),
    "quantity": ("quantity_target",),
    "unit": ("unit",),
    "planned_value": ("planned_value",),
    "duration": ("duration_days",),
    "planned_start": ("planned_start",),
    "deadline": ("deadline",),
    "fixed": ("fixed",),
}
#: What a new item gets for a column its sheet does not have: the model's defaults.
ITEM_DEFAULTS = {
    name: WorkItem._meta.get_field(name).get_default() for name in ITEM_FIELDS if name != "name"
}


@dataclass
class Changes:
    """How many rows of a kind would be (or were) created, updated, left as they were."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


@dataclass
class ImportResult:
    """What an import found and did. If ``problems`` is not empty, nothing was written."""

    file: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    projects: Changes = field(default_factory=Changes)
    items: Changes = field(default_factory=Changes)
    progress: Changes = field(default_factory=Changes)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    rescheduled: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "written": self.written,
            "problems": [str(problem) for problem in self.problems],
            "projects": self.projects.counts,
            "items": self.items.counts,
            "progress": self.progress.counts,
            "notes": self.notes,
        }


def ledger_import(
    *,
    source: str | Path | IO[bytes],
    actor,
    name: str | None = None,
    dry_run: bool = False,
    city: City | None = None,
    today: date | None = None,
) -> ImportResult:
    """Check the ledger in *source* and, unless *dry_run* or a problem is found, write it.

    The supervision office imports whole ledgers. A town's or a department's
    officials import progress sheets for the items they may report on (their
    town's, or the ones their department owns), as on the report form; any
    other sheet or item is a problem at its cell. Anyone else gets
    ``PermissionDenied``.
    """
    city = city or default_city()
    supervisor = is_supervisor(actor)
    require(supervisor or reports_own_items(actor), user=actor, action="ledger_import", target=city)
    reporter = not supervisor
    file_name = name or (Path(source).name if isinstance(source, str | Path) else "upload")
    result = ImportResult(file=file_name, dry_run=dry_run)
    try:
        book = read_ledger(source, name=file_name)
    except CoreError as error:
        result.problems.append(Problem(file_name, None, None, "", translate(error)))
        return result
    for sheet in book.hidden_sheets:
        result.notes.append(_("Hidden sheet “%(sheet)s” was not read.") % {"sheet": sheet})
    for sheet in book.unknown_sheets:
        result.notes.append(
            _("Sheet “%(sheet)s” has no ledger headers and was not read.") % {"sheet": sheet}
        )
    today = today or city_today(city)
    plan = _Plan(city=city, reference=Reference.load(city), today=today, year=today.year)
    if reporter:
        plan.reporter = actor
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
        if plan.problems:
            result.problems = plan.problems
            return result
    try:
        for spec, check in ((PROJECTS, plan.check_projects), (ITEMS, plan.check_items)):
            for table in book.tables:
                if table.spec is spec:
                    check(table, result)
        plan.check_links(result)
        plan.progress = ProgressSheet(plan)
        for table in book.tables:
            if table.spec is PROGRESS:
                plan.progress.check(table, result)
    except TooManyProblems:
        result.notes.append(
            _("Checking stopped after %(count)d problems.") % {"count": MAX_PROBLEMS}
        )
    result.problems = plan.problems
    if result.problems or dry_run:
        return result
    with transaction.atomic():
        plan.write(actor, result)
        audit_record(
            user=actor,
            action="ledger_import",
            target=city,
            detail={
                "file": file_name,
                "projects": result.projects.counts,
                "items": result.items.counts,
                "progress": result.progress.counts,
            },
        )
    result.written = True
    return result


@dataclass
class _ItemRow:
    sheet: str
    number: int
    project: str
    code: str
    values: dict[str, Any]
    villages: frozenset[int] | None
    links: list[tuple[str, str, int]] | None
    existing: WorkItem | None = None
    new: bool = False


@dataclass
class _Plan:
    city: City
    reference: Reference
    today: date
    year: int
    problems: list[Problem] = field(default_factory=list)
    #: Project code → (values, existing project or None).
    projects: dict[str, tuple[dict[str, Any], Project | None]] = field(default_factory=dict)
    known_projects: dict[str, Project] = field(default_factory=dict)
    #: (project code, item code) → row.
    items: dict[tuple[str, str], _ItemRow] = field(default_factory=dict)
    #: project code → item code → existing item.
    existing_items: dict[str, dict[str, WorkItem]] = field(default_factory=dict)
    existing_links: dict[str, dict[int, set[tuple[int, str, int]]]] = field(default_factory=dict)
    existing_villages: dict[int, frozenset[int]] = field(default_factory=dict)
    progress: ProgressSheet | None = None
    _codes_by_pk: dict[str, dict[int, str]] = field(default_factory=dict)
    #: A town's or department's official importing progress (None: the supervision office).
    reporter: Any = None

    # --- projects ------------------------------------------------------

    def check_projects(self, table: Table, result: ImportResult) -> None:
        ref = self.reference
        check = CellChecker(table, self.problems, self.year)
        rows: list[tuple[int, str, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for number, row in table.rows:
            check.start(number, row)
            code = check.cell("code", parse_code, required=True)
            values: dict[str, Any] = {}
            if check.has("name"):
                values["name"] = check.text("name", max_length=100, required=True)
            if check.has("programme"):
                values["programme"] = check.text("programme", max_length=50)
            if check.has("description"):
                values["description"] = check.text("description", max_length=5000)
            department = check.text("owner_department", max_length=80, required=True)
            if department:
                if department in ref.departments:
                    values["owner_department_id"] = ref.departments[department]
                else:
                    check.fail("owner_department", expected(ref.department_expected()))
            start = check.date("start_date", required=True)
            values["start_date"] = start
            if check.has("deadline"):
                values["deadline"] = check.date("deadline")
                if start and values["deadline"] and values["deadline"] < start:
                    check.fail("deadline", _("the target date is before the start date."))
            if check.has("calendar"):
                word = plain_text(check.raw("calendar"))
                if word in CALENDAR_WORDS:
                    values["calendar"] = CALENDAR_WORDS[word]
                else:
                    check.fail("calendar", expected(_("日历天, 工作日 or 周一至周五")))
            if code is not None:
                if code in seen:
                    check.fail(
                        "code",
                        _("the project code already appears in row %(row)d.") % {"row": seen[code]},
                    )
                seen[code] = number
            if check.ok:
                rows.append((number, code, values))
        existing = {
            project.code: project
            for project in Project.objects.filter(code__in=[code for _n, code, _v in rows])
        }
        for number, code, values in rows:
            project = existing.get(code)
            if project is not None and project.city_id != self.city.pk:
                self.problems.append(
                    Problem(
                        table.sheet,
                        number,
                        table.place("code"),
                        code,
                        _("this code belongs to a project of another city."),
                    )
                )
                continue
            self.projects[code] = (values, project)
            if project is None:
                result.projects.created.append(code)
            elif any(getattr(project, key) != value for key, value in values.items()):
                result.projects.updated.append(code)
            else:
                result.projects.unchanged.append(code)

    def _project(self, code: str) -> Project | bool | None:
        """Return the stored project *code*, None if only the file has it, False if unknown."""
        if code in self.projects:
            return self.projects[code][1]
        if code not in self.known_projects:
            project = Project.objects.filter(code=code, city=self.city).first()
            if project is None:
                return False
            self.known_projects[code] = project
        return self.known_projects[code]

    def _project_start(self, code: str) -> date | None:
        if code in self.projects:
            values, project = self.projects[code]
            return values.get("start_date") or (project.start_date if project else None)
        project = self._project(code)
        return project.start_date if project else None

    def _projects_of(self, table: Table) -> set[str]:
        """The existing project codes *table* names (file or database); loads their items."""
        codes = {_code(table.value(row, "project")) for _n, row in table.rows}
        known = {code for code in codes if code and self._project(code) is not False}
        self._load_items({code for code in known if self._project(code)})
        return known

    def _load_items(self, codes: set[str]) -> None:
        """Fetch the stored items, links and villages of the projects *codes* (once each)."""
        wanted = [code for code in codes if code not in self.existing_items]
        if not wanted:
            return
        for code in wanted:
            self.existing_items[code] = {}
            self.existing_links[code] = defaultdict(set)
        by_pk: dict[int, tuple[str, WorkItem]] = {}
        for item in WorkItem.objects.filter(project__code__in=wanted).select_related("project"):
            self.existing_items[item.project.code][item.code] = item
            by_pk[item.pk] = (item.project.code, item)
        if not by_pk:
            return
        for pred, succ, kind, lag in Dependency.objects.filter(
            successor__project__code__in=wanted
        ).values_list("predecessor_id", "successor_id", "type", "lag_days"):
            self.existing_links[by_pk[succ][0]][succ].add((pred, kind, lag))
        villages: dict[int, set[int]] = defaultdict(set)
        through = WorkItem.villages.through
        for item_id, village_id in through.objects.filter(
            workitem__project__code__in=wanted
        ).values_list("workitem_id", "village_id"):
            villages[item_id].add(village_id)
        for pk in by_pk:
            self.existing_villages[pk] = frozenset(villages.get(pk, ()))

    # --- work items ----------------------------------------------------

    def check_items(self, table: Table, result: ImportResult) -> None:
        ref = self.reference
        check = CellChecker(table, self.problems, self.year)
        known = self._projects_of(table)
        has_villages = check.has("villages")
        has_links = check.has("predecessors")
        columns = [key for key in ITEM_COLUMNS if check.has(key)]
        for number, row in table.rows:
            check.start(number, row)
            project = check.cell("project", parse_code, required=True)
            if project is not None and project not in known:
                check.fail("project", _("no project has this code (in this file or in guatu)."))
            code = check.cell("code", parse_code, required=True)
            if code is not None and len(code) > 40:
                check.fail("code", _("at most %(count)d characters.") % {"count": 40})
            values: dict[str, Any] = {}
            values["name"] = check.text("name", max_length=120, required=True)
            if check.has("kind"):
                word = plain_text(check.raw("kind")).lower()
                if word in KIND_WORDS:
                    values["kind"] = KIND_WORDS[word]
                else:
                    check.fail("kind", expected(_("工作事项 or 时间节点")))
            if check.has("joint"):
                values["joint"] = bool(check.cell("joint", parse_bool))
            if check.has("phase"):
                phase = plain_text(check.raw("phase"))
                values["phase_id"] = ref.phases.get(phase) if phase else None
                if phase and values["phase_id"] is None:
                    check.fail("phase", expected(ref.phase_expected()))
            if check.has("town"):
                town = plain_text(check.raw("town"))
                values["town_id"] = ref.towns.get(town) if town else None
                if town and values["town_id"] is None:
                    check.fail("town", expected(ref.town_expected()))
            if check.has("owner_department"):
                department = plain_text(check.raw("owner_department"))
                values["owner_department_id"] = (
                    ref.departments.get(department) if department else None
                )
                if department and values["owner_department_id"] is None:
                    check.fail("owner_department", expected(ref.department_expected()))
            self._check_quantity(check, values)
            if check.has("planned_value"):
                amount = check.cell("planned_value", parse_amount)
                if amount is not None and amount < 0:
                    check.fail("planned_value", _("an amount cannot be negative."))
                values["planned_value"] = (
                    None if amount is None else amount.quantize(MONEY_STEP, ROUND_HALF_EVEN)
                )
            if check.has("duration"):
                duration = check.cell("duration", parse_number)
                if duration is not None and (duration < 0 or duration != int(duration)):
                    check.fail("duration", expected(_("a whole number of days, 0 or more")))
                values["duration_days"] = int(duration) if duration is not None else 0
            if check.has("planned_start"):
                values["planned_start"] = check.date("planned_start")
            if check.has("deadline"):
                values["deadline"] = check.date("deadline")
            if check.has("fixed"):
                values["fixed"] = bool(check.cell("fixed", parse_bool))
            villages = None
            if has_villages:
                villages = self._check_villages(check, values, project, code)
            links = check.cell("predecessors", parse_links) if has_links else None
            if has_links and links is None:
                links = [] if check.raw("predecessors") is None else None
            key = (project, code)
            if project is not None and code is not None and key in self.items:
                check.fail(
                    "code",
                    _("this work item already appears in row %(row)d.")
                    % {"row": self.items[key].number},
                )
            if not check.ok:
                continue
            existing = self.existing_items.get(project, {}).get(code)
            merged = {
                **ITEM_DEFAULTS,
                **(
                    {name: getattr(existing, name) for name in ITEM_FIELDS}
                    if existing is not None
                    else {}
                ),
                **values,
            }
            self._check_item_rules(check, merged)
            if not check.ok:
                continue
            given = {name for key in columns for name in ITEM_COLUMNS[key]} | {"name"}
            self.items[key] = _ItemRow(
                table.sheet,
                number,
                project,
                code,
                {name: merged[name] for name in ITEM_FIELDS if name in given or existing is None},
                villages,
                links,
                existing,
                new=existing is None,
            )

    def _check_quantity(self, check: CellChecker, values: dict[str, Any]) -> None:
        if not (check.has("quantity") or check.has("unit")):
            return
        unit_text = plain_text(check.raw("unit")) if check.has("unit") else ""
        unit = ""
        if unit_text:
            try:
                unit = parse_unit(unit_text).code
            except UnitError:
                check.fail("unit", expected(unit_expected()))
                return
        quantity = None
        if check.has("quantity"):
            parsed = check.cell("quantity", parse_quantity)
            if parsed is not None:
                quantity, written_unit = parsed
                if written_unit:
                    try:
                        cell_unit = parse_unit(written_unit).code
                    except UnitError:
                        check.fail("quantity", expected(unit_expected()))
                        return
                    if unit and cell_unit != unit:
                        check.fail(
                            "quantity",
                            _("the unit in the cell differs from the unit column (%(unit)s).")
                            % {"unit": unit_text},
                        )
                        return
                    unit = cell_unit
                if quantity <= 0:
                    check.fail("quantity", _("the target quantity must be greater than zero."))
                    return
                quantity = quantity.quantize(QUANTITY_STEP, ROUND_HALF_EVEN)
        if check.has("quantity"):
            values["quantity_target"] = quantity
        values["unit"] = unit
        if quantity is not None and not unit:
            check.fail("unit", _("a target quantity needs its unit."), "")
        elif check.has("quantity") and quantity is None and unit and check.raw("quantity") is None:
            check.fail("quantity", _("a unit needs a target quantity."), "")

    def _check_villages(self, check: CellChecker, values, project, code) -> frozenset[int] | None:
        text = plain_text(check.raw("villages"))
        if not text:
            return frozenset()
        town_id = values.get("town_id")
        if town_id is None and not check.has("town"):
            existing = self.existing_items.get(project, {}).get(code)
            town_id = existing.town_id if existing else None
        names = [name for name in _split_names(text) if name]
        found = [self.reference.villages.get((town_id, name)) for name in names]
        if town_id is None or None in found:
            check.fail("villages", expected(self.reference.village_expected(town_id)))
            return None
        return frozenset(found)

    def _check_item_rules(self, check: CellChecker, values: dict[str, Any]) -> None:
        """The model's own rules, checked here so that each is reported at its cell."""
        milestone = values["kind"] == WorkItem.Kind.MILESTONE
        if milestone and values["duration_days"]:
            check.fail("duration", _("a time node (milestone) has no duration."))
        if values["joint"] and not milestone:
            check.fail("joint", _("only a time node (milestone) can be a joint delivery."))
        if values["fixed"] and values["planned_start"] is None:
            check.fail("fixed", _("a fixed work item needs its planned start."))
        if values["quantity_target"] is not None and not values["unit"]:
            check.fail("unit", _("a target quantity needs its unit."), "")

    # --- links ---------------------------------------------------------

    def check_links(self, result: ImportResult) -> None:
        """Resolve each row's predecessors; refuse unknown codes, cycles and thin joint nodes."""
        by_project: dict[str, list[_ItemRow]] = defaultdict(list)
        for row in self.items.values():
            by_project[row.project].append(row)
        for project, rows in by_project.items():
            stored = self.existing_items.get(project, {})
            in_file = {row.code for row in rows}
            codes = in_file | set(stored)
            code_of = {item.pk: code for code, item in stored.items()}
            network: dict[str, set[str]] = {}
            for code, item in stored.items():
                if code not in in_file or self.items[(project, code)].links is None:
                    network[code] = {
                        code_of[pred] for pred, _k, _l in self.existing_links[project][item.pk]
                    }
            bad = False
            for row in rows:
                if row.links is None:
                    continue
                preds: set[str] = set()
                for pred, _kind, _lag in row.links:
                    problem = None
                    if pred not in codes:
                        problem = _("no work item %(code)s in project %(project)s.")
                    elif pred == row.code:
                        problem = _("a work item cannot depend on itself (%(code)s).")
                    elif pred in preds:
                        problem = _("%(code)s is listed twice.")
                    if problem:
                        bad = True
                        self._row_problem(
                            row,
                            ITEMS,
                            "predecessors",
                            problem
                            % {
                                "code": pred,
                                "project": project,
                            },
                        )
                    preds.add(pred)
                network[row.code] = preds
            if bad:
                continue
            pairs = [(pred, succ) for succ, preds in network.items() for pred in preds]
            try:
                check_acyclic(pairs, name=lambda code: code)
            except CycleError as error:
                first = next(
                    (self.items[(project, c)] for c in error.cycle if (project, c) in self.items),
                    rows[0],
                )
                self._row_problem(
                    first,
                    ITEMS,
                    "predecessors",
                    _("the links form a cycle: %(cycle)s.") % {"cycle": " → ".join(error.cycle)},
                )
                continue
            for row in rows:
                values = row.values
                joint = values.get("joint", row.existing.joint if row.existing else False)
                if joint and len(network.get(row.code, ())) < 2:
                    self._row_problem(
                        row,
                        ITEMS,
                        "predecessors",
                        _("a joint delivery needs at least two predecessors (its branches)."),
                    )
        self._classify_items(result)

    def _row_problem(self, row, spec, key: str, message: str) -> None:
        table_columns = {column.key: column for column in spec.columns}
        column = table_columns[key].header if key in table_columns else None
        self.problems.append(Problem(row.sheet, row.number, column, "", message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems

    def _classify_items(self, result: ImportResult) -> None:
        for (project, code), row in self.items.items():
            label = f"{project}/{code}"
            item = row.existing
            if item is None:
                result.items.created.append(label)
                continue
            changed = any(getattr(item, name) != value for name, value in row.values.items())
            if row.villages is not None and row.villages != self.existing_villages.get(item.pk):
                changed = True
            if row.links is not None and self._links_changed(row):
                changed = True
            (result.items.updated if changed else result.items.unchanged).append(label)

    def _links_changed(self, row: _ItemRow) -> bool:
        code_of = self._codes_by_pk.get(row.project)
        if code_of is None:
            stored = self.existing_items[row.project]
            code_of = self._codes_by_pk[row.project] = {
                item.pk: code for code, item in stored.items()
            }
        before = {
            (code_of[pred], kind, lag)
            for pred, kind, lag in self.existing_links[row.project][row.existing.pk]
        }
        return before != set(row.links)

    # --- progress (rows judged in progress_sheet) ----------------------

    def _item_state(self, project: str, code: str) -> dict[str, Any] | None:
        """The item's fields as they will be after the import (file over database)."""
        row = self.items.get((project, code))
        stored = self.existing_items.get(project, {}).get(code)
        if row is None and stored is None:
            return None
        state = {name: getattr(stored, name) for name in ITEM_FIELDS} if stored else {}
        if row is not None:
            state.update(row.values)
        state["pk"] = stored.pk if stored else None
        return state

    # --- writing -------------------------------------------------------

    def _fetch_new_items(self, project_ids: set[int], projects: dict[str, Project]) -> None:
        """Attach the items just inserted to their rows (the insert returns no ids)."""
        code_of = {project.pk: code for code, project in projects.items()}
        for item in WorkItem.objects.filter(project_id__in=project_ids).only(
            "pk", "project_id", "code", "joint"
        ):
            row = self.items.get((code_of[item.project_id], item.code))
            if row is not None and row.new:
                row.existing = item

    def write(self, actor, result: ImportResult) -> None:
        """Write the checked plan; called inside one transaction."""
        touched: set[str] = set()
        projects: dict[str, Project] = dict(self.known_projects)
        new_projects, changed_projects = [], []
        for code, (values, project) in self.projects.items():
            if project is None:
                project = Project(city=self.city, code=code, **values)
                new_projects.append(project)
                touched.add(code)
            elif any(getattr(project, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(project, key, value)
                changed_projects.append(project)
                touched.add(code)
            projects[code] = project
        Project.objects.bulk_create(new_projects)
        if changed_projects:
            Project.objects.bulk_update(changed_projects, list(PROJECT_FIELDS))
        for code in {row.project for row in self.items.values()} - projects.keys():
            projects[code] = self._project(code)

        next_order = dict(
            WorkItem.objects.filter(project__in=[p.pk for p in projects.values()])
            .values("project__code")
            .annotate(top=Max("order"))
            .values_list("project__code", "top")
        )
        new_rows, changed_items, changed_fields = [], [], set()
        for row in self.items.values():
            project = projects[row.project]
            if row.existing is None:
                order = next_order.get(row.project) or 0
                next_order[row.project] = order + 1
                new_rows.append(
                    {"project_id": project.pk, "code": row.code, "order": order + 1, **row.values}
                )
                touched.add(row.project)
                continue
            item = row.existing
            diff = {name for name, value in row.values.items() if getattr(item, name) != value}
            if diff:
                for name in diff:
                    setattr(item, name, row.values[name])
                changed_items.append(item)
                changed_fields |= diff
                touched.add(row.project)
        rows_insert(WorkItem, new_rows)
        if new_rows:
            self._fetch_new_items({row["project_id"] for row in new_rows}, projects)
        if changed_items:
            WorkItem.objects.bulk_update(changed_items, sorted(changed_fields), batch_size=1000)

        through = WorkItem.villages.through
        village_rows = [row for row in self.items.values() if row.villages is not None]
        stale = [
            row.existing.pk
            for row in village_rows
            if self.existing_villages.get(row.existing.pk, frozenset()) != row.villages
        ]
        if stale:
            stale_set = set(stale)
            for chunk in _chunks(stale):
                through.objects.filter(workitem_id__in=chunk).delete()
            through.objects.bulk_create(
                [
                    through(workitem_id=row.existing.pk, village_id=village)
                    for row in village_rows
                    if row.existing.pk in stale_set
                    for village in sorted(row.villages)
                ],
                batch_size=5000,
            )

        link_rows = [
            row
            for row in self.items.values()
            if row.links is not None and (row.new or self._links_changed(row))
        ]
        if link_rows:
            pk_of = {
                (project, code): item.pk
                for project, items in self.existing_items.items()
                for code, item in items.items()
            }
            pk_of.update({key: row.existing.pk for key, row in self.items.items()})
            for chunk in _chunks([row.existing.pk for row in link_rows]):
                Dependency.objects.filter(successor_id__in=chunk).delete()
            Dependency.objects.bulk_create(
                [
                    Dependency(
                        predecessor_id=pk_of[(row.project, pred)],
                        successor_id=row.existing.pk,
                        type=kind,
                        lag_days=lag,
                    )
                    for row in link_rows
                    for pred, kind, lag in row.links
                ],
                batch_size=5000,
            )
            touched |= {row.project for row in link_rows}

        rows = self.progress.rows if self.progress else []
        if rows:
            item_pk = {key: row.existing.pk for key, row in self.items.items()}
            for project, items in self.existing_items.items():
                for code, item in items.items():
                    item_pk.setdefault((project, code), item.pk)
            ProgressReport.objects.bulk_create(
                [
                    ProgressReport(
                        work_item_id=item_pk[report.item_key],
                        reported_on=report.reported_on,
                        quantity_done=report.figures.quantity_done,
                        quantity_entered=report.figures.quantity_entered,
                        unit_entered=report.figures.unit_entered,
                        percent_complete=report.figures.percent,
                        note=report.note,
                        above_target=report.figures.above_target,
                        reported_by=actor,
                        supersedes=report.supersedes,
                        correction_reason=report.correction_reason if report.supersedes else "",
                    )
                    for report in rows
                ],
                batch_size=2000,
            )
        for code in sorted(touched):
            schedule_recalculate(project=projects[code])
            result.rescheduled.append(code)


def _code(value: Any) -> str:
    try:
        return parse_code(value)
    except CellError:
        return ""


def _split_names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", "、").replace(",", "、").split("、")]


def _chunks(values: list[int], size: int = 900) -> list[list[int]]:
    """Split id lists so that ``IN (…)`` stays under SQLite's variable limit."""
    return [values[i : i + size] for i in range(0, len(values), size)]
