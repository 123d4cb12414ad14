"""Microsoft Project XML: reproduce Microsoft Project's own schedules to the minute,
refuse what is not modelled naming the task, export files that MPXJ (the library
behind most MS Project readers) reads back faithfully."""

import importlib.util
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from guatu.core.calendar import WorkCalendar
from guatu.core.mspdi import MspdiError, MspdiLink, MspdiProject, MspdiTask, read_mspdi
from guatu.core.mspdi_schedule import (
    differences,
    plan_refusals,
    schedule_checked,
    schedule_mspdi,
    schedule_project,
)
from guatu.core.mspdi_write import write_mspdi
from guatu.core.schedule import FF, FS, SF, SS

DATA = Path(__file__).parent / "data" / "mspdi"
DAY = 480
ORACLES = [
    "task-links-project2007-mspdi.xml",  # all four link types, lags in days and weeks
    "task-links-project2010-mspdi.xml",  # + start-no-earlier-than constraints
    "task-links-project2013-mspdi.xml",
    "task-links-project2016-mspdi.xml",  # manually scheduled tasks
    "mspdirelations.xml",  # an SF finish kept at 08:00 of the next day
    "task-baselines-project2007-mspdi.xml",
]


@pytest.mark.parametrize("name", ORACLES)
def test_every_task_matches_microsoft_projects_own_schedule(name):
    scheduled = schedule_project(read_mspdi(DATA / name))
    assert scheduled.tasks
    assert differences(scheduled) == []
    checked = sum(len(task.computed) for task in scheduled.tasks)
    assert checked >= 7 * len(scheduled.tasks)


def test_a_stored_value_guatu_does_not_reproduce_refuses_the_plan_naming_it():
    plan = read_mspdi(DATA / "task-links-project2007-mspdi.xml")
    task = next(t for t in plan.tasks if t.uid == 4)
    task.computed["LateFinish"] = "2014-10-31T12:00:00"  # as if another rule had moved it
    with pytest.raises(MspdiError) as raised:
        schedule_checked(plan)
    message = str(raised.value)
    assert "UID 4" in message and "LateFinish" in message and "2014-10-31T12:00:00" in message


def test_unlinked_manual_tasks_are_not_critical_linked_ones_are():
    scheduled = schedule_project(read_mspdi(DATA / "task-links-project2016-mspdi.xml"))
    times = dict(zip((t.uid for t in scheduled.tasks), scheduled.times(), strict=True))
    assert times[9].critical and times[10].critical  # linked, zero slack
    baselines = read_mspdi(DATA / "task-baselines-project2007-mspdi.xml")
    manual = replace(baselines, tasks=[replace(t, manual=True) for t in baselines.tasks])
    for when in schedule_project(manual).times():
        assert when.total_slack == 0 and not when.critical


def test_an_sf_finish_stays_at_the_start_that_drives_it():
    scheduled = schedule_project(read_mspdi(DATA / "mspdirelations.xml"))
    times = dict(zip((t.uid for t in scheduled.tasks), scheduled.times(), strict=True))
    assert times[5].finish == datetime(2006, 9, 25, 8)  # Microsoft's own value
    assert times[5].start == datetime(2006, 9, 22, 8)


def test_a_summary_tasks_duration_is_never_read_and_never_named():
    plan = read_mspdi(DATA / "task-links-project2007-mspdi.xml")
    summary = next(t for t in plan.tasks if t.uid == 0)
    assert summary.summary and summary.duration == 0
    assert list(plan_refusals(plan)) == []


def test_links_types_lags_and_constraints_are_read():
    project = read_mspdi(DATA / "task-links-project2010-mspdi.xml")
    by_uid = {task.uid: task for task in project.tasks}
    assert by_uid[8].links == [MspdiLink(7, FS, 5 * DAY, lag_format=9)]  # one week
    assert by_uid[10].links == [MspdiLink(9, FS, 10 * DAY, lag_format=9)]  # two weeks
    assert by_uid[12].links[0].kind == SF and by_uid[14].links[0].kind == SS
    assert by_uid[16].links[0].kind == FF
    assert by_uid[1].constraint == 4 and by_uid[1].constraint_date == datetime(2014, 10, 17, 8)
    assert by_uid[0].summary


