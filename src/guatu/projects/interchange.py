"""Microsoft Project plans (XML, and .mpp/.xer through MPXJ) to and from guatu projects.

Import creates one project with a work item per task (summary tasks are
only outline and are left out), a dependency per link, the constraints
guatu knows (start no earlier than → planned start, finish no later than →
time node, manually scheduled → fixed), and the plan's own calendar
exceptions. Export writes a project with its computed schedule.

Neither way carries the project's master data (项目信息: 项目代码, 建设单位, 总投资 …):
MSPDI has no field for them, and its project properties (``Company``, ``Manager``,
``Author``) describe whoever drew the plan — usually the 施工单位, not the 建设单位 or
the 市领导 who 包联 the project — so guessing from them would store a wrong 建设单位.
The office enters them on the form, the API or the ledger (docs/PROJECTS.md).
"""

import re
import tempfile
from datetime import date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guatu.access import can_manage_projects, require
from guatu.audit.services import audit_record
from guatu.core.errors import CoreError
from guatu.core.mspdi import (
    FNLT,
    SNET,
    MspdiLink,
    MspdiProject,
    MspdiTask,
    read_mspdi,
)
from guatu.core.mspdi_schedule import ScheduledMspdi, schedule_checked, whole_day_refusal
from guatu.core.mspdi_write import write_mspdi
from guatu.core.schedule import LINK_TYPES
from guatu.errors import as_validation_error
from guatu.org.models import CalendarException, City, Department
from guatu.projects.models import Dependency, Project, WorkItem
from guatu.projects.plan_files import as_mspdi
from guatu.projects.scheduling import (
    planned_schedule,
    project_calendar,
    schedule_recalculate,
)
from guatu.projects.services import Link, dependencies_add, work_item_create

MONDAY_TO_FRIDAY = (True, True, True, True, True, False, False)
EVERY_DAY = (True,) * 7
MINUTES_PER_DAY = 480


def project_import_mspdi(
    *,
    path: str | Path,
    code: str,
    city: City,
    owner_department: Department,
    name: str | None = None,
    actor,
) -> Project:
    """Create a project from an MSPDI file, all of it or nothing (the supervision office).

    Raises ``ValidationError`` with a translated message for a file guatu
    cannot schedule as it is (fractional days, elapsed lags …) or a code in use.
    """
    require(can_manage_projects(actor), user=actor, action="project_import_mspdi", target=city)
    plan, scheduled = _read_plan(path)
    calendar = _plan_calendar(plan)
    if Project.everywhere.filter(city=city, code=code).exists():
        raise ValidationError(
            {"code": _("A project with the code “%(code)s” exists.") % {"code": code}}
        )
    tasks = scheduled.tasks
    times = scheduled.times()
    # Microsoft Project lets a constrained task start before the project's start.
    start_date = min([plan.start.date(), *(when.start.date() for when in times)])
    with transaction.atomic():
        project = Project(
            city=city,
            code=code,
            name=name or plan.name,
            start_date=start_date,
            calendar=calendar,
            owner_department=owner_department,
            description=_("Imported from the plan file %(file)s.") % {"file": Path(path).name},
        )
        project.full_clean()
        project.save()
        CalendarException.objects.bulk_create(
            CalendarException(city=city, project=project, date=day, working=working, note="MSPDI")
            for day, working in sorted(plan.calendar.exceptions.items())
        )
        items = _items_create(project, plan, tasks, start_date, actor=actor)
        dependencies_add(
            project=project, links=_links(plan, tasks, items), reschedule=False, actor=actor
        )
        schedule_recalculate(project=project)
        _check_same_schedule(scheduled, items, start_date, planned_schedule(project))
        audit_record(
            user=actor,
            action="project_import_mspdi",
            target=project,
            detail={"file": Path(path).name, "tasks": len(tasks)},
        )
    return project


