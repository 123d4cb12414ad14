"""Microsoft Project XML: reproduce Microsoft Project's own schedules, export files
that MPXJ (the library behind most MS Project readers) reads back faithfully."""

import importlib.util
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from guatu.core.calendar import WorkCalendar
from guatu.core.mspdi import (
    MspdiError,
    MspdiLink,
    MspdiProject,
    MspdiTask,
    _finish_offset,
    _start_offset,
    read_mspdi,
    schedule_mspdi,
    schedule_project,
    write_mspdi,
)
from guatu.core.schedule import FF, FS, SF, SS

DATA = Path(__file__).parent / "data" / "mspdi"
ORACLES = [
    "task-links-project2007-mspdi.xml",  # all four link types, lags in days and weeks
    "task-links-project2010-mspdi.xml",  # + start-no-earlier-than constraints
    "task-links-project2013-mspdi.xml",
    "task-links-project2016-mspdi.xml",  # manually scheduled tasks
    "mspdirelations.xml",
    "task-baselines-project2007-mspdi.xml",
]


def microsoft_values(project: MspdiProject, axis, task: MspdiTask) -> tuple:
    computed = task.computed
    day = project.minutes_per_day * 10  # slack is in tenths of a minute

    def moment(key: str) -> datetime:
        return datetime.fromisoformat(computed[key])

    return (
        _start_offset(axis, moment("EarlyStart")),
        _finish_offset(axis, moment("EarlyFinish")),
        _start_offset(axis, moment("LateStart")),
        _finish_offset(axis, moment("LateFinish")),
        int(computed["TotalSlack"]) // day,
        int(computed["FreeSlack"]) // day,
        computed["Critical"] == "1",
    )


@pytest.mark.parametrize("name", ORACLES)
def test_every_task_matches_microsoft_projects_own_schedule(name):
    project = read_mspdi(DATA / name)
    scheduled = schedule_project(project)
    result = scheduled.result
    assert scheduled.tasks
    for i, task in enumerate(scheduled.tasks):
        ours = (
            int(result.es[i]),
            int(result.ef[i]),
            int(result.ls[i]),
            int(result.lf[i]),
            int(result.tf[i]),
            int(result.ff[i]),
            bool(result.tf[i] <= 0),
        )
        assert ours == microsoft_values(project, scheduled.axis, task), (task.uid, task.name)


def test_links_types_lags_and_constraints_are_read():
    project = read_mspdi(DATA / "task-links-project2010-mspdi.xml")
    by_uid = {task.uid: task for task in project.tasks}
    assert by_uid[8].links == [MspdiLink(7, FS, 5)]  # one week
    assert by_uid[10].links == [MspdiLink(9, FS, 10)]  # two weeks
    assert by_uid[12].links[0].kind == SF and by_uid[14].links[0].kind == SS
    assert by_uid[16].links[0].kind == FF
    assert by_uid[1].constraint == 4 and by_uid[1].constraint_date == datetime(2014, 10, 17, 8)
    assert by_uid[0].summary


def test_fractional_days_are_refused_with_the_task_named():
    with pytest.raises(MspdiError) as raised:
        read_mspdi(DATA / "mspditimephasedsegments.xml")
    assert "Task Nine" in str(raised.value)


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
    assert [(t.uid, t.name, t.duration_days, t.links, t.manual) for t in again.tasks] == [
        (t.uid, t.name, t.duration_days, t.links, t.manual) for t in scheduled
    ]
    for mine, theirs in zip(again.tasks, scheduled, strict=True):
        for key in ("EarlyStart", "EarlyFinish", "TotalSlack", "FreeSlack", "Critical"):
            assert mine.computed[key] == theirs.computed[key], (mine.uid, key)


def railway_project() -> MspdiProject:
    """Three tasks across 国庆 2019 on the official calendar, with a joint milestone."""
    return MspdiProject(
        name="金台铁路永康段（示例）",
        start=datetime(2019, 9, 26, 8),
        calendar=WorkCalendar.official(),
        tasks=[
            MspdiTask(1, "主线铺轨", 5),
            MspdiTask(2, "站场改造", 3),
            MspdiTask(
                3, "同期交付", 0, milestone=True, links=[MspdiLink(1, FS, 0), MspdiLink(2, FS, 0)]
            ),
            MspdiTask(4, "开通准备", 2, links=[MspdiLink(3, SS, 1)]),
        ],
    )


def test_the_official_calendar_is_exported_with_its_holidays(tmp_path):
    out = tmp_path / "railway.xml"
    write_mspdi(out, railway_project())
    again = read_mspdi(out)
    assert again.calendar.exceptions[date(2019, 10, 1)] is False
    assert again.calendar.exceptions[date(2019, 9, 29)] is True  # 调休 Sunday
    rows = {row[0]: row for row in schedule_mspdi(again)}
    assert rows[1][3] == "2019-10-08"  # 9-26, 9-27, 9-29, 9-30, 10-8
    assert rows[3][2] == "2019-10-08"


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
    from org.mpxj.reader import UniversalProjectReader

    read = UniversalProjectReader().read(str(out))
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
