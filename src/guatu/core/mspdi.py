"""Microsoft Project XML (MSPDI) in and out, scheduled by guatu's engine.

Read: tasks, durations, links (type and lag), constraints, manually
scheduled tasks, the project calendar's working week and its exceptions.
Write: a project as MSPDI that Microsoft Project (and MPXJ) can open, with
guatu's computed early/late dates and slack.

Units and codes of the schema: durations are ISO 8601 working time
(``PT8H0M0S`` = one day at 480 minutes a day); ``LinkLag`` and slack are in
tenths of a minute (4800 = one day); link ``Type`` 0=FF, 1=FS, 2=SF, 3=SS;
``ConstraintType`` 0=ASAP, 1=ALAP, 2=MSO, 3=MFO, 4=SNET, 5=SNLT, 6=FNET, 7=FNLT.

guatu schedules in whole working days. A file whose durations or lags are
not whole days, whose lags are elapsed or percentages, or that asks for
ALAP, is refused with a message naming the task, rather than approximated.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path

import numpy as np

from guatu.core.calendar import CalendarAxis, CalendarKind, WorkCalendar
from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop
from guatu.core.schedule import (
    FF,
    FORWARD_ONLY,
    FS,
    LINK_TYPES,
    NO_EARLIEST,
    NO_FIX,
    NO_LATEST,
    SF,
    SS,
    Constraints,
    Network,
    Schedule,
    schedule,
)

__all__ = [
    "MspdiError",
    "MspdiLink",
    "MspdiProject",
    "MspdiTask",
    "read_mspdi",
    "schedule_mspdi",
    "write_mspdi",
]

NS = "http://schemas.microsoft.com/project"
Q = f"{{{NS}}}"
#: MSPDI link type → guatu's code, and back.
FROM_MS_TYPE = {0: FF, 1: FS, 2: SF, 3: SS}
TO_MS_TYPE = {ours: ms for ms, ours in FROM_MS_TYPE.items()}
#: Lag formats measured in working time: m, h, d, w, mo (and their estimated forms).
WORKING_LAG_FORMATS = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44}
SNET, SNLT, FNET, FNLT, MSO, MFO, ALAP = 4, 5, 6, 7, 2, 3, 1
DAY_START = time(8, 0)
DAY_END = time(17, 0)
DURATION = re.compile(r"^-?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")


class MspdiError(CoreError):
    """An MSPDI file cannot be read or scheduled as it is."""


@dataclass(frozen=True)
class MspdiLink:
    predecessor: int
    kind: int  # guatu's code: FS, SS, FF, SF
    lag_days: int


@dataclass
class MspdiTask:
    uid: int
    name: str
    duration_days: int
    milestone: bool = False
    summary: bool = False
    manual: bool = False
    constraint: int = 0
    constraint_date: datetime | None = None
    start: datetime | None = None
    links: list[MspdiLink] = field(default_factory=list)
    #: What the file says Microsoft Project computed (EarlyStart, TotalSlack, …).
    computed: dict[str, str] = field(default_factory=dict)


@dataclass
class MspdiProject:
    name: str
    start: datetime
    calendar: WorkCalendar
    tasks: list[MspdiTask]
    minutes_per_day: int = 480
    minutes_per_week: int = 2400


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(Q + tag)
    return child.text if child is not None and child.text is not None else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _duration_minutes(value: str, task: str) -> float:
    match = DURATION.match(value.strip())
    if not match:
        raise MspdiError(
            gettext_noop("Task “%(task)s”: cannot read the duration “%(value)s”."),
            task=task,
            value=value,
        )
    hours, minutes, seconds = match.groups()
    return int(hours) * 60 + int(minutes) + float(seconds) / 60


def _whole_days(minutes: float, per_day: int, task: str, what: str) -> int:
    days = minutes / per_day
    if abs(days - round(days)) > 1e-9:
        raise MspdiError(
            gettext_noop(
                "Task “%(task)s”: the %(what)s is %(days)s working days; guatu schedules "
                "in whole days."
            ),
            task=task,
            what=what,
            days=f"{days:g}",
        )
    return round(days)


def _calendar(root: ET.Element) -> WorkCalendar:
    """The project calendar's working week and dated exceptions."""
    uid = _text(root, "CalendarUID")
    chosen = None
    for calendar in root.iterfind(f"{Q}Calendars/{Q}Calendar"):
        if _text(calendar, "UID") == uid:
            chosen = calendar
    weekdays = [True, True, True, True, True, False, False]
    exceptions: dict[date, bool] = {}
    if chosen is None:
        return WorkCalendar(CalendarKind.WEEKLY, exceptions, tuple(weekdays))
    for day in chosen.iterfind(f"{Q}WeekDays/{Q}WeekDay"):
        day_type = int(_text(day, "DayType") or 0)
        working = _text(day, "DayWorking") == "1"
        if 1 <= day_type <= 7:
            weekdays[(day_type + 5) % 7] = working  # 1 = Sunday … 7 = Saturday
        elif day_type == 0:  # an exception in the pre-2007 form
            _add_exception(day.find(Q + "TimePeriod"), working, exceptions)
    for exception in chosen.iterfind(f"{Q}Exceptions/{Q}Exception"):
        _add_exception(
            exception.find(Q + "TimePeriod"), _text(exception, "DayWorking") == "1", exceptions
        )
    return WorkCalendar(CalendarKind.WEEKLY, exceptions, tuple(weekdays))


