"""Write a guatu project, scheduled by guatu, as Microsoft Project XML (MSPDI).

The plan is scheduled by the same minute-exact path that checks imported
plans (``guatu.core.mspdi_schedule``), so an export read back in guatu
reproduces every value it carries, and Microsoft Project shows the same
dates: starts at 08:00, finishes at 17:00, milestones at the finish of
what drives them. A calendar is written as its working week plus each
exception day — China's official calendar becomes Monday–Friday with every
public holiday and make-up working day (调休) of the project's span listed.
"""

from dataclasses import replace
from datetime import date, timedelta
from html import escape
from pathlib import Path

import numpy as np

from guatu.core.calendar import CalendarKind, WorkCalendar
from guatu.core.mspdi import NS, TO_MS_TYPE, MspdiProject
from guatu.core.mspdi_schedule import schedule_project
from guatu.core.worktime import STANDARD_DAY, Period, WorkingTime

__all__ = ["working_time_of", "write_mspdi"]


def working_time_of(calendar: WorkCalendar, first: date, last: date) -> WorkingTime:
    """*calendar* (whole days) as working periods: the standard day on each working day.

    A calendar that is not a plain week (China's official one) becomes
    Monday–Friday with the days first…last that differ listed as exceptions.
    """
    if calendar.kind is CalendarKind.CALENDAR_DAY:
        return WorkingTime((STANDARD_DAY,) * 7)
    if calendar.kind is CalendarKind.WEEKLY:
        week = tuple(STANDARD_DAY if working else () for working in calendar.weekdays)
        exceptions = {
            day: STANDARD_DAY if working else () for day, working in calendar.exceptions.items()
        }
        return WorkingTime(week, exceptions)
    worked = calendar.working_mask(np.datetime64(first), np.datetime64(last))
    days = np.arange(np.datetime64(first), np.datetime64(last) + np.timedelta64(1, "D"))
    plain = (days.astype(np.int64) + 3) % 7 < 5
    exceptions = {
        days[i].item(): STANDARD_DAY if worked[i] else () for i in np.flatnonzero(worked != plain)
    }
    return WorkingTime(WorkingTime.standard().week, exceptions)


def _iso_duration(minutes: int) -> str:
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _time(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}:00"


def _periods_xml(periods: tuple[Period, ...]) -> list[str]:
    return [
        "<WorkingTimes>",
        *(
            f"<WorkingTime><FromTime>{_time(a)}</FromTime><ToTime>{_time(b)}</ToTime></WorkingTime>"
            for a, b in periods
        ),
        "</WorkingTimes>",
    ]


def _calendar_xml(working: WorkingTime) -> list[str]:
    """The project calendar: its working week and each exception as its own dated entry."""
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
        periods = working.week[(day_type + 5) % 7]
        lines += [
            "<WeekDay>",
            f"<DayType>{day_type}</DayType>",
            f"<DayWorking>{int(bool(periods))}</DayWorking>",
            *(_periods_xml(periods) if periods else []),
            "</WeekDay>",
        ]
    lines.append("</WeekDays>")
    if working.exceptions:
        lines.append("<Exceptions>")
        for day, periods in sorted(working.exceptions.items()):
            lines += [
                "<Exception>",
                f"<TimePeriod><FromDate>{day.isoformat()}T00:00:00</FromDate>"
                f"<ToDate>{day.isoformat()}T23:59:00</ToDate></TimePeriod>",
                "<Occurrences>1</Occurrences>",
                f"<Name>{'调休' if periods else '休息'}</Name>",
                "<Type>1</Type>",
                f"<DayWorking>{int(bool(periods))}</DayWorking>",
                *(_periods_xml(periods) if periods else []),
                "</Exception>",
            ]
        lines.append("</Exceptions>")
    lines += ["</Calendar>", "</Calendars>"]
    return lines