def test_seconds_in_a_duration_are_refused_with_the_task_named():
    with pytest.raises(MspdiError) as raised:
        read_mspdi(DATA / "mspditimephasedsegments.xml")
    assert "Task Fifteen（UID 16）" in str(raised.value)
    assert "PT114H17M6S" in str(raised.value)


def test_a_file_that_is_not_mspdi_is_refused(tmp_path):
    bad = tmp_path / "x.xml"
    bad.write_text("<Workbook/>", encoding="utf-8")
    with pytest.raises(MspdiError):
        read_mspdi(bad)
    bad.write_text("<Project", encoding="utf-8")
    with pytest.raises(MspdiError):
        read_mspdi(bad)


@pytest.mark.parametrize("name", ORACLES[:4])
def test_an_export_carries_the_same_network_and_microsofts_dates(name, tmp_path):
    original = read_mspdi(DATA / name)
    out = tmp_path / "export.xml"
    write_mspdi(out, original)
    again = read_mspdi(out)
    scheduled = [task for task in original.tasks if not task.summary]

    def network(task: MspdiTask) -> tuple:
        links = [(link.predecessor, link.kind, link.lag) for link in task.links]
        return task.uid, task.name, task.duration, links, task.manual

    assert [network(t) for t in again.tasks] == [network(t) for t in scheduled]
    for mine, theirs in zip(again.tasks, scheduled, strict=True):
        assert mine.computed == theirs.computed, mine.uid
    assert differences(schedule_project(again)) == []  # an export reproduces itself


def railway_project() -> MspdiProject:
    """Three tasks across 国庆 2019 on the official calendar, with a joint milestone."""
    return MspdiProject(
        name="金台铁路永康段（示例）",
        start=datetime(2019, 9, 26, 8),
        calendar=WorkCalendar.official(),
        tasks=[
            MspdiTask(1, "主线铺轨", 5 * DAY),
            MspdiTask(2, "站场改造", 3 * DAY),
            MspdiTask(
                3, "同期交付", 0, milestone=True, links=[MspdiLink(1, FS, 0), MspdiLink(2, FS, 0)]
            ),
            MspdiTask(4, "开通准备", 2 * DAY, links=[MspdiLink(3, SS, DAY)]),
        ],
    )


def test_the_official_calendar_is_exported_with_its_holidays(tmp_path):
    out = tmp_path / "railway.xml"
    write_mspdi(out, railway_project())
    again = read_mspdi(out)
    assert again.calendar.exceptions[date(2019, 10, 1)] is False
    assert again.calendar.exceptions[date(2019, 9, 29)] is True  # 调休 Sunday
    rows = {row[0]: row for row in schedule_mspdi(again)}
    assert rows[1][3] == "2019-10-08 17:00"  # 9-26, 9-27, 9-29, 9-30, 10-8
    assert rows[3][2] == "2019-10-08 17:00"


@pytest.mark.skipif(
    shutil.which("java") is None
    or importlib.util.find_spec("jpype") is None
    or importlib.util.find_spec("mpxj") is None,
    reason="MPXJ needs Java and the mpxj package",
)
def test_mpxj_reads_our_export(tmp_path):
    import jpype
    import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

    out = tmp_path / "railway.xml"
    project = railway_project()
    write_mspdi(out, project)
    if not jpype.isJVMStarted():
        jpype.startJVM()
    # By class name, not ``import org.mpxj``: under pytest-xdist a worker may already hold
    # another top-level ``org`` module, and the Java import hook then never sees the name.
    reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")

    read = reader().read(str(out))
    tasks = {int(str(t.getUniqueID())): t for t in read.getTasks() if t.getName() is not None}
    assert {uid: str(t.getName()) for uid, t in tasks.items()} == {
        task.uid: task.name for task in project.tasks
    }
    assert str(tasks[1].getDuration()) == "5.0d"
    assert str(tasks[1].getFinish()).startswith("2019-10-08T17:00")
    links = [
        (str(r.getPredecessorTask().getUniqueID()), str(r.getType()), str(r.getLag()))
        for r in tasks[4].getPredecessors()
    ]
    assert links == [("3", "SS", "1.0d")]
    calendar = read.getDefaultCalendar()
    assert not calendar.isWorkingDate(jpype.JClass("java.time.LocalDate").of(2019, 10, 1))
    assert calendar.isWorkingDate(jpype.JClass("java.time.LocalDate").of(2019, 9, 29))
    assert str(tasks[3].getTotalSlack()).startswith("0.0")
