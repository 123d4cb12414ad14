"""115 plans saved by Microsoft Project 2002–2019 that guatu's tests were not written
for (MPXJ's test data): each is reproduced to the minute — every stored Start, Finish,
Early/Late Start/Finish, Total/Free Slack and Critical flag of every task — or refused
before scheduling with the feature named. Nothing between: no plan schedules with a
number that differs from Microsoft Project's."""

import gzip
from pathlib import Path

import pytest

from guatu.core.mspdi import MspdiError, read_mspdi
from guatu.core.mspdi_schedule import differences, plan_refusals, schedule_project

CORPUS = Path(__file__).parent / "data" / "mspdi-corpus"
FILES = sorted(path.name for path in CORPUS.glob("*.xml.gz"))
#: Refused, and why (the message names the task and the feature).
REFUSED = {
    "legacy__sample1.xml.gz": "Second Task（UID 2）: its resource's calendar differs",
}


def unpacked(name: str, folder: Path) -> Path:
    path = folder / name.removesuffix(".gz")
    path.write_bytes(gzip.decompress((CORPUS / name).read_bytes()))
    return path


@pytest.mark.parametrize("name", FILES)
def test_each_plan_is_reproduced_exactly_or_refused_with_the_reason(name, tmp_path):
    project = read_mspdi(unpacked(name, tmp_path))
    if name in REFUSED:
        with pytest.raises(MspdiError) as raised:
            schedule_project(project)
        assert REFUSED[name] in str(raised.value)
        assert "UID 0" not in str(raised.value)
        return
    scheduled = schedule_project(project)
    assert differences(scheduled) == []


def test_the_corpus_is_large_and_its_plans_have_tasks_and_stored_values(tmp_path):
    scheduled_tasks = 0
    values = 0
    files_with_tasks = 0
    for name in FILES:
        project = read_mspdi(unpacked(name, tmp_path))
        if name in REFUSED or list(plan_refusals(project)):
            continue
        tasks = schedule_project(project).tasks
        files_with_tasks += bool(tasks)
        scheduled_tasks += len(tasks)
        values += sum(len(task.computed) for task in tasks)
    assert len(FILES) == 115
    assert files_with_tasks >= 70  # the rest hold only the project summary
    assert scheduled_tasks >= 1500 and values >= 9 * scheduled_tasks
