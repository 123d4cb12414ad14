"""Write paths for projects: projects, work items, links and joint milestones.

Every link goes through ``dependencies_add``, which checks the whole
project's network for a cycle before storing anything, so the scheduling
engine can rely on the links forming a DAG.

A project is created and changed by ``project_create`` and ``project_update``
(the web form and the admin); a work item by ``work_item_create`` and
``work_item_update`` (the web form, the admin, a plan file). Before they write,
``project_check`` and ``work_item_check`` refuse, each at its field, what the
model's own validation does not: a code in use in the city or the project, a
date or a figure outside ``core.limits``, a town or department of another city,
a time node later than the project's target date.

The project's master data (项目信息: 项目代码, 建设单位, 总投资 …, ``MASTER_FIELDS``)
goes the same way: ``project_values`` writes the 项目代码 as the platform does
(fullwidth digits typed with a Chinese input method made ASCII), and
``project_check`` judges it against the city's division and today's year with
``core.project_code`` — the one rule the form, the API, the admin and the ledger
share.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_manage_projects, require
from guatu.accounts.models import Role
from guatu.audit.services import audit_record
from guatu.common.bounds import MAX_QUANTITY
from guatu.core.errors import CoreError
from guatu.core.limits import CONTROL, EARLIEST, LATEST, MAX_DAYS
from guatu.core.network import check_acyclic, check_joint_branches
from guatu.core.project_code import check_project_code, normalise_project_code
from guatu.errors import as_validation_error, translate
from guatu.org.clock import city_today
from guatu.org.models import Town
from guatu.projects.geometry import geometry_or_error
from guatu.projects.models import SCHEDULE_INPUTS, Dependency, Project, WorkItem
from guatu.projects.plan_lock import (
    approved_baselines,
    locked_message,
    refuse_links_change,
    refuse_plan_move,
)
from guatu.projects.scheduling import projects_lock, schedule_recalculate

#: The fields of a project a person edits (the rest is the schedule's, or the city's).
PROJECT_FIELDS = (
    "code",
    "name",
    "programme",
    "description",
    "start_date",
    "deadline",
    "calendar",
    "owner_department",
)
#: The project's master data (项目信息) for 投资调度; the lead department (牵头单位) is
#: ``owner_department``. All optional: a city's first ledger may have none of them.
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
    "leader",
    "responsible_town",
    "preparation",
)
PROJECT_FIELDS = (*PROJECT_FIELDS, *MASTER_FIELDS)
#: The largest 总投资 (万元) the column holds (DecimalField(14, 2)).
MAX_INVESTMENT = Decimal("999999999999.99")
#: Text fields checked for a NUL character (PostgreSQL stores none in a text column).
TEXT_FIELDS = (
    "name",
    "programme",
    "description",
    "builder",
    "main_content",
    "responsible_leader",
    "preparation",
)
#: The fields of a project its schedule is computed from: changing one reschedules it.
PROJECT_SCHEDULE_INPUTS = frozenset({"start_date", "deadline", "calendar"})
#: Codes the project pages' own addresses use (``/projects/new/``, ``/projects/import/``,
#: ``/projects/prework/``).
RESERVED_CODES = frozenset({"new", "import", "prework"})


def _bounds_problems(values: dict[str, Any], days: tuple[str, ...], numbers: dict) -> dict:
    """The fields of *values* outside guatu's span of days or its largest figures."""
    problems: dict[str, list[str]] = {}
    for name in days:
        day = values.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            problems[name] = [
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            ]
    for name, (low, high) in numbers.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            problems[name] = [
                _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high}
            ]
    return problems


def project_values(values: dict[str, Any]) -> dict[str, Any]:
    """*values* as stored: the 项目代码 written as the platform writes it (trimmed, fullwidth
    digits and letters made ASCII, upper case), so that one code never reads two ways."""
    code = values.get("project_code")
    if isinstance(code, str):
        return {**values, "project_code": normalise_project_code(code)}
    return values


