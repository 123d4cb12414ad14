"""What guatu does not schedule as Microsoft Project does is refused, naming the task
(by its own name and UID, never the project summary) and the feature."""

from datetime import date, datetime

import pytest

from guatu.core.mspdi import MspdiError, read_mspdi
from guatu.core.mspdi_schedule import plan_refusals, schedule_project, whole_day_refusal

STANDARD_WEEK = "".join(
    f"<WeekDay><DayType>{d}</DayType><DayWorking>{int(1 < d < 7)}</DayWorking>"
    + (
        "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime>"
        f"</WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>{end}</ToTime>"
        "</WorkingTime></WorkingTimes>"
        if 1 < d < 7
        else ""
    )
    + "</WeekDay>"
    for d in range(1, 8)
    for end in ["{end}"]
)


def calendar(uid: int, name: str, end: str = "17:00:00", base: int = -1) -> str:
    return (
        f"<Calendar><UID>{uid}</UID><Name>{name}</Name><BaseCalendarUID>{base}</BaseCalendarUID>"
        f"<WeekDays>{STANDARD_WEEK.replace('{end}', end)}</WeekDays></Calendar>"
    )


def task(uid: int, name: str, hours: int, extra: str = "", summary: bool = False) -> str:
    return (
        f"<Task><UID>{uid}</UID><Name>{name}</Name><Summary>{int(summary)}</Summary>"
        f"<Duration>PT{hours}H0M0S</Duration><DurationFormat>7</DurationFormat>{extra}</Task>"
    )


def link(predecessor: int, lag_tenths: int = 0, lag_format: int = 7) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{predecessor}</PredecessorUID><Type>1</Type>"
        f"<LinkLag>{lag_tenths}</LinkLag><LagFormat>{lag_format}</LagFormat></PredecessorLink>"
    )


def plan(tmp_path, tasks: str, calendars: str = "", tail: str = "", head: str = ""):
    path = tmp_path / "plan.xml"
    path.write_text(
        '<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project">'
        f"<Name>contractor</Name><StartDate>2024-01-08T08:00:00</StartDate>{head}"
        "<CalendarUID>1</CalendarUID><MinutesPerDay>480</MinutesPerDay>"
        f"<Calendars>{calendar(1, 'Standard')}{calendars}</Calendars>"
        f"<Tasks>{task(0, 'contractor', 99999, summary=True)}{tasks}</Tasks>{tail}</Project>",
        encoding="utf-8",
    )
    return read_mspdi(path)


def refused(project) -> str:
    with pytest.raises(MspdiError) as raised:
        schedule_project(project)
    return str(raised.value)


def test_a_resource_on_another_calendar_is_refused_naming_the_task_and_resource(tmp_path):
    resources = (
        "<Resources><Resource><UID>1</UID><Name>夜班</Name><Type>1</Type>"
        "<CalendarUID>2</CalendarUID></Resource></Resources>"
        "<Assignments><Assignment><TaskUID>2</TaskUID><ResourceUID>1</ResourceUID>"
        "</Assignment></Assignments>"
    )
    night = calendar(2, "Night", end="21:00:00", base=1)
    project = plan(tmp_path, task(1, "开挖", 8) + task(2, "浇筑", 16), night, resources)
    message = refused(project)
    assert "浇筑（UID 2）" in message and "夜班" in message and "calendar" in message
    assert "UID 0" not in message


def test_a_resource_on_the_project_calendar_changes_nothing(tmp_path):
    resources = (
        "<Resources><Resource><UID>1</UID><Name>白班</Name><Type>1</Type>"
        "<CalendarUID>2</CalendarUID></Resource></Resources>"
        "<Assignments><Assignment><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID>"
        "</Assignment></Assignments>"
    )
    derived = (
        "<Calendar><UID>2</UID><Name>白班</Name><BaseCalendarUID>1</BaseCalendarUID></Calendar>"
    )
    project = plan(tmp_path, task(1, "开挖", 8), derived, resources)
    assert list(plan_refusals(project)) == []


def test_a_task_calendar_is_refused(tmp_path):
    project = plan(
        tmp_path,
        task(1, "开挖", 8, "<CalendarUID>2</CalendarUID>"),
        calendar(2, "Long", end="19:00:00"),
    )
    assert "开挖（UID 1）" in refused(project)


def test_a_split_task_is_refused(tmp_path):
    # One day of work stored across two days: Microsoft Project split it.
    stored = "<Start>2024-01-08T08:00:00</Start><Finish>2024-01-09T12:00:00</Finish>"
    message = refused(plan(tmp_path, task(1, "开挖", 8, stored)))
    assert "开挖（UID 1）" in message and "split" in message


