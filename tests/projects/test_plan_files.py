"""Plans in contractors' own formats (Primavera .xer here; .mpp and .mpx the same way)
read through MPXJ in a child process, then checked like XML: reproduced or refused."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from guatu.core.mspdi import MspdiError, read_mspdi
from guatu.core.mspdi_schedule import differences, schedule_project
from guatu.projects.interchange import project_import_mspdi
from guatu.projects.models import Project
from guatu.projects.plan_files import as_mspdi, java_runtime
from tests.office import office

XER = Path(__file__).parents[1] / "core" / "data" / "xer"
needs_java = pytest.mark.skipif(java_runtime() is None, reason="MPXJ needs a Java runtime")


def schedule_command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guatu", "schedule", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@needs_java
def test_a_p6_plan_is_read_and_reproduced(tmp_path):
    plan = read_mspdi(as_mspdi(XER / "resource-rates-test.xer", tmp_path))
    scheduled = schedule_project(plan)
    (task,) = scheduled.tasks
    assert task.name == "Activity 1" and task.duration == 240 * 60
    assert task.computed["Finish"] == "2022-09-30T17:00:00"  # P6's own early finish
    assert differences(scheduled) == []


@needs_java
def test_a_p6_plan_whose_stored_dates_follow_p6s_own_rules_is_refused_naming_them(tmp_path):
    plan = read_mspdi(as_mspdi(XER / "PredecessorCalendar.xer", tmp_path))
    scheduled = schedule_project(plan)
    (first, *_) = differences(scheduled)
    message = str(first.error())
    # P6 keeps a finished activity's early dates at the data date.
    assert "Test（UID 1338401）" in message and "EarlyStart" in message
    assert "2019-10-02T00:00:00" in message


@needs_java
def test_the_schedule_command_reads_xer():
    done = schedule_command("--plan", str(XER / "resource-rates-test.xer"))
    assert done.returncode == 0, done.stderr
    row = done.stdout.strip().splitlines()[1].split("\t")
    assert row[:4] == ["35845", "Activity 1", "2022-08-22 08:00", "2022-09-30 17:00"]


def test_without_java_an_mpp_or_xer_is_refused_with_the_reason(tmp_path):
    venv_only = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    venv_only.pop("JAVA_HOME", None)
    if shutil.which("java", path=venv_only["PATH"]):
        pytest.skip("java is inside the virtual environment")
    done = schedule_command("--plan", str(XER / "resource-rates-test.xer"), env=venv_only)
    assert done.returncode != 0
    assert "Java" in done.stderr and "XML" in done.stderr, done.stderr


def test_a_file_of_another_kind_is_refused(tmp_path):
    other = tmp_path / "plan.docx"
    other.write_bytes(b"PK")
    with pytest.raises(MspdiError) as raised:
        as_mspdi(other, tmp_path)
    assert "plan.docx" in str(raised.value)


@needs_java
def test_a_file_mpxj_cannot_read_is_refused_naming_it(tmp_path):
    bad = tmp_path / "合同工期.mpp"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not really a compound file")
    with pytest.raises(MspdiError) as raised:
        as_mspdi(bad, tmp_path)
    assert "合同工期.mpp" in str(raised.value)


@needs_java
@pytest.mark.django_db
def test_the_import_page_takes_an_xer(demo):
    from django.test import Client

    from guatu.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    department = User.objects.get(username="dept_jiaotong").department
    page = client.get("/projects/import/")
    assert ".xer" in page.text and "Java" not in page.text  # Java is here: no warning
    with (XER / "resource-rates-test.xer").open("rb") as upload:
        response = client.post(
            "/projects/import/",
            {"file": upload, "code": "p6-rates", "owner_department": department.pk},
        )
    assert response.status_code == 302, response.text
    project = Project.objects.get(code="p6-rates")
    item = project.work_items.get()
    assert (item.duration_days, item.early_finish.isoformat()) == (30, "2022-09-30")


@needs_java
@pytest.mark.django_db
def test_a_refused_p6_plan_leaves_nothing(city, departments):
    with pytest.raises(ValidationError) as raised:
        project_import_mspdi(
            actor=office(),
            path=XER / "PredecessorCalendar.xer",
            code="p6-done",
            city=city,
            owner_department=departments["交通局"],
        )
    assert "UID 1338401" in raised.value.message_dict["file"][0]
    assert not Project.objects.filter(code="p6-done").exists()
