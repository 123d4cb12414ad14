"""Write the ledger: the empty template, or the same template filled with the data.

One layout for both, so that an export can be edited and imported back: a
title row naming the city and the year (imports take the year from it for
dates written without one), the header row, frozen, then the rows. Lists for
towns, phases, units, kinds and 是/否 come from a hidden sheet 选项 and are
offered as drop-downs (data validation). Computed columns (lights, the
倒排 late dates) are grey: they are written, never read back. The sheets are
written by ``guatu.ledger.layout``; the organisation's by
``guatu.ledger.organisation_sheets``.

A whole city's export also carries its 卡点 and the last bulletin number of
each year, and a sheet 说明 saying what it carries and what it does not
(``NOT_CARRIED``): imported into an empty database it continues the city's
work, and ``guatu backup``/``guatu restore`` move everything else.
"""

import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guatu.common.spreadsheet import book_properties
from guatu.core.geo.text import geometry_text
from guatu.core.ledger.cells import format_links
from guatu.core.ledger.columns import BLOCKERS, ITEMS, PROGRESS, PROJECTS
from guatu.core.ledger.organisation import (
    CALENDAR,
    CITY,
    DEPARTMENTS,
    RULES,
    TOWNS,
    USERS,
    VILLAGES,
)
from guatu.core.units import UNITS
from guatu.ledger.layout import (
    NO,
    YES,
    plain_number,
    write_notes_sheet,
    write_options_sheet,
    write_sheet,
    yes_no,
)
from guatu.ledger.organisation_sheets import EXAMPLE, organisation_sheets
from guatu.ledger.reference import (
    CALENDAR_NAMES,
    CATEGORY_NAMES,
    KIND_NAMES,
    LEVEL_NAMES,
    STAGE_NAMES,
)
from guatu.org.clock import city_today
from guatu.org.models import City, Department, Town, Village
from guatu.progress.labels import light_label
from guatu.progress.models import Blocker, ProgressReport, ReportReview
from guatu.progress.selectors import IN_FORCE
from guatu.progress.status import projects_light, status_table
from guatu.projects.models import Dependency, Phase, Project, WorkItem

#: What a whole city's ledger does not carry: a city set up from it starts without them.
NOT_CARRIED = (
    gettext_lazy(
        "bulletins (their text and Word, PDF and Excel files; the last number of each year "
        "is carried, so numbering continues)"
    ),
    gettext_lazy("escalations (the accountability ladder starts again) and scores"),
    gettext_lazy(
        "the history of progress: who reported, when, superseded reports (only the figure "
        "each correction replaced), site photos; reviews keep their decision and note, "
        "not who reviewed or when"
    ),
    gettext_lazy("approved plans (baselines) and node adjustments (节点调整)"),
    gettext_lazy(
        "schedule-risk estimates, 入园 screening (parks, enterprises, applications), press evidence"
    ),
    gettext_lazy("a project's own calendar exceptions and its task force (专班)"),
    gettext_lazy(
        "users' passwords (each user gets a new first password), API and 大屏 tokens, "
        "notices, robots and notification settings"
    ),
    gettext_lazy("the audit log"),
)


def not_carried_note() -> str:
    """One sentence for the command line: what the ledger leaves out, and how to move all."""
    return _(
        "Not carried by the ledger: %(list)s. To move a city with all of it, move the "
        "database: guatu backup DIR, then guatu restore DIR on the new server (every city "
        "of the deployment moves together)."
    ) % {"list": "; ".join(str(text) for text in NOT_CARRIED)}


