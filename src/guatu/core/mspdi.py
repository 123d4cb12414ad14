"""Microsoft Project XML (MSPDI): what a plan file says, read to the minute.

Read: the project's options, every calendar (working periods of each weekday
and of dated exceptions, derived calendars resolved through their base),
tasks (durations in working minutes, links with their lags and lag formats,
constraints, deadlines, manual scheduling, actual dates, task calendars),
resources and assignments (whose calendars can drive a task), and what
Microsoft Project computed and stored for every task (Start, Finish,
Early/Late Start/Finish, Total/Free Slack, Critical) — the values an import
must reproduce (``guatu.core.mspdi_schedule``).

Units and codes of the schema: durations are ISO 8601 working time
(``PT7H30M0S``); ``LinkLag`` and slack are in tenths of a minute; link
``Type`` 0=FF, 1=FS, 2=SF, 3=SS; ``ConstraintType`` 0=ASAP, 1=ALAP, 2=MSO,
3=MFO, 4=SNET, 5=SNLT, 6=FNET, 7=FNLT; duration and lag formats 3…12 are
m, em, h, eh, d, ed, w, ew, mo, emo (the ``e`` forms elapsed), 19/20 percent,
35… the same estimated.

Reading never judges whether guatu can schedule what it read: a task's
summary status, calendar or elapsed lag is recorded, and the scheduler
refuses what it does not model, naming the task and the feature.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from guatu.core.calendar import CalendarKind, WorkCalendar
from guatu.core.errors import CoreError
from guatu.core.i18n import gettext_noop
from guatu.core.schedule import FF, FS, SF, SS
from guatu.core.worktime import Period, WorkingTime

__all__ = [
    "MspdiError",
    "MspdiLink",
    "MspdiProject",
    "MspdiTask",
    "read_mspdi",
]

NS = "http://schemas.microsoft.com/project"
Q = f"{{{NS}}}"
#: MSPDI link type → guatu's code, and back.
FROM_MS_TYPE = {0: FF, 1: FS, 2: SF, 3: SS}
TO_MS_TYPE = {ours: ms for ms, ours in FROM_MS_TYPE.items()}
#: Duration and lag formats measured in elapsed (calendar) time, and in percent.
ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 36, 38, 40, 42, 44})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
ASAP, ALAP, MSO, MFO, SNET, SNLT, FNET, FNLT = range(8)
#: Resource types: only work resources have calendars that drive a task.
WORK_RESOURCE = 1
NO_RESOURCE = -65535
DURATION = re.compile(r"^PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")
#: Files larger than this are refused before parsing (a plan of 100,000 tasks is ~200 MB).
MAX_BYTES = 256 * 1024 * 1024


class MspdiError(CoreError):
    """An MSPDI file cannot be read or scheduled as it is."""


@dataclass(frozen=True)
class MspdiLink:
    predecessor: int
    kind: int  # guatu's code: FS, SS, FF, SF
    lag: int = 0  # working minutes
    lag_format: int = 7
    cross_project: bool = False


@dataclass
class MspdiTask:
    uid: int
    name: str
    duration: int  # working minutes
    milestone: bool = False
    summary: bool = False
    manual: bool = False
    constraint: int = ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    start: datetime | None = None
    finish: datetime | None = None
    links: list[MspdiLink] = field(default_factory=list)
    duration_format: int = 7
    calendar_uid: int = -1
    ignore_resource_calendar: bool = False
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: int = 0
    leveling_delay: int = 0
    external: bool = False
    #: Calendar UIDs of the work resources assigned to the task.
    resource_calendars: list[tuple[str, int]] = field(default_factory=list)
    #: What the file says Microsoft Project computed (EarlyStart, TotalSlack, …).
    computed: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How a message names the task: its own name and UID."""
        return f"{self.name}（UID {self.uid}）"


