"""Schedule a Microsoft Project plan as Microsoft Project does, or refuse it.

The plan is scheduled in working minutes of its project calendar
(``guatu.core.worktime``) by guatu's own CPM engine, with Microsoft
Project's rules where they differ from guatu's: a task with no constraint
starts at the project start while a start-no-earlier-than constraint may
place it before; a manually scheduled task, or one already started, keeps
its start; a deadline bounds the late finish; a task is critical when its
total slack is at most the project's CriticalSlackLimit, except a finished
task and a manually scheduled task with no links; a finish is the end of
the period it falls in (17:00, not 08:00 the next day) and a start the
beginning of the next, and a milestone sits at the finish of what drives it
unless its own start date does.

What it does not model is refused before scheduling, naming the task by its
own name and UID and the feature (``plan_refusals``): another calendar
driving a task (a task calendar, or a work resource's calendar that differs
from the project calendar), elapsed or percentage durations and lags,
"as late as possible", split tasks, leveling delays, links to or from
summary tasks and other projects, scheduling from the finish, multiple
critical paths, recurring calendar exceptions not spelled out day by day.

And what is left is checked: every value Microsoft Project stored in the
file (Start, Finish, Early/Late Start/Finish, Total/Free Slack, Critical) is
compared with guatu's (``differences``); an import refuses a plan where any
differs, naming the task, the field and both values. No plan is imported
with numbers other than Microsoft Project's.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from guatu.core.i18n import gettext_noop
from guatu.core.limits import shifted
from guatu.core.mspdi import (
    ALAP,
    ELAPSED_FORMATS,
    FNET,
    FNLT,
    MFO,
    MSO,
    PERCENT_FORMATS,
    SNET,
    SNLT,
    MspdiError,
    MspdiProject,
    MspdiTask,
)
from guatu.core.schedule import (
    FORWARD_ONLY,
    NO_EARLIEST,
    NO_FIX,
    NO_LATEST,
    SF,
    Constraints,
    Network,
    Schedule,
    critical_of,
    forward_only_into_fixed,
    schedule,
)
from guatu.core.worktime import MinuteAxis

__all__ = [
    "Difference",
    "MsTimes",
    "ScheduledMspdi",
    "differences",
    "plan_refusals",
    "schedule_checked",
    "schedule_mspdi",
    "schedule_project",
]

MARGIN = timedelta(days=14)


@dataclass(frozen=True)
class Refusal:
    """One feature of one task (or of the whole plan) guatu does not schedule as its tool does."""

    task: str
    feature: str  # a message id
    detail: str = ""
    whole_plan: bool = False

    def error(self) -> MspdiError:
        params = {"feature": self.feature, "detail": self.detail}
        if self.whole_plan:
            template = PLAN_REFUSAL_DETAIL if self.detail else PLAN_REFUSAL
            return MspdiError(template, plan=self.task, **params)
        template = TASK_REFUSAL_DETAIL if self.detail else TASK_REFUSAL
        return MspdiError(template, task=self.task, **params)


TASK_REFUSAL = gettext_noop(
    "Task %(task)s: %(feature)s. guatu does not schedule this as the plan's own tool "
    "(Microsoft Project, Primavera P6) does, so the plan is refused rather than imported "
    "with other dates."
)
TASK_REFUSAL_DETAIL = gettext_noop(
    "Task %(task)s: %(feature)s (%(detail)s). guatu does not schedule this as the plan's own "
    "tool (Microsoft Project, Primavera P6) does, so the plan is refused rather than imported "
    "with other dates."
)
PLAN_REFUSAL = gettext_noop(
    "The plan “%(plan)s”: %(feature)s. guatu does not schedule this as the plan's own tool "
    "does, so the plan is refused rather than imported with other dates."
)
PLAN_REFUSAL_DETAIL = gettext_noop(
    "The plan “%(plan)s”: %(feature)s (%(detail)s). guatu does not schedule this as the "
    "plan's own tool does, so the plan is refused rather than imported with other dates."
)


def _effective_calendar(
    project: MspdiProject, task: MspdiTask, first: date, last: date
) -> Refusal | None:
    """A calendar other than the project's that drives *task* (first…last), as a refusal."""
    if task.calendar_uid != -1 and task.calendar_uid in project.calendars:
        own = project.calendars[task.calendar_uid]
        if not own.same_work(project.working, first, last):
            return Refusal(task.label, gettext_noop("it has its own task calendar"))
        if task.ignore_resource_calendar:
            return None
    if task.manual:
        return None
    for name, uid in task.resource_calendars:
        calendar = project.calendars.get(uid)
        if calendar is not None and not calendar.same_work(project.working, first, last):
            return Refusal(
                task.label,
                gettext_noop("its resource's calendar differs from the project calendar"),
                name,
            )
    return None