def ledger_workbook(*, city: City, projects: Iterable[Project] | None = None) -> bytes:
    """Return an .xlsx ledger of *projects* (all the city's), or the empty template if ``[]``.

    The whole city's ledger also carries its 卡点, its organisation (城市,
    镇街区, 行政村, 部门, 用户 …) and its bulletin numbers: imported into an
    empty database it sets the city up again; its sheet 说明 says what it leaves out.
    """
    full = projects is None
    projects = list(
        Project.objects.filter(city=city).order_by("code")
        if projects is None
        else sorted(projects, key=lambda project: project.code)
    )
    today = city_today(city)
    book = Workbook(write_only=True)
    options = _options(city)
    # The title names the year: imports complete dates written without one (6月底) from it.
    chinese = (get_language() or "zh").startswith("zh")
    title = _("%(city)s key projects ledger, %(date)s") % {
        "city": city.name,
        "date": f"{today.year}年{today.month}月{today.day}日" if chinese else today.isoformat(),
    }
    book_properties(book, creator=city.issuer, title=title)
    write_sheet(book, PROJECTS, title, _project_rows(city, projects, today), options)
    write_sheet(book, ITEMS, title, _item_rows(projects, today), options)
    write_sheet(book, PROGRESS, title, _progress_rows(projects), options)
    if full:
        write_sheet(book, BLOCKERS, title, _blocker_rows(city), options)
        organisation_sheets(book, city, title, options)
        write_notes_sheet(book, title, _notes())
    write_options_sheet(book, options)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def organisation_workbook(*, city: City | None = None) -> bytes:
    """The organisation workbook of *city*, or the template (with example rows) for a new one."""
    book = Workbook(write_only=True)
    if city is None:
        title = _("Organisation of a new city (fill in and upload)")
        book_properties(book, creator=_("Key projects wall chart"), title=title)
        specs = (CITY, TOWNS, VILLAGES, DEPARTMENTS, USERS, RULES, CALENDAR)
        for spec, rows in zip(specs, EXAMPLE, strict=True):
            write_sheet(book, spec, title, rows, {})
    else:
        title = _("%(city)s organisation") % {"city": city.name}
        book_properties(book, creator=city.issuer, title=title)
        organisation_sheets(book, city, title, {})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _options(city: City) -> dict[str, list[str]]:
    return {
        "town": list(Town.objects.filter(city=city).values_list("name", flat=True)),
        "phase": list(Phase.objects.values_list("name", flat=True)),
        "unit": [unit.symbol for unit in UNITS.values()],
        "kind": list(KIND_NAMES.values()),
        "yes_no": [YES, NO],
        "calendar": list(CALENDAR_NAMES.values()),
        "level": list(LEVEL_NAMES.values()),
        "category": list(CATEGORY_NAMES.values()),
        "stage": list(STAGE_NAMES.values()),
        "department": list(Department.objects.filter(city=city).values_list("name", flat=True)),
    }


def _project_rows(city: City, projects: list[Project], today: date):
    lights = projects_light(projects=projects, as_of=today)
    departments = dict(Department.objects.filter(city=city).values_list("pk", "name"))
    towns = dict(Town.objects.filter(city=city).values_list("pk", "name"))
    for project in projects:
        yield [
            project.code,
            project.name,
            project.programme,
            departments.get(project.owner_department_id),
            project.start_date,
            project.deadline,
            CALENDAR_NAMES.get(project.calendar, project.calendar),
            project.description,
            # 项目信息, as the import reads them back.
            project.project_code or None,
            project.builder or None,
            plain_number(project.total_investment),
            LEVEL_NAMES.get(project.level),
            CATEGORY_NAMES.get(project.category),
            STAGE_NAMES.get(project.stage),
            project.planned_groundbreaking,
            project.planned_completion,
            project.groundbreaking,
            project.main_content or None,
            project.responsible_leader or None,
            towns.get(project.responsible_town_id),
            project.preparation or None,
            geometry_text(project.geometry) or None,
            light_label(lights[project.pk]) if project.pk in lights else None,
            project.early_finish,
        ]


def _item_rows(projects: list[Project], today: date):
    if not projects:
        return
    codes = {project.pk: project.code for project in projects}
    items = list(
        WorkItem.objects.filter(project__in=projects)
        .order_by("project__code", "order", "code")
        .values_list(
            "pk",
            "project_id",
            "code",
            "name",
            "kind",
            "joint",
            "phase__name",
            "town__name",
            "owner_department__name",
            "quantity_target",
            "unit",
            "planned_value",
            "duration_days",
            "planned_start",
            "deadline",
            "fixed",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_float",
            "critical",
            "geometry",
        )
    )
    code_of = {row[0]: row[2] for row in items}
    links: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for pred, succ, kind, lag in Dependency.objects.filter(
        successor__project__in=projects
    ).values_list("predecessor_id", "successor_id", "type", "lag_days"):
        links[succ].append((code_of[pred], kind, lag))
    villages: dict[int, list[str]] = defaultdict(list)
    for item_id, name in (
        Village.objects.filter(work_items__project__in=projects)
        .order_by("name")
        .values_list("work_items__id", "name")
    ):
        villages[item_id].append(name)
    statuses = status_table(items=Q(project__in=projects), as_of=today).statuses()
    for row in items:
        pk, project_id, code, name, kind, joint, phase, town, department = row[:9]
        quantity, unit, planned_value, duration, start, deadline, fixed = row[9:16]
        status = statuses.get(pk)
        yield [
            codes[project_id],
            code,
            name,
            KIND_NAMES.get(kind, kind),
            yes_no(joint),
            phase,
            town,
            "、".join(villages.get(pk, ())),
            department,
            plain_number(quantity),
            UNITS[unit].symbol if unit else None,
            plain_number(planned_value),
            duration,
            start,
            deadline,
            yes_no(fixed),
            format_links(sorted(links.get(pk, ()))),
            geometry_text(row[22]) or None,
            light_label(status.light) if status else None,
            status.actual if status else None,
            *row[16:21],
            yes_no(row[21]),
        ]