@dataclass
class MspdiProject:
    name: str
    start: datetime
    calendar: WorkCalendar
    tasks: list[MspdiTask]
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    #: The project calendar to the minute, and every calendar of the file by UID.
    working: WorkingTime = field(default_factory=WorkingTime.standard)
    calendars: dict[int, WorkingTime] = field(default_factory=dict)
    calendar_uid: int = 1
    #: Calendars with recurring exceptions the file does not spell out day by day.
    recurring: dict[int, str] = field(default_factory=dict)
    critical_slack_limit: int = 0  # days
    from_start: bool = True
    multiple_critical_paths: bool = False
    status_date: datetime | None = None
    #: Microsoft's options that move finished or remaining parts of tasks to the status
    #: date (``MoveCompletedEndsBack`` …) that are on.
    status_moves: tuple[str, ...] = ()


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(Q + tag)
    return child.text if child is not None and child.text is not None else None


def _int(element: ET.Element, tag: str, default: int = 0) -> int:
    value = _text(element, tag)
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _minute_of(value: str | None) -> int:
    """Minutes from midnight of an ``HH:MM:SS`` time; ``00:00:00`` as an end is midnight."""
    if not value:
        return 0
    hour, minute = value.split(":")[:2]
    return int(hour) * 60 + int(minute)


def _periods(element: ET.Element | None) -> tuple[Period, ...]:
    if element is None:
        return ()
    found = []
    for period in element.iterfind(f"{Q}WorkingTimes/{Q}WorkingTime"):
        begin = _minute_of(_text(period, "FromTime"))
        end = _minute_of(_text(period, "ToTime")) or 1440
        if end > begin:
            found.append((begin, end))
    return tuple(sorted(found))


def _days(period: ET.Element | None) -> list[date]:
    if period is None:
        return []
    first = _datetime(_text(period, "FromDate"))
    last = _datetime(_text(period, "ToDate"))
    if first is None or last is None:
        return []
    days = []
    day = first.date()
    while day <= last.date() and len(days) < 366 * 50:
        days.append(day)
        day += timedelta(days=1)
    return days


@dataclass
class _RawCalendar:
    base: int
    week: dict[int, tuple[Period, ...]]  # weekday (Monday 0) → periods, only those given
    exceptions: dict[date, tuple[Period, ...]]
    recurring: str | None


def _raw_calendar(element: ET.Element) -> _RawCalendar:
    week: dict[int, tuple[Period, ...]] = {}
    expanded: dict[date, tuple[Period, ...]] = {}
    for day in element.iterfind(f"{Q}WeekDays/{Q}WeekDay"):
        day_type = _int(day, "DayType")
        working = _text(day, "DayWorking") == "1"
        periods = _periods(day) if working else ()
        if 1 <= day_type <= 7:
            week[(day_type + 5) % 7] = periods  # 1 = Sunday … 7 = Saturday
        elif day_type == 0:  # an exception, each occurrence listed (all versions write these)
            for when in _days(day.find(Q + "TimePeriod")):
                expanded[when] = periods
    exceptions: dict[date, tuple[Period, ...]] = {}
    recurring = None
    for exception in element.iterfind(f"{Q}Exceptions/{Q}Exception"):
        working = _text(exception, "DayWorking") == "1"
        kind = _int(exception, "Type", 1)
        every = _int(exception, "Period", 1)
        if kind != 1 or every > 1:
            recurring = _text(exception, "Name") or "?"
            continue
        for when in _days(exception.find(Q + "TimePeriod")):
            exceptions[when] = _periods(exception) if working else ()
    if expanded:  # the day-by-day list is Microsoft Project's own expansion of every rule
        exceptions, recurring = {**exceptions, **expanded}, None
    return _RawCalendar(_int(element, "BaseCalendarUID", -1), week, exceptions, recurring)