def project_code_problems(
    *,
    city,
    code: str,
    project: Project | None = None,
    year: int | None = None,
    unique: bool = True,
) -> list[str]:
    """Each thing wrong with the 项目代码 *code* (written as ``project_values`` writes it)
    for a project of *city*, in the active language: its shape and each part
    (``core.project_code``: a year after *year*, today's by default, or a division
    neither the city's nor below it, named), or another project of the city having it
    (unless not *unique*: the ledger compares a whole sheet's codes in one query).
    The form, the API, the admin and the ledger all ask here."""
    year = city_today(city).year if year is None else year
    found = check_project_code(code, division=city.code, year=year)
    if found:
        return [translate(problem) for problem in found]
    if not unique:
        return []
    other = Project.everywhere.filter(city=city, project_code=code)
    if project is not None and project.pk:
        other = other.exclude(pk=project.pk)
    if other.exists():
        return [_("Another project of the city has the 项目代码 %(code)s.") % {"code": code}]
    return []


def _master_problems(city, values: dict[str, Any], project: Project | None) -> dict:
    """What the master data may not be: a 项目代码 of another division or a future year
    (each part named, ``core.project_code``) or one the city already gave another project;
    a 总投资 out of its column's bounds; a town of another city; a completion planned
    before the start of works; a NUL character in a text."""
    problems: dict[str, list[str]] = _bounds_problems(
        values, ("planned_groundbreaking", "planned_completion", "groundbreaking"), {}
    )
    for name in TEXT_FIELDS:
        if (found := _control_problem(values.get(name))) is not None:
            problems[name] = [found]
    code = values.get("project_code")
    if code and "project_code" not in problems:
        found = project_code_problems(city=city, code=code, project=project)
        if found:
            problems["project_code"] = found
    amount = values.get("total_investment")
    if amount is not None and not (
        isinstance(amount, Decimal | int)
        and Decimal(amount).is_finite()
        and 0 <= amount <= MAX_INVESTMENT
    ):
        problems["total_investment"] = [
            _("Enter an amount (万元) between 0 and %(high)s.") % {"high": MAX_INVESTMENT}
        ]
    town = values.get("responsible_town")
    if town is not None and town.city_id != city.pk:
        problems["responsible_town"] = [_("Choose a town of the project's city.")]
    if (found := leader_problem(city, values.get("leader"))) is not None:
        problems["leader"] = [found]

    def merged(name: str):
        return values[name] if name in values else getattr(project, name, None)

    start, finish = merged("planned_groundbreaking"), merged("planned_completion")
    if (
        start
        and finish
        and finish < start
        and not {"planned_groundbreaking", "planned_completion"} & problems.keys()
    ):
        field = "planned_completion" if "planned_completion" in values else "planned_groundbreaking"
        problems[field] = [
            _("The planned completion %(finish)s is before the planned start of works %(start)s.")
            % {"finish": finish.isoformat(), "start": start.isoformat()}
        ]
    return problems


def leader_problem(city, leader) -> str | None:
    """What is wrong with *leader* as the 包联市领导 of a project of *city* (None: nothing,
    or no leader): a user of another city, a user whose role is not city leader, or one
    who can no longer sign in. The form, the API and the admin all ask here."""
    if leader is None:
        return None
    if leader.city_id != city.pk:
        return _("Choose a city leader of the project's city.")
    if leader.role != Role.LEADER:
        return _(
            "%(name)s is not a city leader (市领导): only a user with the role city leader "
            "can be a project's 包联市领导."
        ) % {"name": leader.get_full_name() or leader.username}
    if not leader.is_active:
        return _("%(name)s can no longer sign in: choose an active city leader.") % {
            "name": leader.get_full_name() or leader.username
        }
    return None