def _add_exception(period: ET.Element | None, working: bool, into: dict[date, bool]) -> None:
    if period is None:
        return
    first = _datetime(_text(period, "FromDate"))
    last = _datetime(_text(period, "ToDate"))
    if first is None or last is None:
        return
    day = first.date()
    while day <= last.date():
        into[day] = working
        day += timedelta(days=1)


def read_mspdi(path: str | Path) -> MspdiProject:
    """Read an MSPDI file into plain values (whole working days)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise MspdiError(
            gettext_noop("Cannot read %(file)s: %(reason)s"), file=str(path), reason=str(error)
        ) from error
    if root.tag != Q + "Project":
        raise MspdiError(
            gettext_noop("%(file)s is not a Microsoft Project XML file."), file=str(path)
        )
    per_day = int(_text(root, "MinutesPerDay") or 480)
    per_week = int(_text(root, "MinutesPerWeek") or 2400)
    start = _datetime(_text(root, "StartDate"))
    if start is None:
        raise MspdiError(gettext_noop("%(file)s has no project start date."), file=str(path))
    tasks = []
    for element in root.iterfind(f"{Q}Tasks/{Q}Task"):
        uid = int(_text(element, "UID") or 0)
        name = _text(element, "Name") or f"UID {uid}"
        if _text(element, "IsNull") == "1":
            continue
        minutes = _duration_minutes(_text(element, "Duration") or "PT0H0M0S", name)
        task = MspdiTask(
            uid=uid,
            name=name,
            duration_days=_whole_days(minutes, per_day, name, gettext_noop("duration")),
            milestone=_text(element, "Milestone") == "1",
            summary=_text(element, "Summary") == "1",
            manual=_text(element, "Manual") == "1",
            constraint=int(_text(element, "ConstraintType") or 0),
            constraint_date=_datetime(_text(element, "ConstraintDate")),
            start=_datetime(_text(element, "Start")),
            computed={
                key: value
                for key in (
                    "EarlyStart",
                    "EarlyFinish",
                    "LateStart",
                    "LateFinish",
                    "TotalSlack",
                    "FreeSlack",
                    "Critical",
                    "Start",
                    "Finish",
                )
                if (value := _text(element, key)) is not None
            },
        )
        for link in element.iterfind(Q + "PredecessorLink"):
            lag_format = int(_text(link, "LagFormat") or 7)
            lag_tenths = int(_text(link, "LinkLag") or 0)
            if lag_tenths and lag_format not in WORKING_LAG_FORMATS:
                raise MspdiError(
                    gettext_noop("Task “%(task)s”: elapsed and percentage lags are not supported."),
                    task=name,
                )
            task.links.append(
                MspdiLink(
                    predecessor=int(_text(link, "PredecessorUID") or 0),
                    kind=FROM_MS_TYPE[int(_text(link, "Type") or 1)],
                    lag_days=_whole_days(lag_tenths / 10, per_day, name, gettext_noop("lag")),
                )
            )
        tasks.append(task)
    return MspdiProject(
        name=_text(root, "Name") or Path(path).stem,
        start=start,
        calendar=_calendar(root),
        tasks=tasks,
        minutes_per_day=per_day,
        minutes_per_week=per_week,
    )


@dataclass(frozen=True)
class ScheduledMspdi:
    """The schedulable (non-summary) tasks, their schedule and the calendar axis."""

    tasks: list[MspdiTask]
    result: Schedule
    axis: CalendarAxis


def _start_offset(axis: CalendarAxis, moment: datetime) -> int:
    """Working-day offset at which work starting at *moment* begins."""
    offset = int(axis.offset_of_start([moment.date()])[0])
    worked = offset < len(axis.days) and axis.days[offset] == np.datetime64(moment.date())
    return offset + 1 if worked and moment.time() >= DAY_END else offset


def _finish_offset(axis: CalendarAxis, moment: datetime) -> int:
    """Exclusive working-day offset of work finishing at *moment*."""
    offset = int(axis.offset_of_finish([moment.date()])[0])
    worked = offset > 0 and axis.days[offset - 1] == np.datetime64(moment.date())
    return offset - 1 if worked and moment.time() <= DAY_START else offset


def schedule_project(project: MspdiProject) -> ScheduledMspdi:
    """Schedule *project* with guatu's engine (summary tasks are not activities)."""
    tasks = [task for task in project.tasks if not task.summary]
    index = {task.uid: i for i, task in enumerate(tasks)}
    axis = CalendarAxis(project.calendar, project.start.date())
    n = len(tasks)
    earliest = np.full(n, NO_EARLIEST, dtype=np.int64)
    latest = np.full(n, NO_LATEST, dtype=np.int64)
    fixed = np.full(n, NO_FIX, dtype=np.int64)
    pred, succ, kind, lag = [], [], [], []
    for i, task in enumerate(tasks):
        d = task.duration_days
        if task.manual and task.start is not None:
            fixed[i] = _start_offset(axis, task.start)
        elif task.constraint and task.constraint_date is not None:
            when = task.constraint_date
            if task.constraint == SNET:
                earliest[i] = _start_offset(axis, when)
            elif task.constraint == FNET:
                earliest[i] = _finish_offset(axis, when) - d
            elif task.constraint == FNLT:
                latest[i] = _finish_offset(axis, when)
            elif task.constraint == SNLT:
                latest[i] = _start_offset(axis, when) + d
            elif task.constraint == MSO:
                fixed[i] = _start_offset(axis, when)
            elif task.constraint == MFO:
                fixed[i] = _finish_offset(axis, when) - d
        if task.constraint == ALAP:
            raise MspdiError(
                gettext_noop("Task “%(task)s”: “as late as possible” is not supported."),
                task=task.name,
            )
        for link in task.links:
            if link.predecessor not in index:
                continue  # a link from a summary task or a deleted one: MS ignores it too
            pred.append(index[link.predecessor])
            succ.append(i)
            # Microsoft Project lets a start-based link into a manually scheduled
            # task push the task but not pull its predecessor's late dates.
            forward_only = task.manual and link.kind in (SS, SF)
            kind.append(link.kind + (FORWARD_ONLY if forward_only else 0))
            lag.append(link.lag_days)
    network = Network.from_arrays(
        duration=[task.duration_days for task in tasks],
        pred=pred,
        succ=succ,
        kind=kind,
        lag=lag,
    )
    result = schedule(
        network,
        constraints=Constraints(earliest_start=earliest, latest_finish=latest, fixed_start=fixed),
        names=lambda i: tasks[i].name,
    )
    return ScheduledMspdi(tasks=tasks, result=result, axis=axis)