def _calendars(root: ET.Element) -> tuple[dict[int, WorkingTime], dict[int, str]]:
    """Every calendar by UID, a derived calendar filled in from its base."""
    raw = {
        _int(element, "UID"): _raw_calendar(element)
        for element in root.iterfind(f"{Q}Calendars/{Q}Calendar")
    }
    resolved: dict[int, WorkingTime] = {}
    recurring: dict[int, str] = {}

    def resolve(uid: int, seen: frozenset[int]) -> WorkingTime:
        if uid in resolved:
            return resolved[uid]
        calendar = raw[uid]
        if calendar.base in raw and calendar.base not in seen:
            base = resolve(calendar.base, seen | {uid})
            week = tuple(calendar.week.get(day, base.week[day]) for day in range(7))
            exceptions = {**base.exceptions, **calendar.exceptions}
            if calendar.base in recurring:
                recurring[uid] = recurring[calendar.base]
        else:
            standard = WorkingTime.standard().week
            week = tuple(calendar.week.get(day, standard[day]) for day in range(7))
            exceptions = dict(calendar.exceptions)
        if calendar.recurring:
            recurring[uid] = calendar.recurring
        resolved[uid] = WorkingTime(week, exceptions)
        return resolved[uid]

    for uid in raw:
        resolve(uid, frozenset())
    return resolved, recurring


#: Microsoft Project's "move … parts after/before the status date" options (File ›
#: Options › Advanced, "Calculation options for this project").
STATUS_MOVES = (
    "MoveCompletedEndsBack",
    "MoveRemainingStartsBack",
    "MoveRemainingStartsForward",
    "MoveCompletedEndsForward",
)


def _as_work_calendar(working: WorkingTime) -> WorkCalendar:
    """The days-only view of a calendar, for a guatu project made from the plan."""
    weekdays = tuple(bool(periods) for periods in working.week)
    exceptions = {
        day: bool(periods)
        for day, periods in working.exceptions.items()
        if bool(periods) != weekdays[day.weekday()]
    }
    return WorkCalendar(CalendarKind.WEEKLY, exceptions, weekdays)


def _duration_minutes(value: str, task: str) -> int:
    match = DURATION.match(value.strip())
    if not match:
        raise MspdiError(
            gettext_noop("Task %(task)s: cannot read the duration “%(value)s”."),
            task=task,
            value=value,
        )
    hours, minutes, seconds = match.groups()
    if float(seconds) % 60:
        raise MspdiError(
            gettext_noop(
                "Task %(task)s: the duration “%(value)s” has seconds; Microsoft Project "
                "and guatu count whole minutes."
            ),
            task=task,
            value=value,
        )
    return int(hours) * 60 + int(minutes) + int(float(seconds)) // 60


def _assignments(root: ET.Element) -> dict[int, list[tuple[str, int]]]:
    """Task UID → (resource name, calendar UID) of each work resource assigned to it."""
    resources = {}
    for resource in root.iterfind(f"{Q}Resources/{Q}Resource"):
        if (
            _int(resource, "Type", WORK_RESOURCE) == WORK_RESOURCE
            and _text(resource, "IsNull") != "1"
        ):
            uid = _int(resource, "UID")
            resources[uid] = (
                _text(resource, "Name") or f"UID {uid}",
                _int(resource, "CalendarUID", -1),
            )
    by_task: dict[int, list[tuple[str, int]]] = {}
    for assignment in root.iterfind(f"{Q}Assignments/{Q}Assignment"):
        resource = _int(assignment, "ResourceUID", NO_RESOURCE)
        if resource in resources:
            by_task.setdefault(_int(assignment, "TaskUID"), []).append(resources[resource])
    return by_task


COMPUTED = (
    "Start",
    "Finish",
    "EarlyStart",
    "EarlyFinish",
    "LateStart",
    "LateFinish",
    "TotalSlack",
    "FreeSlack",
    "Critical",
)