def _progress_rows(projects: list[Project]):
    """The reports in force, each correction with its reason and the figure it replaced."""
    if not projects:
        return
    reports = (
        ProgressReport.objects.filter(IN_FORCE, work_item__project__in=projects)
        .order_by("work_item__project__code", "work_item__order", "work_item__code", "reported_on")
        .values_list(
            "work_item__project__code",
            "work_item__code",
            "work_item__name",
            "reported_on",
            "quantity_done",
            "work_item__unit",
            "percent_complete",
            "note",
            "above_target",
            "correction_reason",
            "supersedes__reported_on",
            "supersedes__percent_complete",
            "review__decision",
            "review__note",
        )
    )
    reviews = dict(ReportReview.Decision.choices)
    for (
        project,
        code,
        name,
        day,
        done,
        unit,
        percent,
        note,
        above,
        reason,
        old_day,
        old_percent,
        decision,
        review_note,
    ) in reports.iterator(chunk_size=5000):
        corrected = (
            _("%(date)s: %(percent)s%%") % {"date": old_day.isoformat(), "percent": old_percent}
            if old_day is not None
            else None
        )
        review = None
        if above:
            review = str(reviews[decision]) if decision else _("awaiting review")
        yield [
            project,
            code,
            name,
            day,
            plain_number(done),
            UNITS[unit].symbol if unit and done is not None else None,
            plain_number(percent),
            note,
            YES if above else None,
            reason or None,
            corrected,
            review,
            review_note or None,
        ]


def _blocker_rows(city: City):
    """Every blocker of the city, open ones and the record of resolved ones."""
    blockers = (
        Blocker.objects.filter(work_item__project__city=city)
        .order_by(
            "work_item__project__code", "work_item__order", "work_item__code", "opened_on", "pk"
        )
        .values_list(
            "work_item__project__code",
            "work_item__code",
            "work_item__name",
            "description",
            "owner_department__name",
            "responsible_person",
            "opened_on",
            "due_on",
            "status",
            "escalation_requested",
            "resolution",
            "resolved_on",
        )
    )
    statuses = dict(Blocker.Status.choices)
    for *head, status, requested, resolution, resolved_on in blockers:
        word = "已上报" if requested and status == Blocker.Status.OPEN else str(statuses[status])
        yield [*head, word, resolution or None, resolved_on]


def _notes() -> list[str]:
    """The sheet 说明: what this workbook carries, what it does not, and how to move all."""
    return [
        _(
            "This workbook carries the city's projects, work items and their links, the "
            "progress reports in force (with each correction's reason and the review of "
            "above-target ones), its blockers (卡点), its organisation (towns, villages, "
            "departments, users, lighting rules, calendar) and the last bulletin number of "
            "each year."
        ),
        _(
            "Imported into an empty database (guatu ledger import FILE), it sets the city up "
            "again and exports the same; the next bulletin continues the numbering."
        ),
        _("It does not carry:"),
        *(f"· {text}" for text in NOT_CARRIED),
        _(
            "To move a city with all of it, move the database: guatu backup DIR, then guatu "
            "restore DIR on the new server (every city of the deployment moves together)."
        ),
    ]


def export_filename(city: City, *, template: bool = False, today: date | None = None) -> str:
    today = today or city_today(city)
    kind = _("ledger template") if template else _("ledger")
    return f"{city.name}-{kind}-{today.isoformat()}.xlsx"


__all__ = ["NOT_CARRIED", "export_filename", "ledger_workbook", "not_carried_note"]
