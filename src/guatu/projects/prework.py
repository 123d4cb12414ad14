"""前期 nodes: a city's template of approvals, and applying it to a project (docs/PREWORK.md).

The template is the city's (``PreworkTemplate``), made from ``core.prework.DEFAULT``
when the city first applies or saves it, each node's 要素 department matched by name
to one of the city's departments. ``template_rows`` reads it without writing (the
default, matched, while the city has none stored); ``prework_template_save`` replaces
it, all of it or nothing, each bad row refused at its field.

``prework_apply`` gives a project its 前期 items: one work item a node (its
``prework_code`` the node's code, phase 前期, the node's department as owner), linked
as the template links them, laid out backwards from the day before 计划开工 by the
CPM (``core.prework.schedule_backward``): each item's planned start and time node are
its latest dates, so the 前期 finishes by 计划开工 and a node past its time node
holds 开工 up. The items are made by the same services as any item
(``work_item_create``, ``dependencies_add``) and the project is rescheduled once.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from guatu.access import can_manage_projects, is_supervisor, require
from guatu.audit.services import audit_record
from guatu.core import prework as core
from guatu.core.calendar import WorkCalendar
from guatu.core.errors import CoreError
from guatu.core.prework import DEFAULT, Template, TemplateProblem, read_rows, schedule_backward
from guatu.errors import as_validation_error, translate
from guatu.org.models import CalendarException, City, Department
from guatu.projects.models import (
    Phase,
    PreworkLink,
    PreworkNode,
    PreworkTemplate,
    Project,
    WorkItem,
)
from guatu.projects.scheduling import project_calendar, projects_lock, schedule_recalculate
from guatu.projects.selectors import next_item_order
from guatu.projects.services import Link, dependencies_add, work_item_create

__all__ = [
    "ITEM_PREFIX",
    "PHASE_CODE",
    "PreworkApplied",
    "TemplateRows",
    "prework_apply",
    "prework_items",
    "prework_template",
    "prework_template_save",
    "template_rows",
]

#: A 前期 item's code is its node's with this prefix (前期 → qq), unique in its project.
ITEM_PREFIX = "qq-"
#: The phase (环节) of every 前期 item (added by migration projects/0011).
PHASE_CODE = "prework"
PHASE_NAME = "前期"


# --- reading the template ------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    code: str
    name: str
    duration_days: int
    department: Department | None


@dataclass(frozen=True)
class LinkRow:
    predecessor: str
    successor: str
    kind: str
    lag_days: int


@dataclass(frozen=True)
class TemplateRows:
    """A city's template as its page and the API show it: stored, or the default."""

    nodes: list[NodeRow]
    links: list[LinkRow]
    stored: bool
    updated_at: datetime | None = None
    updated_by: str = ""

    def template(self) -> Template:
        """The template as the core lays it out (departments by name)."""
        return Template(
            nodes=tuple(
                core.Node(
                    n.code, n.name, n.duration_days, n.department.name if n.department else ""
                )
                for n in self.nodes
            ),
            links=tuple(
                core.Link(k.predecessor, k.successor, k.kind, k.lag_days) for k in self.links
            ),
        )


def _department_for(name: str, departments: list[Department]) -> Department | None:
    """The city's department a template names: the same name, or the same without its
    leading 市, or the name as the department's short name (自然资源局)."""
    if not name:
        return None
    bare = name.removeprefix("市")
    for department in departments:
        if department.name in (name, bare) or department.name.removeprefix("市") == bare:
            return department
    for department in departments:
        if department.short_name and department.short_name in (name, bare):
            return department
    return None


def _default_rows(city: City) -> tuple[list[NodeRow], list[LinkRow]]:
    departments = list(Department.everywhere.filter(city=city).order_by("pk"))
    nodes = [
        NodeRow(node.code, node.name, node.duration, _department_for(node.department, departments))
        for node in DEFAULT.nodes
    ]
    links = [
        LinkRow(link.predecessor, link.successor, link.kind, link.lag) for link in DEFAULT.links
    ]
    return nodes, links


