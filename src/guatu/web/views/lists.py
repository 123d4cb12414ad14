"""The office's lists of the city: projects, work items, blockers and progress reports.

Each is a ``common.listing.ListSpec``: the page and its "导出 Excel" come from the
same rows, filtered, searched and sorted by the same code. Lights are the pages'
own (``progress.status``); every query goes through the city-scoped managers.
"""

import numpy as np
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guatu.access import role_required
from guatu.accounts.models import Role
from guatu.common.listing import Column, Filter, ListSpec
from guatu.core.status import LIGHT_NAMES
from guatu.org.clock import city_today
from guatu.org.models import Department, Town
from guatu.org.selectors import current_city_or_404
from guatu.problems.selectors import number_text, problem_facts, with_answer_state
from guatu.progress.labels import light_label
from guatu.progress.models import Blocker, ProgressReport
from guatu.progress.nodes import NODES, overdue_mask
from guatu.progress.selectors import AWAITING_REVIEW, blocker_overdue
from guatu.progress.status import projects_light, status_table
from guatu.projects.models import Phase, Project, WorkItem
from guatu.projects.selectors import project_list
from guatu.web.dashboard import items_for

#: Worst first when a list sorts by its light: red, yellow, green, not started, done.
LIGHT_RANK = {"red": 0, "yellow": 1, "green": 2, "not_started": 3, "done": 4}


def _light_choices():
    return [(name, light_label(name)) for name in LIGHT_NAMES]


def _light_rank(light: str) -> int | None:
    return LIGHT_RANK.get(light)


def _towns():
    return Town.objects.order_by("order", "name")


def _departments():
    return Department.objects.order_by("name")


def _projects():
    return Project.objects.order_by("code")


def _phases():
    return Phase.objects.all()


def _item_url(item: WorkItem) -> str:
    return reverse("web:item-detail", args=[item.pk])


# --- projects ---------------------------------------------------------------------------

PROJECTS = ListSpec(
    name=gettext_lazy("Key projects"),
    columns=(
        Column(
            "light",
            gettext_lazy("Light"),
            lambda p: p.light,
            sort=lambda p: _light_rank(p.light),
            label=light_label,
            kind="light",
        ),
        Column(
            "name",
            gettext_lazy("Project"),
            lambda p: p.name,
            link=lambda p: reverse("web:project-detail", args=[p.code]),
        ),
        Column("programme", gettext_lazy("Programme"), lambda p: p.programme),
        Column("department", gettext_lazy("Owner department"), lambda p: str(p.owner_department)),
        Column("start", gettext_lazy("Start"), lambda p: p.start_date, kind="date"),
        Column("deadline", gettext_lazy("Target date"), lambda p: p.deadline, kind="date"),
        Column("items", gettext_lazy("Work items"), lambda p: p.item_count, kind="num"),
        Column("milestones", gettext_lazy("Milestones"), lambda p: p.milestone_count, kind="num"),
    ),
    filters=(
        # A project is in a town when one of its work items is.
        Filter.units(
            "town",
            gettext_lazy("Town"),
            _towns,
            where=lambda pk: Q(pk__in=WorkItem.objects.filter(town_id=pk).values("project_id")),
        ),
        Filter.units(
            "department", gettext_lazy("Owner department"), _departments, "owner_department"
        ),
        Filter.choice(
            "light", gettext_lazy("Light"), _light_choices, test=lambda p, light: p.light == light
        ),
        Filter.dates("deadline", gettext_lazy("Target date"), "deadline"),
    ),
    search=("name", "code", "programme"),
)


@login_required
def project_list_view(request: HttpRequest) -> HttpResponse:
    def rows(query):
        projects = list(project_list().filter(query.where()))
        lights = projects_light(projects=projects)
        for project in projects:
            project.light = lights.get(project.pk, "")
        return projects

    return PROJECTS.respond(
        request,
        rows,
        template="web/project_list.html",
        context={"today": city_today(current_city_or_404())},
    )


# --- work items -------------------------------------------------------------------------