def test_elapsed_and_percent_lags_are_refused_naming_both_tasks(tmp_path):
    elapsed = plan(tmp_path, task(1, "开挖", 8) + task(2, "浇筑", 8, link(1, 14400, 8)))
    message = refused(elapsed)
    assert "浇筑（UID 2）" in message and "elapsed" in message and "开挖（UID 1）" in message
    percent = plan(tmp_path, task(1, "开挖", 8) + task(2, "浇筑", 8, link(1, 500, 19)))
    assert "percent" in refused(percent)


def test_as_late_as_possible_is_refused(tmp_path):
    project = plan(tmp_path, task(1, "开挖", 8, "<ConstraintType>1</ConstraintType>"))
    assert "as late as possible" in refused(project)


def test_a_link_into_a_summary_task_names_that_summary_not_the_project(tmp_path):
    tasks = task(5, "土建", 0, link(1), summary=True) + task(1, "开挖", 8)
    message = refused(plan(tmp_path, tasks))
    assert "土建（UID 5）" in message and "UID 0" not in message


def test_a_link_from_a_summary_task_is_refused(tmp_path):
    tasks = task(5, "土建", 0, summary=True) + task(1, "开挖", 8, link(5))
    message = refused(plan(tmp_path, tasks))
    assert "开挖（UID 1）" in message and "土建（UID 5）" in message


def test_scheduling_from_the_finish_is_refused(tmp_path):
    project = plan(tmp_path, task(1, "开挖", 8), head="<ScheduleFromStart>0</ScheduleFromStart>")
    message = refused(project)
    assert "finish date" in message and message.startswith("The plan “contractor”")


def test_a_working_day_of_seven_and_a_half_hours_is_scheduled_to_the_minute(tmp_path):
    """Two days of 8 h (960 min) on a 7.5 h calendar end at 09:00 on the third day."""
    short = plan(tmp_path, task(1, "开挖", 16) + task(2, "浇筑", 2, link(1)))
    short.working = short.calendars[1] = type(short.working)(
        tuple(((480, 720), (780, 990)) if day < 5 else () for day in range(7))
    )
    scheduled = schedule_project(short)
    first, second = scheduled.times()
    assert first.start == datetime(2024, 1, 8, 8) and first.finish == datetime(2024, 1, 10, 9)
    assert second.start == datetime(2024, 1, 10, 9) and second.finish == datetime(2024, 1, 10, 11)
    refusal = whole_day_refusal(scheduled)
    assert refusal is not None and "7.5 h / 8 h" in refusal.detail


def test_hours_are_scheduled_in_minutes_and_a_finish_at_noon_stays_at_noon(tmp_path):
    project = plan(tmp_path, task(1, "放线", 4) + task(2, "验收", 3, link(1)))
    first, second = schedule_project(project).times()
    assert first.finish == datetime(2024, 1, 8, 12)  # a finish: the end of the morning
    assert second.start == datetime(2024, 1, 8, 13)  # a start: the beginning of the afternoon
    assert second.finish == datetime(2024, 1, 8, 16)
    assert first.total_slack == 0 and first.critical


def test_an_exception_with_its_own_hours_counts_them(tmp_path):
    project = plan(tmp_path, task(1, "抢工", 42))  # five days and two hours
    project.working = project.calendars[1] = type(project.working)(
        project.working.week, {date(2024, 1, 13): ((540, 660),)}
    )
    (only,) = schedule_project(project).times()
    assert only.finish == datetime(2024, 1, 13, 11)


def test_the_reader_takes_exception_hours_and_derived_calendars(tmp_path):
    saturday = (
        "<Calendar><UID>3</UID><Name>Sat</Name><BaseCalendarUID>1</BaseCalendarUID>"
        "<Exceptions><Exception><TimePeriod><FromDate>2024-01-13T00:00:00</FromDate>"
        "<ToDate>2024-01-13T23:59:00</ToDate></TimePeriod><Type>1</Type>"
        "<DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>09:00:00</FromTime>"
        "<ToTime>11:00:00</ToTime></WorkingTime></WorkingTimes></Exception></Exceptions>"
        "</Calendar>"
    )
    project = plan(tmp_path, task(1, "抢工", 8), saturday)
    derived = project.calendars[3]
    assert derived.periods(date(2024, 1, 13)) == ((540, 660),)
    assert derived.periods(date(2024, 1, 15)) == ((480, 720), (780, 1020))  # from its base