def _read_plan(path: str | Path) -> tuple[MspdiProject, ScheduledMspdi]:
    """The plan in the file and its schedule, refused if guatu cannot schedule it as it is."""
    try:
        with tempfile.TemporaryDirectory() as folder:
            plan = read_mspdi(as_mspdi(Path(path), Path(folder)))
        scheduled = schedule_checked(plan)
        refusal = whole_day_refusal(scheduled)
        if refusal is not None:
            raise refusal.error()
    except CoreError as error:
        raise as_validation_error(error, "file") from error
    return plan, scheduled


def _plan_calendar(plan: MspdiProject) -> Project.Calendar:
    """The project calendar of the plan's working week: seven days, or Monday to Friday."""
    if plan.calendar.weekdays == EVERY_DAY:
        return Project.Calendar.CALENDAR_DAY
    if plan.calendar.weekdays == MONDAY_TO_FRIDAY:
        return Project.Calendar.WEEKLY
    raise ValidationError(
        {"file": _("Only a Monday–Friday or a seven-day working week can be imported.")}
    )


def _items_create(
    project: Project, plan: MspdiProject, tasks: list[MspdiTask], start_date: date, *, actor
) -> dict[int, WorkItem]:
    """A work item per task, in the plan's order; return them by the task's uid."""
    per_day = plan.minutes_per_day
    items: dict[int, WorkItem] = {}
    for order, task in enumerate(tasks, start=1):
        items[task.uid] = work_item_create(
            project=project,
            reschedule=False,
            actor=actor,
            code=f"uid-{task.uid}",
            name=task.name[:120],
            kind=WorkItem.Kind.MILESTONE if task.duration == 0 else WorkItem.Kind.TASK,
            duration_days=task.duration // per_day,
            planned_start=_planned_start(task, plan, start_date),
            fixed=_fixed_start(task) is not None,
            deadline=_deadline(task),
            owner_department=project.owner_department,
            order=order * 10,
        )
    return items