def project_check(*, city, values: dict[str, Any], project: Project | None = None) -> None:
    """Raise ``ValidationError``, at each field, for what *values* may not be in *city*.

    A code the city already uses, a date outside ``core.limits``, an owner
    department of another city, (for a stored *project*) a target date
    earlier than one of its items' time nodes, and the master data's own rules
    (``_master_problems``). The model's own rules (a target before the start,
    required fields, a level not in its list) are ``full_clean``'s.
    """
    values = project_values(values)
    problems = _bounds_problems(values, ("start_date", "deadline"), {})
    problems.update(_master_problems(city, values, project))
    code = values.get("code")
    if code in RESERVED_CODES and project is None:
        problems["code"] = [_("This code is reserved; choose another.")]
    if project is not None and project.pk:
        number = approved_baselines([project.pk]).get(project.pk)
        moved = [
            name
            for name in sorted(PROJECT_SCHEDULE_INPUTS & values.keys())
            if values[name] != getattr(project, name)
        ]
        if number and moved:  # the target moves with a 节点调整 a leader approves
            for name in moved:
                problems.setdefault(name, []).append(locked_message(number))
    if code and (
        Project.everywhere.filter(city=city, code=code)
        .exclude(pk=project.pk if project else None)
        .exists()
    ):
        problems["code"] = [_("A project with the code “%(code)s” exists.") % {"code": code}]
    department = values.get("owner_department")
    if department is not None and department.city_id != city.pk:
        problems["owner_department"] = [_("Choose a department of the project's city.")]
    problems.update(_place_problems(city, values))
    deadline = values.get("deadline")
    if project is not None and project.pk and deadline and "deadline" not in problems:
        later = (
            WorkItem.everywhere.filter(project=project, deadline__gt=deadline)
            .order_by("-deadline")
            .first()
        )
        if later is not None:
            problems["deadline"] = [
                _(
                    "The work item “%(item)s” has its time node on %(node)s, later than this "
                    "target date: move that node first."
                )
                % {"item": later.name, "node": later.deadline.isoformat()}
            ]
    if problems:
        raise ValidationError(problems)


def project_create(*, city, actor, **fields: Any) -> Project:
    """Create a project of *city* from *fields* (``PROJECT_FIELDS``) and schedule it.

    Only the supervision office creates projects. Checked (``project_check``, then the
    model's rules), stored, scheduled and audited in one transaction.
    """
    require(can_manage_projects(actor), user=actor, action="project_create", target=city)
    fields = project_values(fields)
    project_check(city=city, values=fields)
    project = Project(city=city, **fields)
    project.full_clean()
    with transaction.atomic():
        project.save()
        schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="project_create",
            target=project,
            detail={"code": project.code, "name": project.name},
        )
    return project


def project_update(*, project: Project, actor, **fields: Any) -> Project:
    """Change *fields* of *project*; a changed start, target date or calendar reschedules it.

    Only the supervision office; checked like ``project_create``, and a target date is
    refused when one of the project's time nodes lies after it. One transaction.
    """
    require(can_manage_projects(actor), user=actor, action="project_update", target=project)
    fields = project_values(fields)
    project_check(city=project.city, values=fields, project=project)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    reschedule = bool(PROJECT_SCHEDULE_INPUTS & fields.keys())
    with transaction.atomic():
        if reschedule:
            projects_lock([project.pk])
        project.save(update_fields=list(fields))
        if reschedule:
            schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="project_update",
            target=project,
            detail={name: str(value) for name, value in fields.items()},
        )
    return project


def _control_problem(text: Any) -> str | None:
    """A NUL or another control character in a text: no document (the 布局图's SVG, the
    public feed, a workbook) can carry it, so it is refused where it is typed."""
    if not isinstance(text, str) or not CONTROL.search(text):
        return None
    if "\x00" in text:
        return _("The text contains a NUL character; remove it.")
    return _("The text contains a control character; remove it.")


def _place_problems(city, values: dict[str, Any]) -> dict[str, list[str]]:
    """A place given with other fields (a path that does not go through ``place_set``) is
    checked by the same rule: ``core.geo`` near the city."""
    if values.get("geometry") is None:
        return {}
    try:
        geometry_or_error(values["geometry"], city)
    except ValidationError as error:
        return error.message_dict
    return {}


