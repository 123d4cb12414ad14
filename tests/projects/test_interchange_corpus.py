"""The Microsoft Project corpus imported as guatu projects: each plan either becomes a
project whose stored 倒排 dates, floats and critical flags are Microsoft's, day for day,
or is refused with the reason and nothing is left behind."""

import gzip
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from guatu.core.mspdi import read_mspdi
from guatu.core.mspdi_schedule import schedule_project
from guatu.projects.interchange import project_import_mspdi
from guatu.projects.models import Project
from guatu.projects.scheduling import planned_schedule
from tests.office import office

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parents[1] / "core" / "data" / "mspdi-corpus"
#: Plans with tasks whose dates are whole working days on a Monday–Friday calendar.
NOT_WHOLE_DAYS = {"legacy__sample1.xml.gz"}


def test_whole_day_plans_become_projects_with_microsofts_dates(city, departments, tmp_path):
    imported = refused = 0
    for n, path in enumerate(sorted(CORPUS.glob("*.xml.gz"))):
        plan_file = tmp_path / path.name.removesuffix(".gz")
        plan_file.write_bytes(gzip.decompress(path.read_bytes()))
        if not schedule_project_or_none(plan_file):
            continue
        try:
            project = project_import_mspdi(
                actor=office(),
                path=plan_file,
                code=f"ms-{n}",
                city=city,
                owner_department=departments["交通局"],
            )
        except ValidationError as error:
            refused += 1
            # Manually scheduled tasks with resources: Microsoft counts them critical,
            # guatu (which has no resources) would not.
            assert "（UID " in " ".join(error.messages), path.name
            assert not Project.objects.filter(code=f"ms-{n}").exists()
            continue
        imported += 1
        plan = read_mspdi(plan_file)
        planned = planned_schedule(project)  # Microsoft's is a plan: nothing reported
        for task in schedule_project(plan).tasks:
            item = project.work_items.get(code=f"uid-{task.uid}")
            mine = planned[item.pk]
            assert item.plan_start.isoformat() == task.computed["Start"][:10], path.name
            assert mine["total_float"] == int(task.computed["TotalSlack"]) // 4800, path.name
            assert mine["critical"] == (task.computed["Critical"] == "1"), (path.name, task.uid)
    assert imported >= 60, (imported, refused)


def schedule_project_or_none(path: Path):
    try:
        return schedule_project(read_mspdi(path)).tasks
    except Exception:  # refused before scheduling: the core tests cover those
        return None