def write_mspdi(path: str | Path, project: MspdiProject) -> None:
    """Write *project*, scheduled by guatu, as MSPDI that Microsoft Project opens.

    Slack is in tenths of a minute, durations and lags in working minutes.
    """
    days = sum(t.duration + sum(max(k.lag, 0) for k in t.links) for t in project.tasks)
    first = project.start.date() - timedelta(days=14)
    last = project.start.date() + timedelta(days=2 * days // max(project.minutes_per_day, 1) + 800)
    working = working_time_of(project.calendar, first, last)
    plan = replace(project, working=working, calendars={1: working}, calendar_uid=1)
    scheduled = schedule_project(plan)
    times = scheduled.times()
    finish = max((t.finish for t in times), default=project.start)
    per_day = project.minutes_per_day
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<Project xmlns="{NS}">',
        "<SaveVersion>14</SaveVersion>",
        f"<Name>{escape(project.name)}</Name>",
        f"<Title>{escape(project.name)}</Title>",
        "<ScheduleFromStart>1</ScheduleFromStart>",
        f"<StartDate>{project.start.isoformat()}</StartDate>",
        f"<FinishDate>{finish.isoformat()}</FinishDate>",
        "<CriticalSlackLimit>0</CriticalSlackLimit>",
        "<CalendarUID>1</CalendarUID>",
        "<DefaultStartTime>08:00:00</DefaultStartTime>",
        "<DefaultFinishTime>17:00:00</DefaultFinishTime>",
        f"<MinutesPerDay>{per_day}</MinutesPerDay>",
        f"<MinutesPerWeek>{project.minutes_per_week}</MinutesPerWeek>",
        "<DaysPerMonth>20</DaysPerMonth>",
        "<DurationFormat>7</DurationFormat>",
        *_calendar_xml(working),
        "<Tasks>",
    ]
    for i, (task, when) in enumerate(zip(scheduled.tasks, times, strict=True)):
        lines += [
            "<Task>",
            f"<UID>{task.uid}</UID>",
            f"<ID>{i + 1}</ID>",
            f"<Name>{escape(task.name)}</Name>",
            "<Type>1</Type>",
            "<IsNull>0</IsNull>",
            f"<Manual>{int(task.manual)}</Manual>",
            f"<Start>{when.start.isoformat()}</Start>",
            f"<Finish>{when.finish.isoformat()}</Finish>",
            f"<Duration>{_iso_duration(task.duration)}</Duration>",
            "<DurationFormat>7</DurationFormat>",
            f"<Milestone>{int(task.duration == 0)}</Milestone>",
            "<Summary>0</Summary>",
            f"<Critical>{int(when.critical)}</Critical>",
            f"<EarlyStart>{when.early_start.isoformat()}</EarlyStart>",
            f"<EarlyFinish>{when.early_finish.isoformat()}</EarlyFinish>",
            f"<LateStart>{when.late_start.isoformat()}</LateStart>",
            f"<LateFinish>{when.late_finish.isoformat()}</LateFinish>",
            f"<TotalSlack>{when.total_slack * 10}</TotalSlack>",
            f"<FreeSlack>{when.free_slack * 10}</FreeSlack>",
            f"<ConstraintType>{task.constraint if not task.manual else 0}</ConstraintType>",
            "<CalendarUID>-1</CalendarUID>",
        ]
        if task.constraint_date is not None and task.constraint:
            lines.append(f"<ConstraintDate>{task.constraint_date.isoformat()}</ConstraintDate>")
        for link in task.links:
            lines += [
                "<PredecessorLink>",
                f"<PredecessorUID>{link.predecessor}</PredecessorUID>",
                f"<Type>{TO_MS_TYPE[link.kind]}</Type>",
                "<CrossProject>0</CrossProject>",
                f"<LinkLag>{link.lag * 10}</LinkLag>",
                "<LagFormat>7</LagFormat>",
                "</PredecessorLink>",
            ]
        lines.append("</Task>")
    lines += ["</Tasks>", "</Project>", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
