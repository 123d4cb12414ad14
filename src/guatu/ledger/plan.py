"""The checks of a ledger's project and work-item sheets and of its links, before any write.

A ``Plan`` reads every row of the 项目 and 工作事项 sheets, notes each problem
at its cell, and keeps what would be written; the progress sheet is checked
by ``progress_sheet`` against the same plan, and ``writing`` stores it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from guatu.core.errors import UnitError
from guatu.core.geo.shapes import GeoError
from guatu.core.geo.text import KEEP, geometry_from_text
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
from guatu.core.ledger.workbook import Table
from guatu.core.project_code import normalise_project_code
from guatu.core.units import convert, parse_unit
from guatu.errors import translate
from guatu.ledger.checking import CellChecker
from guatu.ledger.problems import Problem, expected
from guatu.ledger.progress_sheet import ProgressSheet
from guatu.ledger.reference import (
    CALENDAR_WORDS,
    CATEGORY_NAMES,
    CATEGORY_WORDS,
    KIND_WORDS,
    LEVEL_NAMES,
    LEVEL_WORDS,
    STAGE_NAMES,
    STAGE_WORDS,
    Reference,
    unit_expected,
    word_key,
)
from guatu.ledger.result import ImportResult
from guatu.org.models import City
from guatu.projects.geometry import city_seat
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.plan_lock import NODE_FIELDS, approved_baselines, locked_message, moved_fields
from guatu.projects.services import MAX_INVESTMENT, project_code_problems

if TYPE_CHECKING:
    from guatu.ledger.blockers_sheet import BlockerSheet

HUNDRED = Decimal(100)
QUANTITY_STEP = Decimal("0.0001")
MONEY_STEP = Decimal("0.01")
PERCENT_STEP = Decimal("0.01")

#: The master data (项目信息), each set only by a sheet that has its column.
MASTER_FIELDS = (
    "project_code",
    "builder",
    "total_investment",
    "level",
    "category",
    "stage",
    "planned_groundbreaking",
    "planned_completion",
    "groundbreaking",
    "main_content",
    "responsible_leader",
    "responsible_town_id",
    "preparation",
    "geometry",
)
PROJECT_FIELDS = (
    "name",
    "programme",
    "owner_department_id",
    "start_date",
    "deadline",
    "calendar",
    "description",
    *MASTER_FIELDS,
)
#: The master data's text columns and their longest text (the model's).
MASTER_TEXTS = {
    "builder": 100,
    "main_content": 5000,
    "responsible_leader": 50,
    "preparation": 200,
}
#: The master data's choice columns: the words read, and how a message lists them.
MASTER_CHOICES = {
    "level": (LEVEL_WORDS, LEVEL_NAMES),
    "category": (CATEGORY_WORDS, CATEGORY_NAMES),
    "stage": (STAGE_WORDS, STAGE_NAMES),
}
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
    "geometry",
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
    "geometry": ("geometry",),
}
#: What a new item gets for a column its sheet does not have: the model's defaults.
ITEM_DEFAULTS = {
    name: WorkItem._meta.get_field(name).get_default() for name in ITEM_FIELDS if name != "name"
}


@dataclass
class ItemRow:
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
class Plan:
    city: City
    reference: Reference
    today: date
    year: int
    problems: list[Problem] = field(default_factory=list)
    #: Project code → (values, existing project or None).
    projects: dict[str, tuple[dict[str, Any], Project | None]] = field(default_factory=dict)
    known_projects: dict[str, Project] = field(default_factory=dict)
    #: (project code, item code) → row.
    items: dict[tuple[str, str], ItemRow] = field(default_factory=dict)
    #: project code → item code → existing item.
    existing_items: dict[str, dict[str, WorkItem]] = field(default_factory=dict)
    existing_links: dict[str, dict[int, set[tuple[int, str, int]]]] = field(default_factory=dict)
    existing_villages: dict[int, frozenset[int]] = field(default_factory=dict)
    #: project code → its latest baseline number, for projects whose plan is approved.
    baselined: dict[str, int] = field(default_factory=dict)
    progress: ProgressSheet | None = None
    blockers: "BlockerSheet | None" = None
    _codes_by_pk: dict[str, dict[int, str]] = field(default_factory=dict)
    #: A town's or department's official importing progress (None: the supervision office).
    reporter: Any = None
    #: The city's seat, worked out on the first place read (a 1-tuple: None is an answer).
    _seat: tuple[tuple[float, float] | None] | None = None

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
            self._check_master(check, values)
            if code is not None:
                if code in seen:
                    check.fail(
                        "code",
                        _("the project code already appears in row %(row)d.") % {"row": seen[code]},
                    )
                seen[code] = number
            if check.ok:
                rows.append((number, code, values, row))
        # Codes are unique within a city: another city's project of the same code is not this one.
        existing = {
            project.code: project
            for project in Project.objects.filter(
                city=self.city, code__in=[code for _n, code, _v, _r in rows]
            )
        }
        approved = approved_baselines([project.pk for project in existing.values()])
        self._check_master_rows(table, rows, existing)
        for number, code, values, row in rows:
            project = existing.get(code)
            if project is not None and project.pk in approved:
                # An approved plan's target, start and calendar move by 节点调整 only.
                for name in ("start_date", "deadline", "calendar"):
                    if name in values and values[name] != getattr(project, name):
                        check.start(number, row)
                        check.fail(name, locked_message(approved[project.pk]))
            self.projects[code] = (values, project)
            if project is None:
                result.projects.created.append(code)
            elif any(getattr(project, key) != value for key, value in values.items()):
                result.projects.updated.append(code)
            else:
                result.projects.unchanged.append(code)

    def _check_master(self, check: CellChecker, values: dict[str, Any]) -> None:
        """The row's master data (项目信息), for the columns the sheet has: the 项目代码 by
        the service's rule (``project_code_problems``: shape, each part, the city's
        division, no year after this one), the 总投资 within its column, the choices by
        their names, the responsible town by a name of the city's."""
        if check.has("project_code"):
            code = normalise_project_code(check.text("project_code", max_length=60))
            values["project_code"] = code
            if code:
                for message in project_code_problems(
                    city=self.city, code=code, year=self.year, unique=False
                ):
                    check.fail("project_code", message)
        for name, limit in MASTER_TEXTS.items():
            if check.has(name):
                values[name] = check.text(name, max_length=limit)
        if check.has("total_investment"):
            amount = check.cell("total_investment", parse_amount)
            if amount is not None and not 0 <= amount <= MAX_INVESTMENT:
                check.fail(
                    "total_investment",
                    expected(
                        _("an amount in 万元 between 0 and %(high)s") % {"high": MAX_INVESTMENT}
                    ),
                )
                amount = None
            values["total_investment"] = (
                None if amount is None else amount.quantize(MONEY_STEP, ROUND_HALF_EVEN)
            )
        for name, (words, names) in MASTER_CHOICES.items():
            if check.has(name):
                word = word_key(plain_text(check.raw(name)))
                if word in words:
                    values[name] = words[word]
                else:
                    check.fail(name, expected("、".join(names.values())))
        for name in ("planned_groundbreaking", "planned_completion", "groundbreaking"):
            if check.has(name):
                values[name] = check.date(name)
        if check.has("geometry"):
            self._geometry(check, values)
        if check.has("responsible_town"):
            town = plain_text(check.raw("responsible_town"))
            values["responsible_town_id"] = self.reference.towns.get(town) if town else None
            if town and values["responsible_town_id"] is None:
                check.fail("responsible_town", expected(self.reference.town_expected()))

    def _check_master_rows(self, table: Table, rows: list, existing: dict[str, Project]) -> None:
        """What a row's master data may not be beside the others: a 项目代码 another row
        or another project of the city has, a completion planned before the start of
        works (the row's dates, else the stored ones)."""
        check = CellChecker(table, self.problems, self.year)
        given = [
            values["project_code"] for _n, _c, values, _r in rows if values.get("project_code")
        ]
        held = dict(
            Project.objects.filter(city=self.city, project_code__in=given).values_list(
                "project_code", "code"
            )
        )
        seen: dict[str, int] = {}
        for number, code, values, row in rows:
            check.start(number, row)
            national = values.get("project_code")
            if national:
                if national in seen:
                    check.fail(
                        "project_code",
                        _("this 项目代码 already appears in row %(row)d.")
                        % {"row": seen[national]},
                    )
                elif held.get(national, code) != code:
                    check.fail(
                        "project_code",
                        _("the project %(code)s already has this 项目代码.")
                        % {"code": held[national]},
                    )
                seen[national] = number
            project = existing.get(code)

            def merged(name: str, values=values, project=project):
                return values[name] if name in values else getattr(project, name, None)

            start, finish = merged("planned_groundbreaking"), merged("planned_completion")
            if start and finish and finish < start:
                check.fail(
                    "planned_completion"
                    if "planned_completion" in values
                    else "planned_groundbreaking",
                    _(
                        "the planned completion %(finish)s is before the planned start of works "
                        "%(start)s."
                    )
                    % {"finish": finish.isoformat(), "start": start.isoformat()},
                )

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

    def _project_deadline(self, code: str) -> date | None:
        """The project's target date as it will be (the file's row, else the stored one)."""
        if code in self.projects:
            values, project = self.projects[code]
            if "deadline" in values:
                return values["deadline"]
            return project.deadline if project else None
        project = self._project(code)
        return project.deadline if project else None

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
        # Explicitly this city's: outside a request (commands, services) nothing is scoped.
        mine = {"project__city": self.city, "project__code__in": wanted}
        pks = dict(
            Project.objects.filter(city=self.city, code__in=wanted).values_list("pk", "code")
        )
        for pk, number in approved_baselines(pks).items():
            self.baselined[pks[pk]] = number
        by_pk: dict[int, tuple[str, WorkItem]] = {}
        for item in WorkItem.objects.filter(**mine).select_related("project"):
            self.existing_items[item.project.code][item.code] = item
            by_pk[item.pk] = (item.project.code, item)
        if not by_pk:
            return
        for pred, succ, kind, lag in Dependency.objects.filter(
            successor__project__city=self.city, successor__project__code__in=wanted
        ).values_list("predecessor_id", "successor_id", "type", "lag_days"):
            self.existing_links[by_pk[succ][0]][succ].add((pred, kind, lag))
        villages: dict[int, set[int]] = defaultdict(set)
        through = WorkItem.villages.through
        for item_id, village_id in through.objects.filter(
            workitem__project__city=self.city, workitem__project__code__in=wanted
        ).values_list("workitem_id", "village_id"):
            villages[item_id].add(village_id)
        for pk in by_pk:
            self.existing_villages[pk] = frozenset(villages.get(pk, ()))

    # --- work items ----------------------------------------------------

    def check_items(self, table: Table, result: ImportResult) -> None:
        """Check the 工作事项 sheet row by row into ``items``, each problem at its cell."""
        check = CellChecker(table, self.problems, self.year)
        known = self._projects_of(table)
        has_villages = check.has("villages")
        has_links = check.has("predecessors")
        columns = [key for key in ITEM_COLUMNS if check.has(key)]
        given = {name for key in columns for name in ITEM_COLUMNS[key]} | {"name"}
        for number, row in table.rows:
            check.start(number, row)
            project, code = self._check_item_key(check, known)
            values = self._item_values(check)
            villages = None
            if has_villages:
                villages = self._check_villages(check, values, project, code)
            links = _item_links(check) if has_links else None
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
            merged = self._check_item_merged(check, project, existing, values)
            if not check.ok:
                continue
            self.items[key] = ItemRow(
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

    def _check_item_key(self, check: CellChecker, known: set[str]) -> tuple[str | None, str | None]:
        """The row's project (one the file or guatu has) and item code."""
        project = check.cell("project", parse_code, required=True)
        if project is not None and project not in known:
            check.fail("project", _("no project has this code (in this file or in the system)."))
        code = check.cell("code", parse_code, required=True)
        if code is not None and len(code) > 40:
            check.fail("code", _("at most %(count)d characters.") % {"count": 40})
        return project, code

    def _item_values(self, check: CellChecker) -> dict[str, Any]:
        """The item's fields from the row's columns, for the columns the sheet has."""
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
        self._check_references(check, values)
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
        if check.has("geometry"):
            self._geometry(check, values)
        return values

    def _geometry(self, check: CellChecker, values: dict[str, Any]) -> None:
        """The row's place on the map (WKT or "longitude, latitude"), checked by ``core.geo``
        near the city; a problem is noted at the cell."""
        if self._seat is None:
            self._seat = (city_seat(self.city),)
        try:
            found = geometry_from_text(
                plain_text(check.raw("geometry")), seat=self._seat[0], keep=True
            )
        except GeoError as error:
            check.fail("geometry", translate(error))
            return
        if found is not KEEP:  # a place too long for a cell stays as stored
            values["geometry"] = found

    def _check_references(self, check: CellChecker, values: dict[str, Any]) -> None:
        """The phase, 镇街区 and owner department, each by a name guatu knows."""
        ref = self.reference
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
            values["owner_department_id"] = ref.departments.get(department) if department else None
            if department and values["owner_department_id"] is None:
                check.fail("owner_department", expected(ref.department_expected()))

    def _check_item_merged(
        self, check: CellChecker, project: str, existing: WorkItem | None, values: dict[str, Any]
    ) -> dict[str, Any]:
        """The item as it will be: the defaults, then its stored fields, then the row's.

        Checked against the model's rules and, on an approved plan, against moving
        its nodes (only a 节点调整 may).
        """
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
        target = self._project_deadline(project)
        if merged.get("deadline") and target and merged["deadline"] > target:
            check.fail(
                "deadline",
                _("the time node is later than the project's target date %(target)s.")
                % {"target": target.isoformat()},
            )
        if existing is not None and project in self.baselined:
            stored = {name: getattr(existing, name) for name in NODE_FIELDS}
            for name in moved_fields(stored, values):
                column = "duration" if name == "duration_days" else name
                check.fail(column, locked_message(self.baselined[project]))
        return merged

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
                        # 3万平方米 under a unit column of 万平方米 (the number
                        # parser reads 万 as a scale): the same area, converted
                        # exactly; 3户 under 亩 is refused.
                        try:
                            quantity = convert(quantity, cell_unit, unit)
                        except UnitError:
                            check.fail(
                                "quantity",
                                _("the unit in the cell differs from the unit column (%(unit)s).")
                                % {"unit": unit_text},
                            )
                            return
                    else:
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


def _code(value: Any) -> str:
    try:
        return parse_code(value)
    except CellError:
        return ""


def _item_links(check: CellChecker) -> list[tuple[str, str, int]] | None:
    """The row's predecessors: none for an empty cell, None for one that could not be read."""
    links = check.cell("predecessors", parse_links)
    if links is None:
        links = [] if check.raw("predecessors") is None else None
    return links


def _split_names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", "、").replace(",", "、").split("、")]