def template_rows(city: City) -> TemplateRows:
    """*city*'s template, read without writing: the stored one, else the default with its
    departments matched to the city's (what the first use will store)."""
    stored = PreworkTemplate.everywhere.filter(city=city).select_related("updated_by").first()
    if stored is None:
        nodes, links = _default_rows(city)
        return TemplateRows(nodes, links, stored=False)
    return _rows_of(stored)


def _rows_of(template: PreworkTemplate) -> TemplateRows:
    nodes = list(
        PreworkNode.everywhere.filter(template=template)
        .select_related("department")
        .order_by("order", "pk")
    )
    code = {node.pk: node.code for node in nodes}
    links = [
        LinkRow(code[p], code[s], kind, lag)
        for p, s, kind, lag in PreworkLink.everywhere.filter(template=template)
        .order_by("pk")
        .values_list("predecessor_id", "successor_id", "kind", "lag_days")
    ]
    who = template.updated_by
    return TemplateRows(
        [NodeRow(n.code, n.name, n.duration_days, n.department) for n in nodes],
        links,
        stored=True,
        updated_at=template.updated_at,
        updated_by=(who.full_name or who.username) if who else "",
    )


def prework_template(city: City) -> PreworkTemplate:
    """*city*'s stored template, made from the default on first use (its departments
    matched by name). Two first uses at once make one: the second reads the first's."""
    found = PreworkTemplate.everywhere.filter(city=city).first()
    if found is not None:
        return found
    nodes, links = _default_rows(city)
    try:
        with transaction.atomic():
            template = PreworkTemplate.everywhere.create(city=city)
            _store(template, nodes, links)
    except IntegrityError:
        return PreworkTemplate.everywhere.get(city=city)
    return template


def _store(template: PreworkTemplate, nodes: list[NodeRow], links: list[LinkRow]) -> None:
    made = PreworkNode.everywhere.bulk_create(
        PreworkNode(
            template=template,
            code=node.code,
            name=node.name,
            duration_days=node.duration_days,
            department=node.department,
            order=row * 10,
        )
        for row, node in enumerate(nodes, start=1)
    )
    by_code = {node.code: node for node in made}
    PreworkLink.everywhere.bulk_create(
        PreworkLink(
            template=template,
            predecessor=by_code[link.predecessor],
            successor=by_code[link.successor],
            kind=link.kind,
            lag_days=link.lag_days,
        )
        for link in links
    )


# --- saving the template --------------------------------------------------------------------

#: The fields of a row as the service takes them, and as the core reads them.
_NODE_FIELDS = {"code": "code", "name": "name", "duration_days": "duration"}
_LINK_FIELDS = {
    "predecessor": "predecessor",
    "successor": "successor",
    "kind": "kind",
    "lag_days": "lag",
}
_CORE_FIELD = {"duration": "duration_days", "lag": "lag_days"}


def _label(section: str, field: str) -> str:
    model = PreworkNode if section == "nodes" else PreworkLink
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:  # a section-wide problem ("nodes", "links")
        return ""


def _problem_key(section: str, row: int | None, field: str) -> str:
    """Where a problem is reported: ``nodes.3.duration_days``, or ``links`` for the list."""
    return section if row is None else f"{section}.{row}.{field}"


def _problem_text(section: str, row: int | None, field: str, problem: str) -> str:
    if row is None:
        return problem
    label = _label(section, field)
    if section == "nodes":
        return _("Node %(row)d, %(field)s: %(problem)s") % {
            "row": row,
            "field": label,
            "problem": problem,
        }
    return _("Link %(row)d, %(field)s: %(problem)s") % {
        "row": row,
        "field": label,
        "problem": problem,
    }