def schedule_mspdi(project: MspdiProject) -> list[tuple]:
    """Return rows: UID, name, start, finish, late start, late finish, TF, FF, critical."""
    scheduled = schedule_project(project)
    r, axis = scheduled.result, scheduled.axis
    milestone = r.es == r.ef
    start = np.where(milestone, axis.milestone_dates(r.es), axis.dates(r.es))
    finish = np.where(milestone, start, axis.finish_dates(r.ef))
    late_start = np.where(milestone, axis.milestone_dates(r.ls), axis.dates(r.ls))
    late_finish = np.where(milestone, late_start, axis.finish_dates(r.lf))
    return [
        (
            task.uid,
            task.name,
            str(start[i]),
            str(finish[i]),
            str(late_start[i]),
            str(late_finish[i]),
            int(r.tf[i]),
            int(r.ff[i]),
            bool(r.tf[i] <= 0),
        )
        for i, task in enumerate(scheduled.tasks)
    ]


def _iso_duration(days: int, per_day: int) -> str:
    return f"PT{days * per_day // 60}H{days * per_day % 60}M0S"


def write_mspdi(path: str | Path, project: MspdiProject) -> None:
    """Write *project*, scheduled by guatu, as MSPDI that Microsoft Project opens.

    Dates carry the standard day (08:00–17:00); slack is in tenths of a minute.
    """
    scheduled = schedule_project(project)
    r, axis = scheduled.result, scheduled.axis
    per_day = project.minutes_per_day

    def moment(offset: int, at_end: bool) -> str:
        day = axis.dates([offset - 1 if at_end else offset])[0].item()
        return datetime.combine(day, DAY_END if at_end else DAY_START).isoformat()

    finish_offset = int(r.ef.max()) if len(r.ef) else 0
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<Project xmlns="{NS}">',
        "<SaveVersion>14</SaveVersion>",
        f"<Name>{escape(project.name)}</Name>",
        "<ScheduleFromStart>1</ScheduleFromStart>",
        f"<StartDate>{moment(0, False)}</StartDate>",
        f"<FinishDate>{moment(max(finish_offset, 1), True)}</FinishDate>",
        "<CalendarUID>1</CalendarUID>",
        "<DefaultStartTime>08:00:00</DefaultStartTime>",
        "<DefaultFinishTime>17:00:00</DefaultFinishTime>",
        f"<MinutesPerDay>{per_day}</MinutesPerDay>",
        f"<MinutesPerWeek>{project.minutes_per_week}</MinutesPerWeek>",
        "<DaysPerMonth>20</DaysPerMonth>",
        "<DurationFormat>7</DurationFormat>",
        *_calendar_xml(_as_weekly(project.calendar, axis, finish_offset)),
        "<Tasks>",
    ]
    for i, task in enumerate(scheduled.tasks):
        milestone = task.duration_days == 0
        es, ef, ls, lf = int(r.es[i]), int(r.ef[i]), int(r.ls[i]), int(r.lf[i])
        start = moment(es, False) if not milestone or es == 0 else moment(es, True)
        finish = moment(ef, True) if not milestone else start
        late_start = moment(ls, False) if not milestone or ls == 0 else moment(ls, True)
        late_finish = moment(lf, True) if not milestone else late_start
        lines += [
            "<Task>",
            f"<UID>{task.uid}</UID>",
            f"<ID>{i + 1}</ID>",
            f"<Name>{escape(task.name)}</Name>",
            "<Type>1</Type>",
            "<IsNull>0</IsNull>",
            f"<Manual>{int(task.manual)}</Manual>",
            f"<Start>{start}</Start>",
            f"<Finish>{finish}</Finish>",
            f"<Duration>{_iso_duration(task.duration_days, per_day)}</Duration>",
            "<DurationFormat>7</DurationFormat>",
            f"<Milestone>{int(milestone)}</Milestone>",
            "<Summary>0</Summary>",
            f"<Critical>{int(r.tf[i] <= 0)}</Critical>",
            f"<EarlyStart>{start}</EarlyStart>",
            f"<EarlyFinish>{finish}</EarlyFinish>",
            f"<LateStart>{late_start}</LateStart>",
            f"<LateFinish>{late_finish}</LateFinish>",
            f"<TotalSlack>{int(r.tf[i]) * per_day * 10}</TotalSlack>",
            f"<FreeSlack>{int(r.ff[i]) * per_day * 10}</FreeSlack>",
            f"<ConstraintType>{task.constraint if not task.manual else 0}</ConstraintType>",
        ]
        if task.constraint_date is not None and task.constraint:
            lines.append(f"<ConstraintDate>{task.constraint_date.isoformat()}</ConstraintDate>")
        for link in task.links:
            lines += [
                "<PredecessorLink>",
                f"<PredecessorUID>{link.predecessor}</PredecessorUID>",
                f"<Type>{TO_MS_TYPE[link.kind]}</Type>",
                "<CrossProject>0</CrossProject>",
                f"<LinkLag>{link.lag_days * per_day * 10}</LinkLag>",
                "<LagFormat>7</LagFormat>",
                "</PredecessorLink>",
            ]
        lines.append("</Task>")
    lines += ["</Tasks>", "</Project>", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def _as_weekly(calendar: WorkCalendar, axis: CalendarAxis, horizon: int) -> WorkCalendar:
    """Express *calendar* as a working week plus dated exceptions, as MSPDI does.

    China's official calendar becomes Monday–Friday with every public holiday
    and make-up working day (调休) of the project's span listed as an exception.
    """
    if calendar.kind is not CalendarKind.WORKING_DAY:
        return calendar
    first = axis.start
    last = axis.dates([max(horizon, 1)])[0] + np.timedelta64(366, "D")
    worked = calendar.working_mask(first, last)
    days = np.arange(first, last + np.timedelta64(1, "D"))
    plain = (days.astype(np.int64) + 3) % 7 < 5
    differ = np.flatnonzero(worked != plain)
    exceptions = {days[i].item(): bool(worked[i]) for i in differ}
    return WorkCalendar(CalendarKind.WEEKLY, exceptions)


def _calendar_xml(calendar: WorkCalendar) -> list[str]:
    """The project calendar: its working week and each exception as its own dated entry."""
    if calendar.kind is CalendarKind.CALENDAR_DAY:
        weekdays = (True,) * 7
    elif calendar.kind is CalendarKind.WEEKLY:
        weekdays = calendar.weekdays
    else:
        weekdays = (True, True, True, True, True, False, False)
    lines = [
        "<Calendars>",
        "<Calendar>",
        "<UID>1</UID>",
        "<Name>Standard</Name>",
        "<IsBaseCalendar>1</IsBaseCalendar>",
        "<BaseCalendarUID>-1</BaseCalendarUID>",
        "<WeekDays>",
    ]
    for day_type in range(1, 8):
        working = weekdays[(day_type + 5) % 7]
        lines += [
            "<WeekDay>",
            f"<DayType>{day_type}</DayType>",
            f"<DayWorking>{int(working)}</DayWorking>",
        ]
        if working:
            lines += [
                "<WorkingTimes>",
                "<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>",
                "<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>",
                "</WorkingTimes>",
            ]
        lines.append("</WeekDay>")
    lines.append("</WeekDays>")
    exceptions = dict(calendar.exceptions)
    if exceptions:
        lines.append("<Exceptions>")
        for day, working in sorted(exceptions.items()):
            lines += [
                "<Exception>",
                f"<TimePeriod><FromDate>{day.isoformat()}T00:00:00</FromDate>"
                f"<ToDate>{day.isoformat()}T23:59:00</ToDate></TimePeriod>",
                "<Occurrences>1</Occurrences>",
                f"<Name>{'调休' if working else '休息'}</Name>",
                "<Type>1</Type>",
                f"<DayWorking>{int(working)}</DayWorking>",
            ]
            if working:
                lines += [
                    "<WorkingTimes>",
                    "<WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime>"
                    "</WorkingTime>",
                    "<WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime>"
                    "</WorkingTime>",
                    "</WorkingTimes>",
                ]
            lines.append("</Exception>")
        lines.append("</Exceptions>")
    lines += ["</Calendar>", "</Calendars>"]
    return lines


__all__ += ["LINK_TYPES", "ScheduledMspdi", "schedule_project"]