ITEMS = ListSpec(
    name=gettext_lazy("Work items"),
    columns=(
        Column(
            "light",
            gettext_lazy("Light"),
            lambda row: row[1].light,
            sort=lambda row: _light_rank(row[1].light),
            label=light_label,
            kind="light",
        ),
        Column(
            "name",
            gettext_lazy("Work item"),
            lambda row: row[0].name,
            link=lambda row: _item_url(row[0]),
            kind="name",
        ),
        Column("project", gettext_lazy("Project"), lambda row: row[0].project.name),
        Column("town", gettext_lazy("Town"), lambda row: _text(row[0].town)),
        Column(
            "department",
            gettext_lazy("Owner department"),
            lambda row: _text(row[0].owner_department),
        ),
        Column("phase", gettext_lazy("Phase"), lambda row: _text(row[0].phase)),
        Column("planned", gettext_lazy("Planned %"), lambda row: row[1].planned, kind="num"),
        Column("actual", gettext_lazy("Reported"), lambda row: row[1].actual, kind="num"),
        Column("lag", gettext_lazy("Lag (pp)"), lambda row: row[1].lag, kind="num"),
        Column(
            "late_finish", gettext_lazy("Late finish"), lambda row: row[0].late_finish, kind="date"
        ),
        Column(
            "forecast",
            gettext_lazy("Forecast finish"),
            lambda row: row[1].forecast_finish,
            kind="date",
        ),
    ),
    filters=(
        Filter.units("town", gettext_lazy("Town"), _towns),
        Filter.units(
            "department", gettext_lazy("Owner department"), _departments, "owner_department"
        ),
        Filter.units("project", gettext_lazy("Project"), _projects),
        Filter.units("phase", gettext_lazy("Phase"), _phases),
        Filter.choice(
            "light",
            gettext_lazy("Light"),
            _light_choices,
            test=lambda row, light: row[1].light == light,
        ),
        Filter.dates("late_finish", gettext_lazy("Late finish"), "late_finish"),
        Filter.flag(
            "warning", gettext_lazy("early warning"), test=lambda row: row[1].reason == "forecast"
        ),
        # The time nodes passed undone: the view lists the nodes instead of the tasks.
        Filter.flag("overdue", gettext_lazy("Overdue time nodes"), where=Q),
    ),
    search=("name", "code", "project__name"),
    sort="-lag",
    per_page=100,
)


def _text(value) -> str:
    return "" if value is None else str(value)


@login_required
def item_list_view(request: HttpRequest) -> HttpResponse:
    """Work items with their lights (the list behind a number on the dashboard: by light,
    town, warning, or the time nodes passed undone, ``?overdue=1``)."""
    today = city_today(current_city_or_404())

    def rows(query):
        base = NODES if query.value("overdue") else Q(kind=WorkItem.Kind.TASK)
        table = status_table(items=base & query.where())
        keep = np.ones(len(table.pks), dtype=bool)
        if query.value("overdue"):
            keep &= overdue_mask(table, today)
        return items_for(table, np.flatnonzero(keep))

    return ITEMS.respond(request, rows, template="web/item_list.html", context={"today": today})


# --- blockers ---------------------------------------------------------------------------

#: The blocker board's states: unresolved (the board's default), overdue, or a status.
BLOCKER_STATES = {
    "unresolved": lambda b, today: b.status != Blocker.Status.RESOLVED,
    "overdue": lambda b, today: blocker_overdue(b, today=today),
    "open": lambda b, today: b.status == Blocker.Status.OPEN,
    "escalated": lambda b, today: b.escalation_requested and b.status == Blocker.Status.OPEN,
    "replied": lambda b, today: b.status == Blocker.Status.REPLIED,
    "proposed": lambda b, today: b.facts.proposed is not None,
    "resolved": lambda b, today: b.status == Blocker.Status.RESOLVED,
}


def _blocker_state_choices():
    return [
        ("unresolved", _("not resolved")),
        ("overdue", _("overdue")),
        ("open", Blocker.Status.OPEN.label),
        ("escalated", _("asks for the next level")),
        ("proposed", _("proposed for the next level")),
        ("replied", Blocker.Status.REPLIED.label),
        ("resolved", Blocker.Status.RESOLVED.label),
    ]


def _blocker_state(b: Blocker) -> str:
    if blocker_overdue(b, today=b.today):
        overdue = _("overdue")
        return f"{b.get_status_display()}（{overdue}）"
    return b.get_status_display()


#: The colours as the list says them (三色督办).
COLOUR_CHOICES = (
    ("red", gettext_lazy("red (overdue)")),
    ("yellow", gettext_lazy("yellow (behind or returned)")),
    ("blue", gettext_lazy("blue (due soon)")),
    ("none", gettext_lazy("no colour")),
)
_COLOUR_WORDS = dict(COLOUR_CHOICES)


def _problem_url(b: Blocker) -> str:
    return reverse("problems:detail", args=[b.pk])


def _colour(b: Blocker) -> str:
    return str(_COLOUR_WORDS[b.facts.colour]) if b.facts.colour else "—"