def _dates_span(project: MspdiProject) -> tuple[date, date]:
    moments = [project.start]
    for task in project.tasks:
        moments += [
            moment
            for moment in (task.start, task.finish, task.constraint_date, task.actual_start)
            if moment is not None
        ]
    first, last = min(moments).date(), max(moments).date()
    return shifted(first, -MARGIN.days), shifted(last, MARGIN.days)


def plan_refusals(project: MspdiProject) -> Iterator[Refusal]:
    """Each thing in *project* that guatu does not schedule as Microsoft Project does."""
    tasks = [task for task in project.tasks if not task.summary]
    summaries = {task.uid for task in project.tasks if task.summary}
    named = {task.uid: task for task in project.tasks}
    if not tasks:
        return
    first, last = _dates_span(project)
    axis = MinuteAxis(project.working, first, last)
    if not project.from_start:
        yield Refusal(
            project.name,
            gettext_noop("the plan is scheduled from its finish date"),
            whole_plan=True,
        )
    if project.multiple_critical_paths:
        yield Refusal(
            project.name, gettext_noop("it calculates multiple critical paths"), whole_plan=True
        )
    for option in project.status_moves:  # Microsoft splits tasks at the status date
        yield Refusal(
            project.name,
            gettext_noop("it moves parts of tasks to the status date"),
            option,
            whole_plan=True,
        )
    if not project.working.has_work():
        yield Refusal(
            project.name, gettext_noop("its project calendar has no working time"), whole_plan=True
        )
    if project.calendar_uid in project.recurring:
        yield Refusal(
            project.name,
            gettext_noop("its calendar has a recurring exception not listed day by day"),
            project.recurring[project.calendar_uid],
            whole_plan=True,
        )
    for task in project.tasks:
        if task.summary and task.uid != 0 and task.links:
            yield Refusal(task.label, gettext_noop("a summary task has links"))
    for task in tasks:
        if task.external:
            yield Refusal(task.label, gettext_noop("it is an external task or a subproject"))
        if task.duration_format in ELAPSED_FORMATS | PERCENT_FORMATS:
            yield Refusal(task.label, gettext_noop("its duration is elapsed time"))
        if task.constraint == ALAP:
            yield Refusal(task.label, gettext_noop("it is scheduled as late as possible"))
        if task.leveling_delay:
            yield Refusal(task.label, gettext_noop("it has a leveling delay"))
        if task.duration < 0:
            yield Refusal(task.label, gettext_noop("its duration is negative"))
        for link in task.links:
            source = named.get(link.predecessor)
            what = source.label if source else f"UID {link.predecessor}"
            if link.cross_project:
                yield Refusal(task.label, gettext_noop("a link from another project"), what)
            elif link.predecessor in summaries:
                yield Refusal(task.label, gettext_noop("a link from a summary task"), what)
            elif link.lag and link.lag_format in ELAPSED_FORMATS:
                yield Refusal(task.label, gettext_noop("a lag in elapsed time"), what)
            elif link.lag and link.lag_format in PERCENT_FORMATS:
                yield Refusal(task.label, gettext_noop("a lag in percent"), what)
        other = _effective_calendar(project, task, first, last)
        if other is not None:
            yield other
        elif _split(axis, task):
            yield Refusal(task.label, gettext_noop("it is split (its work is interrupted)"))


def _split(axis: MinuteAxis, task: MspdiTask) -> bool:
    """Whether the stored start and finish are further apart than the task's work."""
    if task.manual or task.duration == 0 or task.start is None or task.finish is None:
        return False
    return axis.offset(task.finish) - axis.offset(task.start) != task.duration


@dataclass(frozen=True)
class MsTimes:
    """One task's schedule as Microsoft Project shows it."""

    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_slack: int  # working minutes
    free_slack: int
    critical: bool