def prework_template_save(
    *,
    actor,
    city: City,
    nodes: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
) -> PreworkTemplate:
    """Replace *city*'s 前期 template with *nodes* and *links*, all of it or nothing.

    A node row: ``code`` (a slug), ``name``, ``duration_days`` (working days),
    ``department`` (the pk of one of the city's departments, or empty); a link row:
    ``predecessor`` and ``successor`` (node codes), ``kind`` (FS, SS or FF) and
    ``lag_days``. Raises ``ValidationError`` with every problem at
    ``nodes.<row>.<field>`` or ``links.<row>.<field>`` (rows from 1), each message
    naming its row and field. The office only; audited.
    """
    require(is_supervisor(actor), user=actor, action="prework_template_save", target=city)
    core_nodes = [{core: row.get(field) for field, core in _NODE_FIELDS.items()} for row in nodes]
    core_links = [{core: row.get(field) for field, core in _LINK_FIELDS.items()} for row in links]
    template, problems = read_rows(core_nodes, core_links)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        _add(errors, problem)
    departments = _departments_of(city, nodes, errors)
    if errors or template is None:
        raise ValidationError(errors)
    rows = [
        NodeRow(node.code, node.name, node.duration, departments[row])
        for row, node in enumerate(template.nodes, start=1)
    ]
    link_rows = [LinkRow(k.predecessor, k.successor, k.kind, k.lag) for k in template.links]
    with transaction.atomic():
        stored = prework_template(city)
        list(PreworkTemplate.everywhere.select_for_update().filter(pk=stored.pk).values_list("pk"))
        PreworkLink.everywhere.filter(template=stored).delete()
        PreworkNode.everywhere.filter(template=stored).delete()
        _store(stored, rows, link_rows)
        stored.updated_by = actor
        stored.save(update_fields=["updated_by", "updated_at"])
        audit_record(
            user=actor,
            action="prework_template_save",
            target=stored,
            detail={"nodes": len(rows), "links": len(link_rows)},
        )
    return stored


def _add(errors: dict[str, list[str]], problem: TemplateProblem) -> None:
    field = _CORE_FIELD.get(problem.field, problem.field)
    key = _problem_key(problem.section, problem.row, field)
    errors.setdefault(key, []).append(
        _problem_text(problem.section, problem.row, field, translate(problem))
    )


def _departments_of(
    city: City, nodes: Sequence[Mapping[str, Any]], errors: dict[str, list[str]]
) -> dict[int, Department | None]:
    """Each node row's department (row → the city's department or None); a value naming
    no department of *city* (another city's too) is a problem at its row."""
    wanted: dict[int, int] = {}
    for row, values in enumerate(nodes, start=1):
        value = values.get("department")
        if value in (None, ""):
            continue
        if isinstance(value, Department):
            value = value.pk
        pk = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
            pk = int(value)
        if pk is None:
            wanted[row] = -1
        else:
            wanted[row] = pk
    found = Department.everywhere.filter(city=city, pk__in=set(wanted.values())).in_bulk()
    departments: dict[int, Department | None] = {row: None for row in range(1, len(nodes) + 1)}
    for row, pk in wanted.items():
        if pk in found:
            departments[row] = found[pk]
        else:
            key = _problem_key("nodes", row, "department")
            errors.setdefault(key, []).append(
                _problem_text(
                    "nodes", row, "department", _("Choose one of the city's departments.")
                )
            )
    return departments


# --- applying it to a project -----------------------------------------------------------------


@dataclass(frozen=True)
class PreworkApplied:
    """What ``prework_apply`` made: the items (template order), the day the 前期 must be
    finished by, the first node's start, and whether that is before the project's start
    (the plan cannot begin earlier: those nodes show as late)."""

    items: list[WorkItem]
    finish_by: date
    first_start: date
    before_project_start: bool


def prework_items(project: Project):
    """*project*'s 前期 items (those made from a template node)."""
    return WorkItem.objects.filter(project=project).exclude(prework_code="")


def _official_calendar(project: Project) -> WorkCalendar:
    """China's working days with the city's and the project's own exceptions: the 前期's
    durations are working days (工作日) whatever calendar the project's works keep."""
    days = dict(
        CalendarException.everywhere.filter(
            Q(city_id=project.city_id, project__isnull=True) | Q(project=project)
        )
        .order_by(F("project").asc(nulls_first=True), "date")
        .values_list("date", "working")
    )
    return WorkCalendar.official(days)


def _phase() -> Phase | None:
    return (
        Phase.objects.filter(code=PHASE_CODE).first()
        or Phase.objects.filter(name=PHASE_NAME).first()
    )