def _links(plan: MspdiProject, tasks: list[MspdiTask], items: dict[int, WorkItem]) -> list[Link]:
    """The plan's links between the items created, their lags in whole days."""
    per_day = plan.minutes_per_day
    return [
        Link(items[link.predecessor], items[task.uid], LINK_TYPES[link.kind], link.lag // per_day)
        for task in tasks
        for link in task.links
        if link.predecessor in items
    ]


def upload_file_name(name: str) -> str:
    """An uploaded file's own name, safe to write in a folder of ours (messages show it)."""
    safe = re.sub(r"[^\w.\-]", "_", Path(name).name)[-100:].lstrip(".")
    return safe or "plan.xml"


def project_import_upload(*, upload, **fields) -> Project:
    """``project_import_mspdi`` on an uploaded file (page and API), under the file's own name."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / upload_file_name(upload.name)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return project_import_mspdi(path=path, **fields)


def _fixed_start(task: MspdiTask) -> datetime | None:
    """Where a manually scheduled task stays."""
    return task.start if task.manual else None


def _planned_start(task: MspdiTask, plan: MspdiProject, start_date: date) -> date | None:
    """Start no earlier than: the manual or actual start, the constraint, or the plan's start.

    A task already started is not fixed (Microsoft does not treat it as manually
    scheduled); its actual start is where it starts, and the check that follows
    the import refuses the plan should a predecessor move it.
    """
    for moment in (_fixed_start(task), task.actual_start):
        if moment is not None:
            return moment.date()
    if task.constraint == SNET and task.constraint_date is not None:
        return task.constraint_date.date()
    return plan.start.date() if plan.start.date() > start_date else None


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _check_same_schedule(
    scheduled: ScheduledMspdi, items: dict[int, WorkItem], start_date: date, planned: dict
) -> None:
    """Refuse (and so roll back) a project whose day schedule is not Microsoft Project's.

    Compared with the plan as guatu schedules it with nothing reported (*planned*,
    ``planned_schedule``): the file's dates are Microsoft's plan, which does not move work
    not started to a status date the way the stored schedule does from the city's data date.
    """
    axis, r = scheduled.axis, scheduled.result
    origin = axis.offset(datetime.combine(start_date, time(0)))

    def _day(value: int, other: int, *, start: bool) -> date:
        """The day guatu shows for an offset: a milestone at the end of the day before."""
        if value == other and value > origin:
            return axis.finish_moment(value).date()
        return (axis.start_moment(value) if start else axis.finish_moment(value)).date()

    per_day = scheduled.project.minutes_per_day
    for i, (task, when) in enumerate(zip(scheduled.tasks, scheduled.times(), strict=True)):
        mine = planned[items[task.uid].pk]
        ours = {
            _("early start"): mine["early_start"],
            _("early finish"): mine["early_finish"],
            _("late start"): mine["late_start"],
            _("late finish"): mine["late_finish"],
            _("total float (days)"): mine["total_float"],
            _("free float (days)"): mine["free_float"],
            _("critical"): mine["critical"],
        }
        theirs = {
            _("early start"): _day(int(r.es[i]), int(r.ef[i]), start=True),
            _("early finish"): _day(int(r.ef[i]), int(r.es[i]), start=False),
            _("late start"): _day(int(r.ls[i]), int(r.lf[i]), start=True),
            _("late finish"): _day(int(r.lf[i]), int(r.ls[i]), start=False),
            _("total float (days)"): when.total_slack // per_day,
            _("free float (days)"): when.free_slack // per_day,
            _("critical"): when.critical,
        }
        for field, value in theirs.items():
            if ours[field] != value:
                raise ValidationError(
                    {
                        "file": _(
                            "Task %(task)s: as a project in the system its %(field)s would be "
                            "%(ours)s, but Microsoft Project's is %(theirs)s; the plan is "
                            "not imported."
                        )
                        % {
                            "task": task.label,
                            "field": field,
                            "ours": _shown(ours[field]),
                            "theirs": _shown(value),
                        }
                    }
                )


def _deadline(task: MspdiTask) -> date | None:
    """The time node: a finish-no-later-than constraint or a deadline, the earlier."""
    found = [
        moment.date()
        for moment in (task.constraint_date if task.constraint == FNLT else None, task.deadline)
        if moment is not None
    ]
    return min(found, default=None)


def project_export_mspdi(*, project: Project) -> bytes:
    """Return *project* and its schedule as an MSPDI document."""
    calendar = project_calendar(project)
    items = list(project.work_items.order_by("order", "pk"))
    links: dict[int, list[MspdiLink]] = {}
    for dependency in Dependency.objects.filter(predecessor__project=project):
        links.setdefault(dependency.successor_id, []).append(
            MspdiLink(
                dependency.predecessor_id,
                LINK_TYPES.index(dependency.type),
                dependency.lag_days * MINUTES_PER_DAY,
            )
        )
    tasks = []
    for item in items:
        task = MspdiTask(
            uid=item.pk,
            name=item.name,
            duration=item.duration_days * MINUTES_PER_DAY,
            milestone=item.is_milestone,
            manual=item.fixed,
            links=links.get(item.pk, []),
        )
        if item.fixed:
            task.start = datetime.combine(item.planned_start, time(8))
        elif item.deadline is not None:
            task.constraint = FNLT
            task.constraint_date = datetime.combine(item.deadline, time(17))
        elif item.planned_start is not None:
            task.constraint = SNET
            task.constraint_date = datetime.combine(item.planned_start, time(8))
        tasks.append(task)
    plan = MspdiProject(
        name=project.name,
        start=datetime.combine(project.start_date, time(8)),
        calendar=calendar,
        tasks=tasks,
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "project.xml"
        try:
            write_mspdi(out, plan)
        except CoreError as error:
            raise as_validation_error(error) from error
        return out.read_bytes()