@dataclass(frozen=True)
class ScheduledMspdi:
    """The schedulable (non-summary) tasks, their schedule in minutes, and the axis."""

    project: MspdiProject
    tasks: list[MspdiTask]
    result: Schedule
    axis: MinuteAxis
    earliest: np.ndarray
    #: Tasks with a link; whose early finish a predecessor's start sets (SF); manually
    #: scheduled tasks whose late finish a successor sets.
    linked: np.ndarray
    start_driven: np.ndarray
    feeds: np.ndarray

    def times(self) -> list[MsTimes]:
        r, axis = self.result, self.axis
        limit = self.project.critical_slack_limit * self.project.minutes_per_day
        manual = np.array([task.manual for task in self.tasks], dtype=bool)
        # A manually scheduled task with resources counts as linked (Microsoft's flags).
        staffed = np.array([bool(task.resource_calendars) for task in self.tasks], dtype=bool)
        critical_flags = critical_of(r.tf, manual, self.linked | staffed, limit)
        found = []
        for i, task in enumerate(self.tasks):
            es, ef, ls, lf = int(r.es[i]), int(r.ef[i]), int(r.ls[i]), int(r.lf[i])
            if es == ef:  # a milestone: at its own start, or at the finish of what drives it
                early = axis.start_moment(es) if es == self.earliest[i] else axis.finish_moment(es)
                late = axis.finish_moment(ls) if ls > 0 else axis.start_moment(ls)
                early_finish, late_finish = early, late
            else:
                early, late = axis.start_moment(es), axis.start_moment(ls)
                # A finish set by a predecessor's start (SF, no lag) stays at that moment,
                # and so does a manually scheduled task's late finish set by a successor.
                early_finish = (
                    axis.start_moment(ef) if self.start_driven[i] else axis.finish_moment(ef)
                )
                late_finish = axis.start_moment(lf) if self.feeds[i] else axis.finish_moment(lf)
            critical = bool(critical_flags[i]) and task.percent_complete < 100
            found.append(
                MsTimes(
                    start=early,
                    finish=early_finish,
                    early_start=early,
                    early_finish=early_finish,
                    late_start=late,
                    late_finish=late_finish,
                    total_slack=int(r.tf[i]),
                    free_slack=int(r.ff[i]),
                    critical=critical,
                )
            )
        return found