def prework_apply(*, actor, project: Project) -> PreworkApplied:
    """Give *project* its 前期 items from its city's template, scheduled backwards from the
    day before its 计划开工 (``planned_groundbreaking``); one transaction, audited.

    Refused with a message when the project has no 计划开工 (at that field), or already
    has 前期 items. Each node becomes a work item ``qq-<code>`` with ``prework_code``, phase
    前期, the node's department as owner (the project's when the city has no such
    department), its latest start as planned start and its latest finish as time node
    (a milestone: the time node only); its duration in the project's own calendar spans
    the same working days. The links follow the template's; the project is rescheduled
    once. The office only.
    """
    require(can_manage_projects(actor), user=actor, action="prework_apply", target=project)
    groundbreaking = project.planned_groundbreaking
    if groundbreaking is None:
        raise ValidationError(
            {
                "planned_groundbreaking": [
                    _(
                        "Set the project's planned start of works (计划开工) first: the 前期 "
                        "nodes are scheduled backwards from it."
                    )
                ]
            }
        )
    already = prework_items(project).count()
    if already:
        raise ValidationError(
            _(
                "The project already has its %(count)d 前期 nodes; change them as any work "
                "item, or remove them first."
            )
            % {"count": already}
        )
    with transaction.atomic():
        projects_lock([project.pk])
        stored = prework_template(project.city)
        rows = _rows_of(stored)
        template = rows.template()
        finish_by = groundbreaking - timedelta(days=1)
        try:
            dated = schedule_backward(
                template, finish_by=finish_by, calendar=_official_calendar(project)
            )
        except CoreError as error:
            raise as_validation_error(error) from error
        spans = _spans(project, dated)
        phase = _phase()
        order = next_item_order(project=project)
        items: dict[str, WorkItem] = {}
        for n, (node, when, span) in enumerate(zip(rows.nodes, dated, spans, strict=True)):
            try:
                items[node.code] = work_item_create(
                    project=project,
                    reschedule=False,
                    actor=actor,
                    code=f"{ITEM_PREFIX}{node.code}",
                    name=node.name,
                    kind=WorkItem.Kind.MILESTONE if when.milestone else WorkItem.Kind.TASK,
                    phase=phase,
                    prework_code=node.code,
                    owner_department=node.department or project.owner_department,
                    duration_days=0 if when.milestone else span,
                    planned_start=None if when.milestone else when.start,
                    deadline=when.finish,
                    order=order + n,
                )
            except ValidationError as error:
                raise ValidationError(
                    _("前期 node “%(name)s”: %(problem)s")
                    % {"name": node.name, "problem": " ".join(error.messages)}
                ) from error
        dependencies_add(
            project=project,
            links=[
                Link(items[k.predecessor], items[k.successor], k.kind, k.lag_days)
                for k in rows.links
            ],
            reschedule=False,
            actor=actor,
        )
        schedule_recalculate(project=project)
        first_start = min(when.start for when in dated)
        audit_record(
            user=actor,
            action="prework_apply",
            target=project,
            detail={
                "nodes": len(items),
                "links": len(rows.links),
                "finish_by": finish_by.isoformat(),
                "first_start": first_start.isoformat(),
            },
        )
    return PreworkApplied(
        items=list(items.values()),
        finish_by=finish_by,
        first_start=first_start,
        before_project_start=first_start < project.start_date,
    )


def _spans(project: Project, dated) -> list[int]:
    """Each node's working days in the project's own calendar (from its start to its
    finish, both counted; at least one for a task): the same as the template's on a
    working-day project, the calendar days on a 日历天 one."""
    if not dated:
        return []
    first = np.datetime64(min(d.start for d in dated), "D")
    last = np.datetime64(max(d.finish for d in dated), "D")
    worked = np.concatenate([[0], np.cumsum(project_calendar(project).working_mask(first, last))])
    spans = []
    for node in dated:
        start = int((np.datetime64(node.start, "D") - first).astype(np.int64))
        finish = int((np.datetime64(node.finish, "D") - first).astype(np.int64))
        spans.append(max(int(worked[finish + 1] - worked[start]), 1))
    return spans