def work_item_check(
    *, project: Project, values: dict[str, Any], item: WorkItem | None = None
) -> None:
    """Raise ``ValidationError``, at each field, for what *values* may not be in *project*.

    A code the project already uses, a date, duration or figure outside
    ``core.limits``, a town, village or department of another city, and a time
    node later than the project's target date (the target is the last node; an item
    that may end after it would make the target a fiction).
    """
    problems = _bounds_problems(
        values,
        ("planned_start", "deadline"),
        {
            "duration_days": (0, MAX_DAYS),
            "quantity_target": (-MAX_QUANTITY, MAX_QUANTITY),
            "planned_value": (-MAX_QUANTITY, MAX_QUANTITY),
        },
    )
    code = values.get("code")
    if code and (
        WorkItem.everywhere.filter(project=project, code=code)
        .exclude(pk=item.pk if item else None)
        .exists()
    ):
        problems["code"] = [
            _("The project already has a work item with the code “%(code)s”.") % {"code": code}
        ]
    for name in ("town", "owner_department"):
        unit = values.get(name)
        if unit is not None and unit.city_id != project.city_id:
            problems[name] = [_("Choose one of the project's city.")]
    for name in ("code", "name"):
        if (found := _control_problem(values.get(name))) is not None:
            problems[name] = [found]
    problems.update(_place_problems(project.city, values))
    deadline = values.get("deadline")
    if deadline and project.deadline and deadline > project.deadline and "deadline" not in problems:
        problems["deadline"] = [
            _("The time node is later than the project's target date %(target)s.")
            % {"target": project.deadline.isoformat()}
        ]
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True, slots=True)
class Link:
    """A link to add: ``predecessor`` → ``successor`` of ``type`` with ``lag_days``."""

    predecessor: WorkItem
    successor: WorkItem
    type: str = Dependency.Type.FS
    lag_days: int = 0


def work_item_create(
    *,
    project: Project,
    villages: Iterable[Any] = (),
    reschedule: bool = True,
    actor,
    **fields: Any,
) -> WorkItem:
    """Create a work item after validating it like a form would, and reschedule.

    Only the supervision office manages plans. ``reschedule=False`` leaves the
    recomputation to the caller, who creates many items in one transaction and
    then calls ``schedule_recalculate`` once.
    """
    require(can_manage_projects(actor), user=actor, action="work_item_create", target=project)
    work_item_check(project=project, values=fields)
    villages = list(villages)
    towns = {village.town_id for village in villages}
    if towns and Town.everywhere.filter(pk__in=towns).exclude(city_id=project.city_id).exists():
        raise ValidationError({"villages": [_("Choose one of the project's city.")]})
    item = WorkItem(project=project, **fields)
    item.full_clean()
    with transaction.atomic():
        projects_lock([project.pk])
        item.save()
        if villages:
            item.villages.set(villages)
        if reschedule:
            schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="work_item_create",
            target=item,
            detail={"project": project.code, "code": item.code},
        )
    return item


def work_item_update(*, item: WorkItem, actor, **fields: Any) -> WorkItem:
    """Change *fields* of *item*; when a schedule input changes, reschedule in one transaction."""
    require(can_manage_projects(actor), user=actor, action="work_item_update", target=item)
    work_item_check(project=item.project, values=fields, item=item)
    refuse_plan_move(item, fields)
    return work_item_change(item=item, actor=actor, action="work_item_update", **fields)


def work_item_change(*, item: WorkItem, actor, action: str, **fields: Any) -> WorkItem:
    """The change itself, for callers that checked the right to make it (an approved
    节点调整 is a leader's decision, not the office's edit): validate, save, reschedule
    when a schedule input changed, audit as *action* — in one transaction."""
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    with transaction.atomic():
        if SCHEDULE_INPUTS & fields.keys():
            projects_lock([item.project_id])
        item.save(update_fields=list(fields))
        if SCHEDULE_INPUTS & fields.keys():
            schedule_recalculate(project=item.project)
        audit_record(
            user=actor,
            action=action,
            target=item,
            detail={name: str(value) for name, value in fields.items()},
        )
    return item