def _task(element: ET.Element, assigned: dict[int, list[tuple[str, int]]]) -> MspdiTask:
    uid = _int(element, "UID")
    name = _text(element, "Name") or ""
    summary = _text(element, "Summary") == "1"
    task = MspdiTask(
        uid=uid,
        name=name,
        duration=0,
        milestone=_text(element, "Milestone") == "1",
        summary=summary,
        manual=_text(element, "Manual") == "1",
        constraint=_int(element, "ConstraintType"),
        constraint_date=_datetime(_text(element, "ConstraintDate")),
        deadline=_datetime(_text(element, "Deadline")),
        start=_datetime(_text(element, "Start")),
        finish=_datetime(_text(element, "Finish")),
        duration_format=_int(element, "DurationFormat", 7),
        calendar_uid=_int(element, "CalendarUID", -1),
        ignore_resource_calendar=_text(element, "IgnoreResourceCalendar") == "1",
        actual_start=_datetime(_text(element, "ActualStart")),
        actual_finish=_datetime(_text(element, "ActualFinish")),
        percent_complete=_int(element, "PercentComplete"),
        leveling_delay=_int(element, "LevelingDelay"),
        external=_text(element, "ExternalTask") == "1" or _text(element, "IsSubproject") == "1",
        resource_calendars=assigned.get(uid, []),
        computed={key: value for key in COMPUTED if (value := _text(element, key)) is not None},
    )
    if not summary:  # a summary's duration is its children's span, never scheduled
        task.duration = _duration_minutes(_text(element, "Duration") or "PT0H0M0S", task.label)
    for link in element.iterfind(Q + "PredecessorLink"):
        task.links.append(
            MspdiLink(
                predecessor=_int(link, "PredecessorUID"),
                kind=FROM_MS_TYPE.get(_int(link, "Type", 1), FS),
                lag=_int(link, "LinkLag") // 10 if _int(link, "LinkLag") % 10 == 0 else -1,
                lag_format=_int(link, "LagFormat", 7),
                cross_project=_text(link, "CrossProject") == "1",
            )
        )
        if _int(link, "LinkLag") % 10:
            raise MspdiError(
                gettext_noop("Task %(task)s: a lag of a fraction of a minute cannot be scheduled."),
                task=task.label,
            )
    return task


def read_mspdi(path: str | Path) -> MspdiProject:
    """Read an MSPDI file into plain values (working minutes)."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise MspdiError(
                gettext_noop("%(file)s is larger than %(limit)s MB."),
                file=Path(path).name,
                limit=MAX_BYTES // 2**20,
            )
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise MspdiError(
            gettext_noop("Cannot read %(file)s: %(reason)s"),
            file=Path(path).name,
            reason=str(error),
        ) from error
    if root.tag != Q + "Project":
        raise MspdiError(
            gettext_noop("%(file)s is not a Microsoft Project XML file."), file=Path(path).name
        )
    start = _datetime(_text(root, "StartDate"))
    if start is None:
        raise MspdiError(gettext_noop("%(file)s has no project start date."), file=Path(path).name)
    calendars, recurring = _calendars(root)
    calendar_uid = _int(root, "CalendarUID", 1)
    working = calendars.get(calendar_uid, WorkingTime.standard())
    assigned = _assignments(root)
    tasks = [
        _task(element, assigned)
        for element in root.iterfind(f"{Q}Tasks/{Q}Task")
        if _text(element, "IsNull") != "1"
    ]
    status = _datetime(_text(root, "StatusDate"))
    return MspdiProject(
        name=_text(root, "Title") or _text(root, "Name") or Path(path).stem,
        start=start,
        calendar=_as_work_calendar(working),
        tasks=tasks,
        minutes_per_day=_int(root, "MinutesPerDay", 480) or 480,
        minutes_per_week=_int(root, "MinutesPerWeek", 2400) or 2400,
        working=working,
        calendars=calendars,
        calendar_uid=calendar_uid,
        recurring=recurring,
        critical_slack_limit=_int(root, "CriticalSlackLimit"),
        from_start=_text(root, "ScheduleFromStart") != "0",
        multiple_critical_paths=_text(root, "MultipleCriticalPaths") == "1",
        status_date=status,
        status_moves=tuple(name for name in STATUS_MOVES if _text(root, name) == "1"),
    )


DAY_START = time(8, 0)
DAY_END = time(17, 0)