BLOCKERS = ListSpec(
    name=gettext_lazy("Problem list"),
    columns=(
        Column("due", gettext_lazy("时限"), lambda b: b.due_on, kind="date"),
        Column(
            "number",
            gettext_lazy("交办单"),
            lambda b: number_text(b) or "—",
            link=_problem_url,
            sort=False,
        ),
        Column("description", gettext_lazy("Problem"), lambda b: b.description, link=_problem_url),
        Column("colour", gettext_lazy("Colour"), _colour, sort=False),
        Column("level", gettext_lazy("Coordination level"), lambda b: b.level, kind="num"),
        Column(
            "category", gettext_lazy("Problem category"), lambda b: b.facts.category, sort=False
        ),
        Column(
            "item",
            gettext_lazy("Work item"),
            lambda b: b.work_item.name,
            link=lambda b: _item_url(b.work_item),
        ),
        Column("project", gettext_lazy("Project"), lambda b: b.work_item.project.name),
        Column("town", gettext_lazy("Town"), lambda b: _text(b.town)),
        Column("department", gettext_lazy("Owner department"), lambda b: str(b.owner_department)),
        Column("status", gettext_lazy("Status"), _blocker_state),
        Column("resolved", gettext_lazy("Resolved on"), lambda b: b.resolved_on, kind="date"),
    ),
    filters=(
        Filter.units("town", gettext_lazy("Town"), _towns),
        Filter.units(
            "department", gettext_lazy("Owner department"), _departments, "owner_department"
        ),
        Filter.units("project", gettext_lazy("Project"), _projects, "work_item__project"),
        Filter.choice(
            "state",
            gettext_lazy("Status"),
            _blocker_state_choices,
            test=lambda b, state: BLOCKER_STATES[state](b, b.today),
            default="unresolved",
        ),
        Filter.choice(
            "colour",
            gettext_lazy("Colour"),
            COLOUR_CHOICES,
            test=lambda b, colour: (b.facts.colour or "none") == colour,
        ),
        Filter.choice(
            "level",
            gettext_lazy("Coordination level"),
            [(str(n), str(n)) for n in range(1, 5)],
            lookup="level",
        ),
        Filter.dates("due", gettext_lazy("Due"), "due_on"),
    ),
    search=("description", "responsible_person", "work_item__name", "work_item__project__name"),
    row_class=lambda b: "overdue" if blocker_overdue(b, today=b.today) else "",
)


@login_required
def blocker_board_view(request: HttpRequest) -> HttpResponse:
    """The 问题清单 (卡点): the unresolved by default, overdue first, then by 时限; each
    with its colour, level and 交办单 (``problems.selectors.problem_facts``)."""
    city = current_city_or_404()
    today = city_today(city)

    def rows(query):
        blockers = list(
            with_answer_state(
                Blocker.objects.filter(query.where()).select_related(
                    "work_item__project__city", "owner_department", "town"
                )
            )
        )
        facts = problem_facts(blockers, city=city, today=today)
        for blocker in blockers:
            blocker.today = today
            blocker.facts = facts[blocker.pk]
        blockers.sort(key=lambda b: (not blocker_overdue(b, today=today), b.due_on, b.pk))
        return blockers

    return BLOCKERS.respond(
        request, rows, template="web/blocker_board.html", context={"today": today}
    )


# --- progress reports -------------------------------------------------------------------

REPORTS = ListSpec(
    name=gettext_lazy("Progress reports"),
    columns=(
        Column("reported_on", gettext_lazy("Progress as of"), lambda r: r.reported_on, kind="date"),
        Column(
            "item",
            gettext_lazy("Work item"),
            lambda r: r.work_item.name,
            link=lambda r: _item_url(r.work_item),
        ),
        Column("project", gettext_lazy("Project"), lambda r: r.work_item.project.name),
        Column("town", gettext_lazy("Town"), lambda r: _text(r.work_item.town)),
        Column(
            "department",
            gettext_lazy("Owner department"),
            lambda r: _text(r.work_item.owner_department),
        ),
        Column("quantity", gettext_lazy("Quantity done"), lambda r: r.quantity_done, kind="num"),
        Column(
            "unit", gettext_lazy("Unit"), lambda r: str(r.work_item.get_unit_display()), sort=False
        ),
        Column(
            "percent", gettext_lazy("Percent complete"), lambda r: r.percent_complete, kind="num"
        ),
        Column("note", gettext_lazy("Note"), lambda r: r.note, sort=False),
        Column("by", gettext_lazy("Reported by"), lambda r: str(r.reported_by)),
        Column("submitted", gettext_lazy("Submitted at"), lambda r: r.created_at),
        Column("correction", gettext_lazy("Correction"), lambda r: r.supersedes_id is not None),
    ),
    filters=(
        Filter.units("town", gettext_lazy("Town"), _towns, "work_item__town"),
        Filter.units(
            "department",
            gettext_lazy("Owner department"),
            _departments,
            "work_item__owner_department",
        ),
        Filter.units("project", gettext_lazy("Project"), _projects, "work_item__project"),
        Filter.units("phase", gettext_lazy("Phase"), _phases, "work_item__phase"),
        Filter.dates("reported_on", gettext_lazy("Progress as of"), "reported_on"),
        Filter.flag(
            "above_target", gettext_lazy("Above target"), where=lambda: Q(above_target=True)
        ),
        Filter.flag(
            "to_review", gettext_lazy("Awaiting the office's review"), where=lambda: AWAITING_REVIEW
        ),
    ),
    search=("note", "work_item__name", "work_item__project__name", "reported_by__full_name"),
    sort="-submitted",
)


@role_required(Role.SUPERVISOR, Role.LEADER)
def report_list_view(request: HttpRequest) -> HttpResponse:
    """The city's progress reports, newest first (the office's and the leaders' list)."""

    def rows(query):
        return (
            ProgressReport.objects.filter(query.where())
            .select_related(
                "work_item__project",
                "work_item__town",
                "work_item__owner_department",
                "reported_by",
            )
            .order_by("-created_at", "-id")
        )

    return REPORTS.respond(request, rows, template="web/report_list.html")