def dependencies_add(
    *, project: Project, links: Sequence[Link], reschedule: bool = True, actor
) -> list[Dependency]:
    """Add *links* to *project* all together, or none of them, and reschedule.

    Raises ``ValidationError`` if a link leaves the project, repeats an
    existing pair, or closes a cycle; the message names the items in the
    cycle in order.
    """
    require(can_manage_projects(actor), user=actor, action="dependencies_add", target=project)
    refuse_links_change(project)
    for link in links:
        if link.predecessor.project_id != project.pk or link.successor.project_id != project.pk:
            raise ValidationError(
                _("“%(pred)s” → “%(succ)s” links work items of different projects.")
                % {"pred": link.predecessor, "succ": link.successor},
                code="cross_project",
            )
    with transaction.atomic():
        # Serialise link changes per project, so two concurrent edits cannot
        # each pass the cycle check and together form a cycle.
        projects_lock([project.pk])
        existing = list(
            Dependency.objects.filter(predecessor__project=project).values_list(
                "predecessor_id", "successor_id"
            )
        )
        new_pairs = [(link.predecessor.pk, link.successor.pk) for link in links]
        duplicates = set(existing) & set(new_pairs)
        if duplicates or len(set(new_pairs)) != len(new_pairs):
            raise ValidationError(
                _("A link between the same two work items already exists."), code="duplicate"
            )
        names = dict(project.work_items.values_list("pk", "name"))
        try:
            check_acyclic([*existing, *new_pairs], name=lambda pk: names[pk])
        except CoreError as error:
            raise as_validation_error(error) from error
        created = [
            Dependency(
                predecessor=link.predecessor,
                successor=link.successor,
                type=link.type,
                lag_days=link.lag_days,
            )
            for link in links
        ]
        for dependency in created:
            dependency.full_clean(validate_unique=False, validate_constraints=True)
        stored = Dependency.objects.bulk_create(created)
        if reschedule:
            schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action="dependencies_add",
            target=project,
            detail={
                "links": [
                    [link.predecessor.code, link.successor.code, link.type, link.lag_days]
                    for link in links
                ]
            },
        )
        return stored


def dependency_remove(*, dependency: Dependency, actor) -> None:
    """Remove one link (前置关系) and reschedule its project, in one transaction.

    Refused, like adding one, once the project's plan is approved (``plan_lock``).
    """
    project = dependency.successor.project
    require(can_manage_projects(actor), user=actor, action="dependency_remove", target=project)
    refuse_links_change(project)
    link = [
        dependency.predecessor.code,
        dependency.successor.code,
        dependency.type,
        dependency.lag_days,
    ]
    with transaction.atomic():
        projects_lock([project.pk])
        dependency.delete()
        schedule_recalculate(project=project)
        audit_record(user=actor, action="dependency_remove", target=project, detail={"link": link})


def joint_milestone_create(
    *,
    project: Project,
    code: str,
    name: str,
    branches: Sequence[WorkItem],
    deadline: date | None = None,
    lag_days: int = 0,
    reschedule: bool = True,
    actor,
    **fields: Any,
) -> WorkItem:
    """Create a 同期交付 milestone fed by each of *branches* (finish-to-start).

    Refused, with nothing stored, unless at least two distinct branches feed it.
    """
    # Checked before the transaction: a refusal rolled back would leave no audit entry.
    require(can_manage_projects(actor), user=actor, action="joint_milestone_create", target=project)
    try:
        check_joint_branches(name, [branch.pk for branch in branches])
    except CoreError as error:
        raise as_validation_error(error) from error
    with transaction.atomic():
        milestone = work_item_create(
            project=project,
            code=code,
            name=name,
            kind=WorkItem.Kind.MILESTONE,
            joint=True,
            duration_days=0,
            deadline=deadline,
            reschedule=False,
            actor=actor,
            **fields,
        )
        dependencies_add(
            project=project,
            links=[Link(branch, milestone, Dependency.Type.FS, lag_days) for branch in branches],
            reschedule=reschedule,
            actor=actor,
        )
    return milestone


def project_target_change(*, project: Project, actor, action: str, deadline) -> Project:
    """Move the project's target date (时间节点) for a caller that checked the right to (an
    approved 节点调整 asking for it): validate, save, reschedule, audit — one transaction."""
    before = project.deadline
    project.deadline = deadline
    project.full_clean()
    with transaction.atomic():
        projects_lock([project.pk])
        project.save(update_fields=["deadline"])
        schedule_recalculate(project=project)
        audit_record(
            user=actor,
            action=action,
            target=project,
            detail={"deadline": str(deadline), "before": str(before)},
        )
    return project