def schedule_project(project: MspdiProject) -> ScheduledMspdi:
    """Schedule *project* in working minutes; refuse first what is not modelled."""
    for refusal in plan_refusals(project):
        raise refusal.error()
    first, last = _dates_span(project)
    tasks = [task for task in project.tasks if not task.summary]
    span = sum(max(task.duration, 0) for task in tasks) + sum(
        max(link.lag, 0) for task in tasks for link in task.links
    )
    per_week = sum(project.working.minutes_on(first + timedelta(days=k)) for k in range(7)) or 1
    last += timedelta(days=7 * (span // per_week + 2) + 31)
    for _attempt in range(8):
        scheduled = _schedule_on(project, tasks, MinuteAxis(project.working, first, last))
        r = scheduled.result
        low = min(int(r.ls.min()), int(r.es.min())) if len(tasks) else 0
        high = max(int(r.lf.max()), int(r.ef.max())) if len(tasks) else 0
        if low >= 0 and high < scheduled.axis.total:
            return scheduled
        if low < 0:
            first -= timedelta(days=max(366, (last - first).days))
        else:
            last += timedelta(days=max(366, (last - first).days))
    raise MspdiError(gettext_noop("The plan spans more time than guatu can schedule."))


def _schedule_on(project: MspdiProject, tasks: list[MspdiTask], axis: MinuteAxis) -> ScheduledMspdi:
    index = {task.uid: i for i, task in enumerate(tasks)}
    n = len(tasks)
    earliest = np.full(n, NO_EARLIEST, dtype=np.int64)
    latest = np.full(n, NO_LATEST, dtype=np.int64)
    fixed = np.full(n, NO_FIX, dtype=np.int64)
    linked = np.zeros(n, dtype=bool)
    origin = axis.offset(project.start)
    pred, succ, kind, lag = [], [], [], []
    for i, task in enumerate(tasks):
        d = task.duration
        when = task.constraint_date
        earliest[i] = origin
        if task.manual and task.start is not None:
            fixed[i] = axis.offset(task.start)
        elif task.actual_start is not None:
            fixed[i] = axis.offset(task.actual_start)
        elif when is not None and task.constraint:
            if task.constraint == SNET:
                earliest[i] = axis.offset(when)
            elif task.constraint == FNET:
                earliest[i] = max(origin, axis.offset(when) - d)
            elif task.constraint == FNLT:
                latest[i] = axis.offset(when)
            elif task.constraint == SNLT:
                latest[i] = axis.offset(when) + d
            elif task.constraint == MSO:
                fixed[i] = axis.offset(when)
            elif task.constraint == MFO:
                fixed[i] = axis.offset(when) - d
        if fixed[i] != NO_FIX:
            earliest[i] = fixed[i]
        if task.deadline is not None:
            latest[i] = min(latest[i], axis.offset(task.deadline))
        for link in task.links:
            if link.predecessor not in index:
                continue  # the project summary (UID 0) or a deleted task: Microsoft ignores it
            p = index[link.predecessor]
            linked[i] = linked[p] = True
            pred.append(p)
            succ.append(i)
            kind.append(link.kind)
            lag.append(link.lag)
    manual = np.array([task.manual for task in tasks], dtype=bool)
    kind = forward_only_into_fixed(kind, succ, manual).tolist()
    network = Network.from_arrays(
        duration=[task.duration for task in tasks], pred=pred, succ=succ, kind=kind, lag=lag
    )
    result = schedule(
        network,
        constraints=Constraints(earliest_start=earliest, latest_finish=latest, fixed_start=fixed),
        names=lambda i: tasks[i].label,
    )
    start_driven = np.zeros(n, dtype=bool)
    feeds = np.zeros(n, dtype=bool)
    for p, i, k, gap in zip(pred, succ, kind, lag, strict=True):
        if k == SF and gap == 0 and result.es[p] == result.ef[i] and result.es[i] > earliest[i]:
            start_driven[i] = True
        if tasks[p].manual and k < FORWARD_ONLY:
            feeds[p] = True
    return ScheduledMspdi(project, tasks, result, axis, earliest, linked, start_driven, feeds)


@dataclass(frozen=True)
class Difference:
    """A value Microsoft Project stored that guatu's schedule does not reproduce."""

    task: MspdiTask
    field: str
    theirs: str
    ours: str

    def error(self) -> MspdiError:
        return MspdiError(
            gettext_noop(
                "Task %(task)s: the plan stores %(field)s = %(theirs)s, guatu computes "
                "%(ours)s. The plan uses scheduling guatu does not model, so it is refused "
                "rather than imported with other numbers."
            ),
            task=self.task.label,
            field=self.field,
            theirs=self.theirs,
            ours=self.ours,
        )


DATE_FIELDS = {
    "Start": "start",
    "Finish": "finish",
    "EarlyStart": "early_start",
    "EarlyFinish": "early_finish",
    "LateStart": "late_start",
    "LateFinish": "late_finish",
}


def differences(scheduled: ScheduledMspdi) -> list[Difference]:
    """Every stored value of every task that guatu's schedule does not reproduce."""
    found = []
    for task, times in zip(scheduled.tasks, scheduled.times(), strict=True):
        stored = task.computed
        for key, attribute in DATE_FIELDS.items():
            if key in stored:
                ours = getattr(times, attribute).isoformat()
                if stored[key] != ours:
                    found.append(Difference(task, key, stored[key], ours))
        for key, ours_minutes in (
            ("TotalSlack", times.total_slack),
            ("FreeSlack", times.free_slack),
        ):
            if key in stored and round(float(stored[key])) != ours_minutes * 10:
                found.append(Difference(task, key, stored[key], str(ours_minutes * 10)))
        # Critical follows from the slack: where no slack is stored (a P6 plan read through
        # MPXJ may carry none) the flag is a default, not a computed value.
        checked = "Critical" in stored and "TotalSlack" in stored
        if checked and (stored["Critical"] == "1") != times.critical:
            found.append(Difference(task, "Critical", stored["Critical"], str(int(times.critical))))
    return found


def schedule_checked(project: MspdiProject) -> ScheduledMspdi:
    """Schedule *project*; refuse it unless every value Microsoft Project stored is reproduced."""
    scheduled = schedule_project(project)
    found = differences(scheduled)
    if found:
        raise found[0].error()
    return scheduled


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def schedule_mspdi(project: MspdiProject) -> list[tuple]:
    """Rows: UID, name, start, finish, late start, late finish, TF, FF (days), critical."""
    scheduled = schedule_checked(project)
    per_day = project.minutes_per_day
    return [
        (
            task.uid,
            task.name,
            _shown(times.start),
            _shown(times.finish),
            _shown(times.late_start),
            _shown(times.late_finish),
            f"{times.total_slack / per_day:g}",
            f"{times.free_slack / per_day:g}",
            times.critical,
        )
        for task, times in zip(scheduled.tasks, scheduled.times(), strict=True)
    ]


def whole_day_refusal(scheduled: ScheduledMspdi) -> Refusal | None:
    """Why *scheduled* cannot become a guatu project, which counts whole working days.

    A plan can when every working day holds MinutesPerDay minutes and every
    duration, lag, constraint and computed date falls on a day's boundary —
    then guatu's day schedule is Microsoft Project's, day for day.
    """
    project = scheduled.project
    per_day = project.minutes_per_day
    axis = scheduled.axis
    day = axis.first
    while day <= axis.last:
        minutes = project.working.minutes_on(day)
        if minutes not in (0, per_day):
            return Refusal(
                project.name,
                gettext_noop("its working day is not as long as its MinutesPerDay"),
                f"{day.isoformat()}: {minutes / 60:g} h / {per_day / 60:g} h",
                whole_plan=True,
            )
        day += timedelta(days=1)
    r = scheduled.result
    for i, task in enumerate(scheduled.tasks):
        if task.constraint in (MSO, MFO, FNET, SNLT):
            return Refusal(task.label, gettext_noop("its constraint has no equivalent in guatu"))
        values = [task.duration, *(link.lag for link in task.links)]
        values += [int(r.es[i]), int(r.ef[i]), int(r.ls[i]), int(r.lf[i])]
        if any(value % per_day for value in values):
            return Refusal(
                task.label,
                gettext_noop("its duration, a lag or a date is not whole working days"),
            )
    return None
